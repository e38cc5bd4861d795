import xml.etree.ElementTree as ET

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, override_settings
from django.utils.translation import override

from laurel.achievements.svg import sanitize_svg

XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'
SVG_OPEN = f'<svg xmlns="http://www.w3.org/2000/svg" {XLINK} viewBox="0 0 100 100">'


def svg(body: str, open_tag: str = SVG_OPEN) -> bytes:
    return f"{open_tag}{body}</svg>".encode()


class HostileSvgTests(SimpleTestCase):
    def refusal(self, data: bytes) -> str:
        with override("en"), self.assertRaises(ValidationError) as caught:
            sanitize_svg(data)
        return " ".join(caught.exception.messages)

    def test_it_refuses_a_script_element(self) -> None:
        message = self.refusal(svg('<script>alert(document.cookie)</script><circle r="5"/>'))
        self.assertIn("<script>", message)

    def test_it_refuses_an_onload_attribute(self) -> None:
        message = self.refusal(svg('<circle r="5"/>', SVG_OPEN.replace("<svg ", '<svg onload="alert(1)" ')))
        self.assertIn("onload", message)
        self.assertIn("event handler", message)

    def test_it_refuses_an_event_handler_in_any_case(self) -> None:
        self.assertIn("ONCLICK", self.refusal(svg('<rect width="5" height="5" ONCLICK="x()"/>')))

    def test_it_refuses_an_external_href(self) -> None:
        message = self.refusal(svg('<use xlink:href="https://evil.example/sprite.svg#a"/>'))
        self.assertIn("https://evil.example/sprite.svg#a", message)

    def test_it_refuses_a_javascript_href_on_plain_href(self) -> None:
        self.assertIn("javascript:", self.refusal(svg('<use href="javascript:alert(1)"/>')))

    def test_it_refuses_an_xxe_entity(self) -> None:
        data = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + svg(
            "<text>&xxe;</text>"
        )
        self.assertIn("DTD", self.refusal(data))

    def test_it_refuses_billion_laughs(self) -> None:
        entities = '<!ENTITY lol "lol">' + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
            for i in range(1, 10)
        )
        data = f'<?xml version="1.0"?><!DOCTYPE svg [{entities}]>'.encode() + svg("<text>&lol9;</text>")
        self.assertIn("entities", self.refusal(data))

    def test_it_refuses_style_importing_an_external_sheet(self) -> None:
        message = self.refusal(svg("<style>@import url(http://evil.example/x.css);</style>"))
        self.assertIn("@import", message)

    def test_it_refuses_style_urls_to_anything_but_an_internal_id(self) -> None:
        message = self.refusal(svg("<style>circle { fill: url('https://evil.example/p.svg#g') }</style>"))
        self.assertIn("https://evil.example/p.svg#g", message)

    def test_it_refuses_foreign_object(self) -> None:
        body = '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>'
        self.assertIn("foreignObject", self.refusal(svg(body)))

    def test_it_refuses_data_uris_in_style_attributes(self) -> None:
        message = self.refusal(
            svg('<rect width="5" height="5" style="fill: url(data:image/png;base64,AAAA)"/>')
        )
        self.assertIn("data:", message)

    def test_it_refuses_elements_from_other_namespaces(self) -> None:
        body = '<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'
        self.assertIn("<script>", self.refusal(svg(body)))

    def test_it_refuses_animation_that_could_rewrite_an_href(self) -> None:
        self.assertIn("<set>", self.refusal(svg('<set attributeName="href" to="javascript:alert(1)"/>')))

    def test_it_refuses_exponential_use_references(self) -> None:
        levels = ['<g id="l0"><rect width="1" height="1"/></g>']
        for i in range(1, 16):
            levels.append(f'<g id="l{i}"><use href="#l{i - 1}"/><use href="#l{i - 1}"/></g>')
        self.assertIn("<use>", self.refusal(svg("<defs>" + "".join(levels) + "</defs>")))

    def test_it_refuses_a_file_that_is_not_svg(self) -> None:
        self.assertIn("not an SVG", self.refusal(b"<html><body>hi</body></html>"))

    def test_it_refuses_malformed_xml(self) -> None:
        self.assertIn("well-formed", self.refusal(b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>"))

    @override_settings(MAX_IMAGE_BYTES=200)
    def test_it_refuses_an_oversized_svg(self) -> None:
        self.assertIn("200 bytes", self.refusal(svg("<!--" + "x" * 300 + "-->")))


class CleanSvgTests(SimpleTestCase):
    def test_it_keeps_shapes_gradients_and_internal_references(self) -> None:
        body = (
            '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>'
            '<circle id="c" r="40" cx="50" cy="50" fill="url(#g)"/><use xlink:href="#c"/>'
            '<style>circle { stroke: url(#g) }</style><text x="5" y="90">한빛</text>'
        )
        clean = sanitize_svg(svg(body))
        root = ET.fromstring(clean.data)
        ns = "{http://www.w3.org/2000/svg}"
        self.assertEqual(root.find(f"{ns}circle").get("fill"), "url(#g)")
        self.assertEqual(root.find(f"{ns}use").get("{http://www.w3.org/1999/xlink}href"), "#c")
        self.assertEqual(root.find(f"{ns}text").text, "한빛")
        self.assertEqual((clean.width, clean.height), (100, 100))

    def test_it_drops_editor_metadata_quietly(self) -> None:
        open_tag = SVG_OPEN.replace(
            "<svg ",
            '<svg xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:version="1.3" ',
        )
        body = '<inkscape:grid/><rect width="5" height="5" data-name="Layer 1" inkscape:label="bg"/>'
        clean = sanitize_svg(svg(body, open_tag))
        self.assertNotIn(b"inkscape", clean.data)
        self.assertNotIn(b"data-name", clean.data)
        self.assertIn(b"<rect", clean.data)

    def test_it_accepts_the_standard_svg_doctype_that_drawing_programs_write(self) -> None:
        doctype = (
            b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        )
        clean = sanitize_svg(doctype + svg('<rect width="5" height="5"/>'))
        self.assertNotIn(b"DOCTYPE", clean.data)

    def test_it_refuses_the_standard_doctype_with_an_internal_subset(self) -> None:
        doctype = (
            b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [<!ENTITY x "y">]>'
        )
        with self.assertRaises(ValidationError):
            sanitize_svg(doctype + svg("<text>&x;</text>"))
