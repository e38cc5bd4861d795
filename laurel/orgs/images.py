"""Checking an uploaded PNG before any of it is kept."""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class CheckedPng:
    data: bytes
    width: int
    height: int


def check_png(data: bytes) -> CheckedPng:
    """Accept only a whole, real PNG within the size and pixel limits.

    The pixel count is read from the header before anything is decoded, so a
    small file claiming huge dimensions (a decompression bomb) costs nothing.
    """
    if len(data) > settings.MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": len(data), "limit": settings.MAX_IMAGE_BYTES}
        )
    if not data.startswith(PNG_SIGNATURE):
        raise ValidationError(_("The file is not a PNG image (its content does not start like one)."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=["PNG"])
            width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(None) from None
    except Exception:
        raise ValidationError(_("The PNG image could not be read; it may be damaged.")) from None
    if width * height > settings.MAX_IMAGE_PIXELS:
        raise _too_many_pixels((width, height))
    try:
        image.verify()
        # verify() checks chunk checksums but not the pixel data; decoding finds truncation.
        Image.open(io.BytesIO(data), formats=["PNG"]).load()
    except Exception:
        raise ValidationError(_("The PNG image is damaged or incomplete.")) from None
    return CheckedPng(data=data, width=width, height=height)


def _too_many_pixels(size: tuple[int, int] | None) -> ValidationError:
    limit = settings.MAX_IMAGE_PIXELS
    if size is None:
        return ValidationError(_("The image has too many pixels; the limit is %(limit)s.") % {"limit": limit})
    return ValidationError(
        _("The image is %(width)s×%(height)s pixels; the limit is %(limit)s pixels in all.")
        % {"width": size[0], "height": size[1], "limit": limit}
    )
