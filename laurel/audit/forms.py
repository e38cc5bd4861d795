from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    """The audit log's search and filters, read from the query string."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Searches the action, who, the object id and the summary"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=60,
        help_text=_("An action or its first part, e.g. award or award.revoke"),
        widget=forms.TextInput(attrs={"list": "audit-action-options", "autocomplete": "off"}),
    )
    actor = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=254,
        help_text=_("An email address, or api, cli or worker"),
        widget=forms.TextInput(attrs={"list": "audit-actor-options", "autocomplete": "off"}),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the start date as YYYY-MM-DD.")},
    )
    date_to = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the end date as YYYY-MM-DD.")},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
