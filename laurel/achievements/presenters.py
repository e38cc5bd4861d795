"""What pages show of a badge version: text in the reader's language, image addresses."""

import base64
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import get_language

from laurel.achievements.images import EXTENSIONS, PreparedImage
from laurel.achievements.markdown import render_markdown
from laurel.achievements.models import AchievementVersion, ImageAsset


@dataclass(frozen=True)
class Localized:
    text: str
    lang: str

    def __str__(self) -> str:
        return self.text


def localized(obj: object, field: str, lang: str | None = None) -> Localized:
    """The field in the wanted language or else the other one, with the language it is in."""
    lang = (lang or get_language() or "ko")[:2]
    for code in (lang, "en" if lang == "ko" else "ko"):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return Localized(value, code)
    return Localized("", lang)


def image_url(asset: ImageAsset | None) -> str:
    if asset is None:
        return ""
    return reverse(
        "achievements_public:image", kwargs={"sha256": asset.sha256, "ext": EXTENSIONS[asset.content_type]}
    )


def data_uri(image: PreparedImage) -> str:
    encoded = base64.b64encode(image.data).decode("ascii")
    return f"data:{image.content_type};base64,{encoded}"


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def type_label(achievement_type: str) -> str:
    return achievement_type.removeprefix("ext:")


def describe(version: AchievementVersion) -> dict[str, object]:
    """Everything the public and staff pages show about one version."""
    criteria = localized(version, "criteria")
    return {
        "name": localized(version, "name"),
        "description": localized(version, "description"),
        "criteria": criteria,
        "criteria_html": render_markdown(criteria.text),
        "alt_text": localized(version, "alt_text"),
        "evidence_description": localized(version, "evidence_description"),
        "type": type_label(version.achievement_type),
        "image_url": image_url(version.image),
        "png_url": image_url(version.image_png),
    }
