from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laurel.orgs.images import CheckedPng, check_png
from laurel.orgs.models import LANGUAGES, Role


class OrgSettingsForm(forms.Form):
    name_ko = forms.CharField(label=gettext_lazy("Name (Korean)"), max_length=200, required=False)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=200, required=False)
    description_ko = forms.CharField(
        label=gettext_lazy("Description (Korean)"), widget=forms.Textarea, required=False
    )
    description_en = forms.CharField(
        label=gettext_lazy("Description (English)"), widget=forms.Textarea, required=False
    )
    url = forms.URLField(label=gettext_lazy("Website"), required=False, assume_scheme="https")
    email = forms.EmailField(label=gettext_lazy("Contact email"), required=False)
    default_language = forms.ChoiceField(label=gettext_lazy("Default language"), choices=LANGUAGES)
    public_base_url = forms.CharField(
        label=gettext_lazy("Public base URL"),
        max_length=200,
        required=False,
        widget=forms.URLInput,
        help_text=gettext_lazy(
            "Where this issuer's public pages are served, such as https://badges.example.ac.kr. "
            "Leave empty to use this site's address."
        ),
    )
    logo = forms.FileField(
        label=gettext_lazy("Logo (PNG)"),
        required=False,
        help_text=format_lazy(
            gettext_lazy("A PNG file of at most {size} KB and {pixels} pixels in all."),
            size=settings.MAX_IMAGE_BYTES // 1024,
            pixels=settings.MAX_IMAGE_PIXELS,
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png"}),
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the current logo"), required=False)

    checked_logo: CheckedPng | None = None

    def clean_public_base_url(self) -> str:
        value = self.cleaned_data["public_base_url"].strip()
        if not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError(_("Enter an address starting with https:// or http:// and a host name."))
        if parts.username or parts.password:
            raise ValidationError(_("The address must not contain a user name or password."))
        if parts.path not in ("", "/") or parts.query or parts.fragment or value.endswith(("?", "#")):
            raise ValidationError(
                _("Give only the scheme and host, such as https://badges.example.ac.kr, with no path.")
            )
        try:
            parts.port  # noqa: B018 -- raises on a malformed port
        except ValueError:
            raise ValidationError(_("The port number is not valid.")) from None
        return f"{parts.scheme}://{parts.netloc}"

    def clean_logo(self) -> object:
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if not upload.name.lower().endswith(".png"):
            raise ValidationError(_("Upload the logo as a .png file."))
        # Read one byte past the limit: enough to know it is too big without reading it all.
        data = upload.read(settings.MAX_IMAGE_BYTES + 1)
        if len(data) > settings.MAX_IMAGE_BYTES:
            raise ValidationError(
                _("The image is larger than %(limit)s bytes.") % {"limit": settings.MAX_IMAGE_BYTES}
            )
        self.checked_logo = check_png(data)
        return upload

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not (str(data.get("name_ko", "")).strip() or str(data.get("name_en", "")).strip()):
            raise ValidationError(_("Give the organization a name in Korean, English or both."))
        return data

    def values(self) -> dict[str, str]:
        return {
            field: str(self.cleaned_data[field]).strip()
            for field in self.fields
            if field not in ("logo", "remove_logo")
        }


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial=Role.ISSUER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, such as “LMS integration”."),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the token a name."))
        return name
