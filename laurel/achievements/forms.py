"""Validation of a badge definition, shared by the web editor and the JSON API.

The editor binds POST data to `AchievementEditor`; the API calls
`validate_achievement(dict)` with JSON-shaped data (lists for skills, tags and
alignments, a nested dict for the design) and gets the same rules and messages.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laurel.achievements import design as designs
from laurel.achievements.images import PreparedImage, prepare_existing, prepare_upload, render_png
from laurel.achievements.models import ACHIEVEMENT_TYPES, Achievement, ImageAsset
from laurel.orgs.models import Organization

EXT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
OTHER_TYPE = "ext"
TYPE_CHOICES = [(t, t) for t in ACHIEVEMENT_TYPES] + [(OTHER_TYPE, gettext_lazy("Other (write it below)"))]
ALIGNMENT_TYPES = [
    "ceasn:Competency",
    "ceterms:Credential",
    "CFItem",
    "CFRubric",
    "CFRubricCriterion",
    "CFRubricCriterionLevel",
    "CTDL",
]
ALIGNMENT_FIELDS = [
    "targetName",
    "targetUrl",
    "targetFramework",
    "targetCode",
    "targetType",
    "targetDescription",
]
MAX_ALIGNMENTS = 20
MAX_LIST_ITEMS = 50
MAX_ITEM_LENGTH = 100
LANGUAGE_NAMES = {"ko": gettext_lazy("Korean"), "en": gettext_lazy("English")}


class ListField(forms.CharField):
    """Comma- or newline-separated words, or a JSON list: trimmed, deduplicated, in order."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list | tuple):
            items = [str(v) for v in value]
        else:
            items = re.split(r"[,\n]", str(value or ""))
        seen: dict[str, str] = {}
        for item in items:
            text = unicodedata.normalize("NFC", " ".join(item.split()))
            if text and text.casefold() not in seen:
                seen[text.casefold()] = text
        return list(seen.values())

    def validate(self, value: Any) -> None:
        super().validate(value)
        if len(value) > MAX_LIST_ITEMS:
            raise ValidationError(_("At most %(limit)s entries, please.") % {"limit": MAX_LIST_ITEMS})
        for item in value:
            if len(item) > MAX_ITEM_LENGTH:
                raise ValidationError(
                    _("“%(item)s…” is longer than %(limit)s characters.")
                    % {"item": item[:20], "limit": MAX_ITEM_LENGTH}
                )

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list | tuple) else value


def check_achievement_type(value: str) -> str:
    if value in ACHIEVEMENT_TYPES:
        return value
    if value.startswith("ext:"):
        if EXT_NAME.match(value[4:]):
            return value
        raise ValidationError(
            _(
                "A custom type is written ext:Name, where Name starts with a letter and has only "
                "letters and digits (no spaces); “%(value)s” does not."
            )
            % {"value": value}
        )
    raise ValidationError(
        _("“%(value)s” is not an Open Badges achievement type; write a custom one as ext:Name.")
        % {"value": value}
    )


