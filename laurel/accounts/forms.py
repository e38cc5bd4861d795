from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from laurel.accounts.models import User
from laurel.core.text import canonical_email, canonical_student_id
from laurel.orgs.models import Organization


class EmailField(forms.EmailField):
    def clean(self, value: object) -> str:
        return canonical_email(super().clean(value) or "")


class LoginForm(forms.Form):
    # Named "username" as Django's own sign-in form is, so password managers recognise it.
    username = EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SignupForm(forms.Form):
    email = EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    language = forms.ChoiceField(label=_("Language for emails and pages"), choices=User.LANGUAGES)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            candidate = User(email=data.get("email", ""), name=data.get("name", ""))
            try:
                validate_password(str(password), candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class PasswordResetForm(forms.Form):
    email = EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}
        ),
    )


class SetupCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("6-digit code from the app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ProfileForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(label=_("Language for emails and pages"), choices=User.LANGUAGES)


class AddEmailForm(forms.Form):
    email = EmailField(label=_("Email address"), max_length=254)


class OrganizationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Organization) -> str:  # type: ignore[override]
        return obj.name


class AddStudentIdForm(forms.Form):
    org = OrganizationChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.order_by("name_ko", "name_en"),
        to_field_name="slug",
    )
    student_id = forms.CharField(label=_("Student id"), max_length=100)

    def clean_student_id(self) -> str:
        value = canonical_student_id(self.cleaned_data["student_id"])
        if not value:
            raise ValidationError(_("Enter the student id the organization gave you."))
        return value
