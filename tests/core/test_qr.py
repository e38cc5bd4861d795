import io
from unittest import mock

import resvg_py
import zxingcpp
from django.core.cache import cache
from django.test import SimpleTestCase
from PIL import Image

from laurel.core import qr

URL = "https://badges.hanbit.example/a/7f3kq2m9x4c8v1bn/?src=qr"


def decode(svg: str) -> list[zxingcpp.Result]:
    """Read the QR code back from a rendering of the SVG, with a decoder of its own."""
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, width=400, height=400))
    return zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))


class QrSvgTests(SimpleTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_the_code_decodes_to_the_url(self) -> None:
        [result] = decode(qr.qr_svg(URL))
        self.assertEqual(result.format, zxingcpp.BarcodeFormat.QRCode)
        self.assertEqual(result.text, URL)

    def test_the_code_uses_error_correction_level_m(self) -> None:
        [result] = decode(qr.qr_svg(URL))
        self.assertEqual(result.ec_level, "M")

    def test_korean_urls_decode_too(self) -> None:
        url = "https://badges.example/i/파이썬-기초/"
        [result] = decode(qr.qr_svg(url))
        self.assertEqual(result.text, url)

    def test_the_svg_can_be_inlined_in_html(self) -> None:
        svg = qr.qr_svg(URL)
        self.assertTrue(svg.startswith("<svg "))
        self.assertNotIn("<?xml", svg)
        self.assertIn('viewBox="', svg)

    def test_the_code_is_named_for_screen_readers(self) -> None:
        svg = qr.qr_svg(URL, title="Scan to open <this> badge")
        self.assertIn('role="img"><title>Scan to open &lt;this&gt; badge</title>', svg)

    def test_a_default_title_is_given(self) -> None:
        self.assertIn("<title>QR code for this page</title>", qr.qr_svg(URL))

    def test_each_url_is_drawn_only_once(self) -> None:
        first = qr.qr_svg(URL)
        with mock.patch.object(qr.segno, "make_qr", side_effect=AssertionError("drawn again")):
            second = qr.qr_svg(URL)
        self.assertEqual(first, second)

    def test_different_urls_get_different_codes(self) -> None:
        other = URL.replace("7f3k", "8g4m")
        [result] = decode(qr.qr_svg(other))
        self.assertEqual(result.text, other)
        self.assertNotEqual(qr.qr_svg(URL), qr.qr_svg(other))