class AchievementForm(forms.Form):
    name_ko = forms.CharField(label=gettext_lazy("Name (Korean)"), max_length=200, required=False)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=200, required=False)
    description_ko = forms.CharField(
        label=gettext_lazy("Description (Korean)"), widget=forms.Textarea, max_length=5000, required=False
    )
    description_en = forms.CharField(
        label=gettext_lazy("Description (English)"), widget=forms.Textarea, max_length=5000, required=False
    )
    criteria_ko = forms.CharField(
        label=gettext_lazy("Criteria (Korean)"),
        widget=forms.Textarea,
        max_length=20000,
        required=False,
        help_text=gettext_lazy("What a learner must do to earn the badge. Markdown is allowed."),
    )
    criteria_en = forms.CharField(
        label=gettext_lazy("Criteria (English)"),
        widget=forms.Textarea,
        max_length=20000,
        required=False,
        help_text=gettext_lazy("What a learner must do to earn the badge. Markdown is allowed."),
    )
    achievement_type = forms.CharField(
        label=gettext_lazy("Achievement type"), widget=forms.Select(choices=TYPE_CHOICES), initial="Badge"
    )
    custom_type = forms.CharField(
        label=gettext_lazy("Custom type"),
        required=False,
        max_length=70,
        help_text=gettext_lazy(
            "Only for “Other”: letters and digits, e.g. Hackathon (saved as ext:Hackathon)."
        ),
    )
    slug = forms.SlugField(
        label=gettext_lazy("Short name in addresses"),
        max_length=80,
        required=False,
        help_text=gettext_lazy("Left empty, it is made from the English name."),
    )
    tags = ListField(
        label=gettext_lazy("Tags"),
        required=False,
        help_text=gettext_lazy("Separate with commas or new lines."),
    )
    skills = ListField(
        label=gettext_lazy("Skills"),
        required=False,
        help_text=gettext_lazy("Separate with commas or new lines."),
    )
    validity_days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        min_value=1,
        max_value=36500,
        required=False,
        help_text=gettext_lazy("Left empty, the badge does not expire."),
    )
    evidence_required = forms.BooleanField(label=gettext_lazy("Evidence required"), required=False)
    evidence_description_ko = forms.CharField(
        label=gettext_lazy("Evidence to submit (Korean)"),
        widget=forms.Textarea,
        required=False,
        max_length=5000,
    )
    evidence_description_en = forms.CharField(
        label=gettext_lazy("Evidence to submit (English)"),
        widget=forms.Textarea,
        required=False,
        max_length=5000,
    )
    alt_text_ko = forms.CharField(
        label=gettext_lazy("Image description (Korean)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Read aloud by screen readers in place of the image."),
    )
    alt_text_en = forms.CharField(
        label=gettext_lazy("Image description (English)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Read aloud by screen readers in place of the image."),
    )
    image_source = forms.ChoiceField(
        label=gettext_lazy("How to make the image"),
        choices=[("design", gettext_lazy("Design one here")), ("upload", gettext_lazy("Upload PNG or SVG"))],
        widget=forms.RadioSelect,
        initial="design",
    )
    image_file = forms.FileField(label=gettext_lazy("Image file (PNG or SVG)"), required=False)
    # The already checked image carried across a preview, or kept from the current version.
    image_sha256 = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self, *args: Any, org: Organization, achievement: Achievement | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        self.achievement = achievement
        self.upload: PreparedImage | None = None
        for name, bound_field in self.fields.items():
            # Screen readers switch voice for text in the other language.
            if name.endswith(("_ko", "_en")):
                bound_field.widget.attrs["lang"] = name[-2:]

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug:
            taken = Achievement.objects.filter(org=self.org, slug=slug)
            if self.achievement is not None:
                taken = taken.exclude(pk=self.achievement.pk)
            if taken.exists():
                raise ValidationError(
                    _("Another badge of this organization already uses “%(slug)s”.") % {"slug": slug}
                )
        return slug

    def clean_image_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("image_file")
        if upload is not None:
            # Refused before reading, so an oversized upload is never held in memory.
            if upload.size is not None and upload.size > settings.MAX_IMAGE_BYTES:
                raise ValidationError(
                    _("The image is %(size)s bytes; the limit is %(limit)s bytes.")
                    % {"size": upload.size, "limit": settings.MAX_IMAGE_BYTES}
                )
            self.upload = prepare_upload(upload.read())
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self._clean_type(data)
        complete = [
            code for code in ("ko", "en") if data.get(f"name_{code}") and data.get(f"description_{code}")
        ]
        if not complete:
            message = _("Give a name and a description in Korean or in English (or both).")
            self.add_error(None, message)
            for code in ("ko", "en"):
                for part in ("name", "description"):
                    if f"{part}_{code}" in data and not data.get(f"{part}_{code}"):
                        self.add_error(f"{part}_{code}", _("Needed unless the other language is complete."))
        for code in ("ko", "en"):
            if data.get(f"name_{code}") and not data.get(f"alt_text_{code}"):
                self.add_error(
                    f"alt_text_{code}",
                    _("Describe the image in %(language)s, since the badge has a name in %(language)s.")
                    % {"language": LANGUAGE_NAMES[code]},
                )
        if data.get("image_source") == "upload" and self.upload is None and not data.get("image_sha256"):
            if "image_file" not in self.errors:
                self.add_error("image_file", _("Choose a PNG or SVG file to upload."))
        return data

    def _clean_type(self, data: dict[str, Any]) -> None:
        if "achievement_type" not in data:  # already reported as missing
            return
        chosen = (data.get("achievement_type") or "").strip()
        field_name = "achievement_type"
        if chosen == OTHER_TYPE:
            field_name = "custom_type"
            custom = (data.get("custom_type") or "").strip()
            if not custom:
                self.add_error(field_name, _("Write the custom type, or choose one from the list."))
                return
            chosen = custom if custom.startswith("ext:") else f"ext:{custom}"
        try:
            data["achievement_type"] = check_achievement_type(chosen)
        except ValidationError as error:
            self.add_error(field_name, error)


