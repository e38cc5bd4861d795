import io
import xml.etree.ElementTree as ET

from django.test import SimpleTestCase
from PIL import Image

from laurel.achievements.design import ICONS, SHAPES, Design, build_svg, contrast_ratio, wrap_title
from laurel.achievements.images import render_png
from laurel.achievements.svg import sanitize_svg

SVG = "{http://www.w3.org/2000/svg}"


class DesignSvgTests(SimpleTestCase):
    def test_every_shape_and_icon_gives_valid_svg_that_passes_our_own_sanitizer(self) -> None:
        self.assertGreaterEqual(len(ICONS), 8)
        for shape in SHAPES:
            for icon in ICONS:
                svg = build_svg(Design(shape=shape, icon=icon, title="Test & <진짜>", subtitle="2025"))
                root = ET.fromstring(svg)
                self.assertEqual(root.tag, f"{SVG}svg")
                self.assertEqual((root.get("width"), root.get("height")), ("512", "512"))
                sanitize_svg(svg.encode())

    def test_title_text_is_escaped_and_uses_the_hangul_font(self) -> None:
        root = ET.fromstring(build_svg(Design(title="A&B <b>")))
        text = root.find(f"{SVG}text")
        self.assertEqual(text.text, "A&B <b>")
        self.assertTrue(text.get("font-family").startswith("NanumGothic"))

    def test_the_png_is_512_by_512(self) -> None:
        png = Image.open(io.BytesIO(render_png(build_svg(Design(shape="rosette", title="데이터 분석")))))
        self.assertEqual(png.format, "PNG")
        self.assertEqual(png.size, (512, 512))

    def test_the_background_colour_fills_the_centre_of_the_shape(self) -> None:
        png = Image.open(io.BytesIO(render_png(build_svg(Design(primary="#1a7f37", icon="check")))))
        self.assertEqual(png.convert("RGB").getpixel((60, 256)), (0x1A, 0x7F, 0x37))

    def test_long_titles_wrap_to_two_lines_at_the_most_balanced_space(self) -> None:
        self.assertEqual(wrap_title("Python Expert Level Two"), ["Python Expert", "Level Two"])
        self.assertEqual(wrap_title("데이터 분석 기초 과정 수료"), ["데이터 분석", "기초 과정 수료"])
        self.assertEqual(wrap_title("가나다"), ["가나다"])
        self.assertEqual(len(wrap_title("가" * 20)), 2)

    def test_two_lines_become_two_text_elements(self) -> None:
        root = ET.fromstring(build_svg(Design(title="Python Expert Level Two")))
        self.assertEqual([t.text for t in root.iter(f"{SVG}text")], ["Python Expert", "Level Two"])


class ContrastTests(SimpleTestCase):
    def test_black_on_white_is_21_to_1(self) -> None:
        self.assertAlmostEqual(contrast_ratio("#000000", "#ffffff"), 21.0, places=2)

    def test_identical_colours_are_1_to_1(self) -> None:
        self.assertAlmostEqual(contrast_ratio("#777777", "#777777"), 1.0)

    def test_white_on_wcag_grey_threshold(self) -> None:
        # #767676 is the lightest grey that reaches 4.5:1 against white.
        self.assertGreaterEqual(contrast_ratio("#ffffff", "#767676"), 4.5)
        self.assertLess(contrast_ratio("#ffffff", "#777777"), 4.5)
