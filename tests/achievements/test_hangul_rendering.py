"""The PNG must show real Hangul. If the font in settings.FONT_DIRS is missing, these fail."""

import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.test import SimpleTestCase, override_settings
from PIL import Image, ImageChops, ImageDraw, ImageFont

from laurel.achievements.design import FONT_FAMILY, Design, build_svg
from laurel.achievements.images import render_png

CANVAS = 256
FONT_SIZE = 160
BASELINE = 190
NOT_IN_FONT = "\ue000"  # a private-use code point: the font has no glyph, so .notdef is drawn


def font_file() -> Path:
    for folder in settings.FONT_DIRS:
        candidate = Path(folder) / "NanumGothic.ttf"
        if candidate.exists():
            return candidate
    raise AssertionError(f"NanumGothic.ttf is not in FONT_DIRS {settings.FONT_DIRS}; install fonts-nanum")


def mask(image: Image.Image) -> Image.Image:
    return image.convert("L").point(lambda p: 255 if p < 128 else 0)


def ink(image: Image.Image) -> int:
    return mask(image).histogram()[255]


def difference(a: Image.Image, b: Image.Image) -> int:
    return ImageChops.difference(mask(a), mask(b)).histogram()[255]


def resvg_glyph(text: str) -> Image.Image:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CANVAS}" height="{CANVAS}">'
        f'<rect width="{CANVAS}" height="{CANVAS}" fill="#fff"/>'
        f'<text x="{CANVAS // 2}" y="{BASELINE}" font-family="{escape(FONT_FAMILY, {chr(34): "&quot;"})}" '
        f'font-size="{FONT_SIZE}" text-anchor="middle" fill="#000">{text}</text></svg>'
    )
    return Image.open(io.BytesIO(render_png(svg, size=CANVAS)))


def pillow_glyph(text: str) -> Image.Image:
    font = ImageFont.truetype(str(font_file()), FONT_SIZE)
    image = Image.new("L", (CANVAS, CANVAS), 255)
    ImageDraw.Draw(image).text((CANVAS // 2, BASELINE), text, font=font, fill=0, anchor="ms")
    return image


class HangulGlyphTests(SimpleTestCase):
    def test_ga_is_drawn_as_the_fonts_hangul_glyph_and_not_as_its_notdef_box(self) -> None:
        drawn = resvg_glyph("가")
        reference = pillow_glyph("가")
        tofu = pillow_glyph(NOT_IN_FONT)
        self.assertGreater(ink(reference), 1500)
        # Sanity: the font's real glyph and its .notdef box look different.
        self.assertGreater(difference(reference, tofu), ink(reference) // 2)
        self.assertGreater(ink(drawn), 1500)
        # Two rasterizers differ by a few edge pixels, not by a whole glyph.
        self.assertLess(difference(drawn, reference), ink(reference) // 10)
        self.assertGreater(difference(drawn, tofu), ink(reference) // 2)

    def test_without_the_font_directory_nothing_is_drawn(self) -> None:
        # Shows the ink above comes from FONT_DIRS, not from a system font.
        with override_settings(FONT_DIRS=[]):
            self.assertEqual(ink(resvg_glyph("가")), 0)


class HangulDesignTests(SimpleTestCase):
    def title_pixels(self, title: str) -> int:
        design = Design(primary="#000000", secondary="#ffffff", icon="star", title=title)
        png = Image.open(io.BytesIO(render_png(build_svg(design)))).convert("L")
        # Only the band where the title goes: white text on the black shape.
        band = png.crop((80, 290, 432, 370))
        return sum(band.histogram()[129:])

    def test_a_korean_title_puts_text_on_the_badge_png(self) -> None:
        with_text = self.title_pixels("한빛대학교")
        self.assertGreater(with_text, 1500)
        with override_settings(FONT_DIRS=[]):
            self.assertEqual(self.title_pixels("한빛대학교"), 0)

    def test_different_hangul_titles_render_differently(self) -> None:
        design = Design(title="가나다")
        other = Design(title="라마바")
        self.assertNotEqual(render_png(build_svg(design)), render_png(build_svg(other)))