class AlignmentForm(forms.Form):
    targetName = forms.CharField(label=gettext_lazy("Name"), max_length=300)
    targetUrl = forms.CharField(
        label=gettext_lazy("Address (URL)"), max_length=1000, help_text=gettext_lazy("Starts with https://")
    )
    targetFramework = forms.CharField(label=gettext_lazy("Framework"), max_length=300, required=False)
    targetCode = forms.CharField(label=gettext_lazy("Code"), max_length=100, required=False)
    targetType = forms.CharField(
        label=gettext_lazy("Type"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("One of the Open Badges alignment types, or ext:Name."),
    )
    targetDescription = forms.CharField(
        label=gettext_lazy("Description"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def clean_targetUrl(self) -> str:
        url = self.cleaned_data["targetUrl"].strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError(
                _("“%(url)s” is not a web address starting with http:// or https://.") % {"url": url[:100]}
            ) from None
        return url

    def clean_targetType(self) -> str:
        value = self.cleaned_data["targetType"].strip()
        if not value or value in ALIGNMENT_TYPES:
            return value
        if value.startswith("ext:") and EXT_NAME.match(value[4:]):
            return value
        raise ValidationError(
            _("“%(value)s” is not an alignment type; use one of %(types)s, or ext:Name.")
            % {"value": value, "types": ", ".join(ALIGNMENT_TYPES)}
        )


AlignmentFormSet = forms.formset_factory(
    AlignmentForm,
    extra=1,
    max_num=MAX_ALIGNMENTS,
    validate_max=True,
    absolute_max=MAX_ALIGNMENTS + 5,
    can_delete=True,
)


class DesignForm(forms.Form):
    shape = forms.ChoiceField(
        label=gettext_lazy("Shape"), choices=list(designs.SHAPES.items()), initial="circle"
    )
    primary = forms.CharField(
        label=gettext_lazy("Background colour"), max_length=7, initial=designs.Design.primary
    )
    secondary = forms.CharField(
        label=gettext_lazy("Icon and text colour"), max_length=7, initial=designs.Design.secondary
    )
    icon = forms.ChoiceField(
        label=gettext_lazy("Icon"), choices=list(designs.ICON_LABELS.items()), initial="star"
    )
    title = forms.CharField(
        label=gettext_lazy("Title on the image"),
        max_length=designs.TITLE_MAX,
        required=False,
        help_text=gettext_lazy("Up to 24 characters; left empty, the image shows only the icon."),
    )
    subtitle = forms.CharField(
        label=gettext_lazy("Subtitle on the image"), max_length=designs.SUBTITLE_MAX, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "design")
        super().__init__(*args, **kwargs)
        for name in ("primary", "secondary"):
            self.fields[name].widget.input_type = "color"

    def _clean_colour(self, name: str) -> str:
        value = self.cleaned_data[name].strip()
        if not designs.COLOUR.match(value):
            raise ValidationError(
                _("“%(value)s” is not a colour written as #rrggbb.") % {"value": value[:20]}
            )
        return value.lower()

    def clean_primary(self) -> str:
        return self._clean_colour("primary")

    def clean_secondary(self) -> str:
        return self._clean_colour("secondary")

    def design(self) -> designs.Design:
        return designs.Design(**{k: self.cleaned_data[k] for k in designs.Design.__dataclass_fields__})


def contrast_warning(design: designs.Design) -> str:
    ratio = designs.contrast_ratio(design.secondary, design.primary)
    if ratio >= designs.MIN_CONTRAST:
        return ""
    return _(
        "The text colour on the background has a contrast of %(ratio).1f:1, below the %(min).1f:1 that "
        "people with low vision need; choose colours further apart."
    ) % {"ratio": ratio, "min": designs.MIN_CONTRAST}


@dataclass
class AchievementData:
    """A validated badge definition, ready for create_achievement / update_achievement."""

    name_ko: str = ""
    name_en: str = ""
    description_ko: str = ""
    description_en: str = ""
    criteria_ko: str = ""
    criteria_en: str = ""
    achievement_type: str = "Badge"
    slug: str = ""
    tags: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    alignments: list[dict[str, str]] = field(default_factory=list)
    validity_days: int | None = None
    evidence_required: bool = False
    evidence_description_ko: str = ""
    evidence_description_en: str = ""
    alt_text_ko: str = ""
    alt_text_en: str = ""
    image: PreparedImage | None = None
    warnings: list[str] = field(default_factory=list)


VERSION_FIELDS = [
    name for name in AchievementData.__dataclass_fields__ if name not in ("slug", "image", "warnings")
]


class AchievementInvalid(ValidationError):
    """Raised by validate_achievement; `message_dict` maps field paths to messages."""


def with_blank_alignment(data: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """Add an empty alignment row after a filled last one, so a preview offers the next row."""
    if data is None or "alignments-TOTAL_FORMS" not in data:
        return data
    try:
        total = int(data["alignments-TOTAL_FORMS"])
    except (TypeError, ValueError):
        return data  # the formset reports the broken management form
    last_filled = total > 0 and any(data.get(f"alignments-{total - 1}-{key}") for key in ALIGNMENT_FIELDS)
    if total >= MAX_ALIGNMENTS or (total > 0 and not last_filled):
        return data
    copy = data.copy()  # type: ignore[attr-defined]
    copy["alignments-TOTAL_FORMS"] = str(total + 1)
    return copy


class AchievementEditor:
    """The editor's forms bound together: content, alignments and the image design."""

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        files: Mapping[str, Any] | None = None,
        *,
        org: Organization,
        achievement: Achievement | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        initial = initial or {}
        self.form = AchievementForm(
            data, files, org=org, achievement=achievement, initial=initial.get("form"), auto_id="id_%s"
        )
        self.alignments = AlignmentFormSet(
            with_blank_alignment(data), prefix="alignments", initial=initial.get("alignments")
        )
        self.design = DesignForm(data, initial=initial.get("design"))
        self.data: AchievementData | None = None

    def is_valid(self) -> bool:
        valid = self.form.is_valid() & self.alignments.is_valid()
        uses_design = self.form.cleaned_data.get("image_source", "design") == "design"
        if uses_design:
            valid &= self.design.is_valid()
        if not valid:
            return False
        image, warnings = self._image(uses_design)
        if image is None:
            return False
        values = {
            name: self.form.cleaned_data[name] for name in VERSION_FIELDS if name in self.form.cleaned_data
        }
        self.data = AchievementData(
            **values,
            slug=self.form.cleaned_data["slug"],
            # Blank extra rows clean to {}; rows ticked for removal are left out.
            alignments=[
                self._alignment(f.cleaned_data)
                for f in self.alignments
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ],
            image=image,
            warnings=warnings,
        )
        return True

    @staticmethod
    def _alignment(cleaned: dict[str, Any]) -> dict[str, str]:
        return {key: cleaned[key] for key in ALIGNMENT_FIELDS if cleaned.get(key)}

    def _image(self, uses_design: bool) -> tuple[PreparedImage | None, list[str]]:
        if uses_design:
            design = self.design.design()
            label = (
                self.form.cleaned_data.get("alt_text_en") or self.form.cleaned_data.get("alt_text_ko") or ""
            )
            svg = designs.build_svg(design, label=label).encode()
            image = PreparedImage(
                data=svg,
                content_type="image/svg+xml",
                width=designs.SIZE,
                height=designs.SIZE,
                png=render_png(svg),
                design=design.as_dict(),
            )
            warning = contrast_warning(design)
            return image, [warning] if warning else []
        if self.form.upload is not None:
            return self.form.upload, []
        asset = ImageAsset.objects.filter(sha256=self.form.cleaned_data["image_sha256"]).first()
        if asset is None:
            self.form.add_error(
                "image_file", _("The earlier image is no longer available; choose the file again.")
            )
            return None, []
        return prepare_existing(asset), []

    def errors(self) -> dict[str, list[str]]:
        """Every message keyed by a field path: name_ko, alignments[0].targetUrl, design.primary."""
        found: dict[str, list[str]] = {}
        for name, messages in self.form.errors.items():
            found[name if name != "__all__" else "non_field_errors"] = [str(m) for m in messages]
        for index, form_errors in enumerate(self.alignments.errors):
            for name, messages in form_errors.items():
                found[f"alignments[{index}].{name}"] = [str(m) for m in messages]
        if self.alignments.non_form_errors():
            found["alignments"] = [str(m) for m in self.alignments.non_form_errors()]
        if self.form.cleaned_data.get("image_source", "design") == "design" and self.design.is_bound:
            for name, messages in self.design.errors.items():
                found[f"design.{name}"] = [str(m) for m in messages]
        return found


def as_form_data(
    data: Mapping[str, Any], achievement: Achievement | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Turn JSON-shaped input into the editor's form data and files."""
    form_data: dict[str, Any] = {
        key: value for key, value in data.items() if key not in ("alignments", "design", "image_file")
    }
    for key in ("tags", "skills"):
        if isinstance(form_data.get(key), list | tuple):
            form_data[key] = "\n".join(str(item) for item in form_data[key])
    if form_data.get("evidence_required") in (False, None, "", "false"):
        form_data.pop("evidence_required", None)
    alignments = list(data.get("alignments") or [])
    form_data.update(
        {
            "alignments-TOTAL_FORMS": str(len(alignments)),
            "alignments-INITIAL_FORMS": "0",
            "alignments-MIN_NUM_FORMS": "0",
            "alignments-MAX_NUM_FORMS": str(MAX_ALIGNMENTS),
        }
    )
    for index, alignment in enumerate(alignments):
        for key in ALIGNMENT_FIELDS:
            form_data[f"alignments-{index}-{key}"] = (alignment or {}).get(key, "")
    design = {**designs.Design().as_dict(), **(data.get("design") or {})}
    if achievement is not None and not any(data.get(k) for k in ("design", "image_file", "image_sha256")):
        # An update that says nothing about the image keeps the current one.
        current = achievement.current_version
        if current is not None and current.design:
            design = {**design, **current.design}
        elif current is not None and current.image is not None:
            form_data["image_sha256"] = current.image.sha256
    for key, value in design.items():
        form_data[f"design-{key}"] = value
    uploaded = data.get("image_file") or form_data.get("image_sha256")
    form_data.setdefault("image_source", "upload" if uploaded else "design")
    files = {"image_file": data["image_file"]} if data.get("image_file") else {}
    return form_data, files


def validate_achievement(
    data: Mapping[str, Any], *, org: Organization, achievement: Achievement | None = None
) -> AchievementData:
    """Validate a JSON-shaped badge definition; raise AchievementInvalid with every message.

    `image_file` may be an UploadedFile; without it (and without `image_sha256`)
    the image is designed from `design` (a dict of Design fields; defaults apply).
    """
    form_data, files = as_form_data(data, achievement)
    editor = AchievementEditor(form_data, files, org=org, achievement=achievement)
    if not editor.is_valid():
        raise AchievementInvalid(editor.errors())
    assert editor.data is not None
    return editor.data
