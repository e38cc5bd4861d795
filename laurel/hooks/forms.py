from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from laurel.hooks import guard
from laurel.hooks.models import EventType

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=gettext_lazy("URL"),
        max_length=guard.MAX_URL,
        help_text=gettext_lazy(
            "Where the events are posted, such as https://lms.example.ac.kr/laurel/events."
        ),
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"}),
    )
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[EventType.AWARD_ISSUED, EventType.AWARD_REVOKED],
    )
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)

    def clean_url(self) -> str:
        # Refused here with the reason, not on the first send.
        return guard.check_url(self.cleaned_data["url"])


class ReplayForm(forms.Form):
    since = forms.DateTimeField(label=gettext_lazy("From"), widget=_DATETIME, input_formats=_FORMATS)
    until = forms.DateTimeField(label=gettext_lazy("Until"), widget=_DATETIME, input_formats=_FORMATS)
    failed_only = forms.BooleanField(label=gettext_lazy("Only deliveries that gave up"), required=False)

    def _aware(self, name: str) -> datetime:
        value: datetime = self.cleaned_data[name]
        return timezone.make_aware(value) if timezone.is_naive(value) else value

    def clean_since(self) -> datetime:
        return self._aware("since")

    def clean_until(self) -> datetime:
        return self._aware("until")


class LrsForm(forms.Form):
    url = forms.CharField(
        label=gettext_lazy("LRS endpoint"),
        max_length=guard.MAX_URL,
        help_text=gettext_lazy(
            "The xAPI endpoint, such as https://lrs.example.ac.kr/xapi/; statements go to its /statements."
        ),
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"}),
    )
    username = forms.CharField(label=gettext_lazy("Username"), max_length=200)
    password = forms.CharField(
        label=gettext_lazy("Password"),
        max_length=500,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)

    def clean_url(self) -> str:
        return guard.check_url(self.cleaned_data["url"])


class LogFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("All")),
            ("delivered", gettext_lazy("Delivered")),
            ("failing", gettext_lazy("Failing")),
            ("gave_up", gettext_lazy("Gave up")),
        ],
    )
    before = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
