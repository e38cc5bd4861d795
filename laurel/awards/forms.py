import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from laurel.achievements.models import Achievement
from laurel.awards.models import Award, local_today
from laurel.orgs.models import LANGUAGES, Organization


class AchievementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Achievement) -> str:  # type: ignore[override]
        return obj.current_version.name if obj.current_version else obj.slug


def awardable(org: Organization) -> QuerySet[Achievement]:
    return (
        Achievement.objects.filter(org=org, archived_at__isnull=True, current_version__isnull=False)
        .select_related("current_version")
        .order_by("current_version__name_ko", "current_version__name_en", "slug")
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class AwardForm(forms.Form):
    achievement = AchievementChoiceField(label=_("Badge"), queryset=Achievement.objects.none())
    email = forms.CharField(
        label=_("Recipient email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    name = forms.CharField(label=_("Recipient name"), max_length=200)
    student_id = forms.CharField(label=_("Student id"), max_length=100, required=False)
    language = forms.ChoiceField(
        label=_("Email language"),
        choices=[("", _("Recipient's saved language, else the organization's")), *LANGUAGES],
        required=False,
    )
    evidence_url = forms.CharField(
        label=_("Evidence URL"),
        max_length=1000,
        required=False,
        widget=forms.URLInput,
        help_text=_("A public http:// or https:// address showing the work."),
    )
    evidence_narrative = forms.CharField(
        label=_("Evidence description"), required=False, widget=forms.Textarea
    )
    issued_on = forms.DateField(label=_("Issue date"), widget=DateInput, input_formats=["%Y-%m-%d"])
    allow_duplicate = forms.BooleanField(
        label=_("Award it again even though this person already holds this badge"), required=False
    )

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("issued_on", local_today())
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = awardable(org)  # type: ignore[attr-defined]


class BulkUploadForm(forms.Form):
    achievement = AchievementChoiceField(label=_("Badge"), queryset=Achievement.objects.none())
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "A header row, then one recipient per row. UTF-8 or Korean Excel (CP949) encoding; "
            "comma, semicolon or tab separated."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    allow_duplicates = forms.BooleanField(
        label=_("Award again to people who already hold this badge"), required=False
    )

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = awardable(org)  # type: ignore[attr-defined]


STATUS_CHOICES = [("", _("Any status")), *Award.Status.choices]
SOURCE_CHOICES = [("", _("Any source")), *Award.Source.choices]


class HistoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=200, widget=forms.TextInput(attrs={"type": "search"})
    )
    achievement = AchievementChoiceField(
        label=_("Badge"),
        queryset=Achievement.objects.none(),
        required=False,
        empty_label=_("Any badge"),
        to_field_name="public_id",
    )
    source = forms.ChoiceField(label=_("Source"), choices=SOURCE_CHOICES, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    date_from = forms.DateField(
        label=_("Issued from"), required=False, widget=DateInput, input_formats=["%Y-%m-%d"]
    )
    date_to = forms.DateField(
        label=_("Issued until"), required=False, widget=DateInput, input_formats=["%Y-%m-%d"]
    )

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = (  # type: ignore[attr-defined]
            Achievement.objects.filter(org=org, current_version__isnull=False)
            .select_related("current_version")
            .order_by("current_version__name_ko", "current_version__name_en", "slug")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: datetime.date | None = data.get("date_from")
        end: datetime.date | None = data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
