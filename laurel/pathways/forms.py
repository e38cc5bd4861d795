"""The staff design form: levels as badge checkboxes and a count, never raw JSON."""

from django import forms
from django.utils.translation import gettext_lazy as _

from laurel.achievements.models import Achievement
from laurel.pathways.actions import GroupSpec

LEVELS = 4


class PathwayForm(forms.Form):
    slug = forms.SlugField(label=_("Address"), max_length=80)
    name_ko = forms.CharField(label=_("Name (Korean)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    description_ko = forms.CharField(label=_("Description (Korean)"), widget=forms.Textarea, required=False)
    description_en = forms.CharField(label=_("Description (English)"), widget=forms.Textarea, required=False)
    milestone = forms.ChoiceField(label=_("Milestone badge"))

    def __init__(self, badges: list[Achievement], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = [
            (str(b.public_id), b.current_version.name if b.current_version else b.slug) for b in badges
        ]
        self.fields["milestone"].choices = choices
        for i in range(1, LEVELS + 1):
            self.fields[f"level{i}_badges"] = forms.MultipleChoiceField(
                label=_("Level %(n)s badges") % {"n": i},
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"level{i}_n"] = forms.IntegerField(
                label=_("How many of them (empty for all)"), min_value=1, required=False
            )
            if i > 1:
                self.fields[f"level{i}_after"] = forms.BooleanField(
                    label=_("Only after the previous level"), required=False
                )

    def groups(self) -> list[GroupSpec]:
        specs: list[GroupSpec] = []
        for i in range(1, LEVELS + 1):
            badges = tuple(self.cleaned_data.get(f"level{i}_badges") or ())
            if not badges:
                continue
            after = bool(self.cleaned_data.get(f"level{i}_after")) and bool(specs)
            specs.append(
                GroupSpec(
                    badges=badges,
                    n=self.cleaned_data.get(f"level{i}_n"),
                    requires=(len(specs) - 1,) if after else (),
                )
            )
        return specs
