from datetime import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laurel.core.text import canonical_email, canonical_student_id
from laurel.ingest.models import Source
from laurel.orgs.models import Organization, Recipient


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Source.Kind.choices)
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Such as “Moodle — spring term”. Empty means the kind's name."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "A Canvas gradebook export, a Moodle grade export, a Canvas Roll Call attendance report, "
            "a OneRoster results.csv, or an activity CSV."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    line_items = forms.FileField(
        label=gettext_lazy("OneRoster lineItems.csv (optional)"),
        required=False,
        help_text=gettext_lazy(
            "With a OneRoster results.csv: gives the assignments' titles and maximum scores."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    course = forms.CharField(
        label=gettext_lazy("Course"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The course the file is about, when the file itself does not say."),
    )
    occurred_at = forms.DateTimeField(
        label=gettext_lazy("Grades as of"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text=gettext_lazy("For gradebooks that carry no dates. Empty means the export time, or now."),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_CSV_BYTES:
            raise ValidationError(
                _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
                % {"size": upload.size, "limit": settings.MAX_CSV_BYTES}
            )
        return upload

    def clean_occurred_at(self) -> datetime | None:
        value = self.cleaned_data["occurred_at"]
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class ConfirmForm(forms.Form):
    park_unknown = forms.BooleanField(
        label=gettext_lazy("Also import the rows of people nobody knows yet, and link them later"),
        required=False,
    )


class LinkForm(forms.Form):
    recipient = forms.CharField(
        label=gettext_lazy("Recipient's email or student id"),
        max_length=254,
    )

    def __init__(self, org: Organization, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.org = org

    def clean_recipient(self) -> Recipient:
        text = self.cleaned_data["recipient"]
        recipient = (
            Recipient.objects.filter(org=self.org, email=canonical_email(text)).first()
            or Recipient.objects.filter(org=self.org, student_id=canonical_student_id(text))
            .exclude(student_id="")
            .first()
        )
        if recipient is None:
            raise ValidationError(_("No recipient of this organization has that email or student id."))
        return recipient


class PlatformForm(forms.Form):
    """The values an LMS shows once the tool is added there; checked in full by register_platform."""

    issuer = forms.CharField(
        label=gettext_lazy("Issuer"),
        max_length=255,
        help_text=gettext_lazy(
            "Canvas: https://canvas.instructure.com · Moodle: the site's address · Blackboard: https://blackboard.com"
        ),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    client_id = forms.CharField(
        label=gettext_lazy("Client id"),
        max_length=255,
        help_text=gettext_lazy("Canvas: the developer key's id · Moodle and Blackboard: “Client ID”."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    deployment_ids = forms.CharField(
        label=gettext_lazy("Deployment ids"),
        max_length=5000,
        help_text=gettext_lazy("One per line. Launches from any other deployment are refused."),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )
    auth_login_url = forms.CharField(
        label=gettext_lazy("Authentication request URL"),
        max_length=500,
        help_text=gettext_lazy(
            "Where the tool sends the browser to sign in (OIDC authorization endpoint). "
            "Canvas: https://sso.canvaslms.com/api/lti/authorize_redirect"
        ),
        widget=forms.URLInput(attrs={"autocomplete": "off"}),
    )
    auth_token_url = forms.CharField(
        label=gettext_lazy("Access token URL"),
        max_length=500,
        help_text=gettext_lazy(
            "For roster and grade services. Canvas: https://sso.canvaslms.com/login/oauth2/token"
        ),
        widget=forms.URLInput(attrs={"autocomplete": "off"}),
    )
    jwks_url = forms.CharField(
        label=gettext_lazy("Public keyset URL"),
        max_length=500,
        help_text=gettext_lazy(
            "The platform's keys. Canvas: https://sso.canvaslms.com/api/lti/security/jwks"
        ),
        widget=forms.URLInput(attrs={"autocomplete": "off"}),
    )
    auth_audience = forms.CharField(
        label=gettext_lazy("Access token audience (optional)"),
        max_length=500,
        required=False,
        help_text=gettext_lazy(
            "Only when the platform asks for one other than the token URL, as Blackboard does: "
            "https://developer.blackboard.com/api/v1/gateway/oauth2/jwttoken"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    frame_origins = forms.CharField(
        label=gettext_lazy("Addresses of the LMS's pages (optional)"),
        max_length=5000,
        required=False,
        help_text=gettext_lazy(
            "One per line, when the LMS shows its courses at another address than the issuer's, "
            "as Canvas cloud does (https://school.instructure.com) or Blackboard "
            "(https://school.blackboard.com). The tool's pages may be shown in frames there."
        ),
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
    )

    @classmethod
    def initial_for(cls, platform: object) -> dict[str, str]:
        if platform is None:
            return {}
        fields = ("issuer", "client_id", "auth_login_url", "auth_token_url", "jwks_url", "auth_audience")
        initial = {name: getattr(platform, name) for name in fields}
        deployments = platform.deployments.order_by("deployment_id").values_list("deployment_id", flat=True)  # type: ignore[attr-defined]
        initial["deployment_ids"] = "\n".join(deployments)
        initial["frame_origins"] = "\n".join(platform.frame_origins)  # type: ignore[attr-defined]
        return initial
