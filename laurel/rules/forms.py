import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class RuleForm(forms.Form):
    """The rule as JSON, until the form builder writes it (see laurel.rules.definition)."""

    definition = forms.CharField(
        label=gettext_lazy("Criteria (JSON)"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "code"}),
        max_length=50_000,
    )
    allow_unseen = forms.BooleanField(
        label=gettext_lazy("Items no source has reported yet are expected later"),
        required=False,
    )
    live = forms.BooleanField(label=gettext_lazy("Make it live now"), required=False)

    def clean_definition(self) -> Any:
        text = self.cleaned_data["definition"]
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("Not JSON: %(problem)s (line %(line)s, column %(column)s).")
                % {"problem": error.msg, "line": error.lineno, "column": error.colno}
            ) from None
