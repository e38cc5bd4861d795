"""Badge images: checking uploads, rendering SVG to PNG, content-addressed storage."""

import io
from dataclasses import dataclass, field
from typing import Any

import resvg_py
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

from laurel.achievements.models import ImageAsset
from laurel.achievements.svg import sanitize_svg
from laurel.orgs.images import PNG_SIGNATURE, check_png

PNG_SIZE = 512
SVG = "image/svg+xml"
PNG = "image/png"
EXTENSIONS = {SVG: "svg", PNG: "png"}
BASE_FONT = "NanumGothic"


@dataclass(frozen=True)
class PreparedImage:
    """A checked image and its PNG rendering, ready to store; nothing is written yet."""

    data: bytes
    content_type: str
    width: int
    height: int
    # The PNG rendering of an SVG; None when the image is itself a PNG.
    png: bytes | None = None
    # Template parameters for designed images.
    design: dict[str, Any] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return ImageAsset.digest(self.data)


def render_png(svg: bytes | str, size: int = PNG_SIZE) -> bytes:
    """Render an SVG to a PNG fitting size×size, with only the configured fonts.

    System fonts are skipped so every server draws the same glyphs, and a
    missing Hangul font shows up as missing text in tests, not as silent tofu.
    """
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    try:
        png = resvg_py.svg_to_bytes(
            svg_string=text,
            width=size,
            height=size,
            skip_system_fonts=True,
            font_dirs=list(settings.FONT_DIRS),
            font_family=BASE_FONT,
            sans_serif_family=BASE_FONT,
            serif_family=BASE_FONT,
            languages=["ko", "en"],
        )
    except ValueError as error:
        raise ValidationError(_("The SVG could not be drawn: %(error)s") % {"error": error}) from None
    return bytes(png)


def png_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data), formats=["PNG"]).size


def prepare_upload(data: bytes) -> PreparedImage:
    """Check an uploaded PNG or SVG, telling them apart by content, not by name."""
    if len(data) > settings.MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": len(data), "limit": settings.MAX_IMAGE_BYTES}
        )
    if data.startswith(PNG_SIGNATURE):
        png = check_png(data)
        return PreparedImage(data=png.data, content_type=PNG, width=png.width, height=png.height)
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        svg = sanitize_svg(data)
        return PreparedImage(
            data=svg.data, content_type=SVG, width=svg.width, height=svg.height, png=render_png(svg.data)
        )
    raise ValidationError(_("Upload a PNG or SVG image; this file is neither."))


def prepare_existing(asset: ImageAsset) -> PreparedImage:
    """An image already stored (kept from the current version or a previewed upload)."""
    data = bytes(asset.data)
    png = render_png(data) if asset.content_type == SVG else None
    return PreparedImage(
        data=data, content_type=asset.content_type, width=asset.width, height=asset.height, png=png
    )


def store_image(data: bytes, content_type: str, width: int, height: int) -> ImageAsset:
    asset, _created = ImageAsset.objects.get_or_create(
        sha256=ImageAsset.digest(data),
        defaults={"content_type": content_type, "data": data, "width": width, "height": height},
    )
    return asset


def store_prepared(image: PreparedImage) -> tuple[ImageAsset, ImageAsset]:
    """Store the image and its PNG; a PNG upload is its own PNG."""
    asset = store_image(image.data, image.content_type, image.width, image.height)
    if image.png is None:
        return asset, asset
    width, height = png_size(image.png)
    return asset, store_image(image.png, PNG, width, height)
