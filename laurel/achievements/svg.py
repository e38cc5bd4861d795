"""Uploaded SVG badges: parsed without entities, kept only if every part is known and inert.

Anything that can run code or reach outside the file (scripts, event handlers,
foreignObject, external references, data: URIs, @import) is refused with a message
naming it, so the issuer knows what to fix. Harmless editor leftovers (Inkscape,
Illustrator and RDF metadata, unknown presentation attributes) are dropped quietly.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

# Namespaces that drawing programs add for their own bookkeeping; dropped, never rendered.
EDITOR_NAMESPACES = {
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
    "http://ns.adobe.com/AdobeIllustrator/10.0/",
    "http://ns.adobe.com/AdobeSVGViewerExtensions/3.0/",
    "http://ns.adobe.com/Extensibility/1.0/",
    "http://ns.adobe.com/Graphs/1.0/",
    "http://ns.adobe.com/SaveForWeb/1.0/",
    "http://ns.adobe.com/Variables/1.0/",
    "http://ns.adobe.com/xap/1.0/",
}

ALLOWED_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "switch",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "style",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feDropShadow",
    "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge",
    "feMergeNode", "feMorphology", "feOffset",
}  # fmt: skip

# Refused outright: each can run code, embed another document or fetch something.
FORBIDDEN_ELEMENTS = {
    "script", "foreignObject", "image", "a", "iframe", "embed", "object", "video", "audio",
    "animate", "animateMotion", "animateTransform", "set", "handler", "listener", "feImage",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "id", "class", "style", "transform", "version", "lang", "role", "aria-label", "aria-hidden",
    "focusable", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr",
    "width", "height", "d", "points", "pathLength", "viewBox", "preserveAspectRatio",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset",
    "stroke-opacity", "opacity", "color", "display", "visibility", "overflow", "paint-order",
    "vector-effect", "shape-rendering", "text-rendering", "image-rendering", "mix-blend-mode",
    "isolation", "color-interpolation", "color-interpolation-filters",
    "clip-path", "clip-rule", "clipPathUnits", "mask", "maskUnits", "maskContentUnits",
    "filter", "filterUnits", "primitiveUnits", "gradientUnits", "gradientTransform",
    "spreadMethod", "offset", "stop-color", "stop-opacity", "patternUnits",
    "patternContentUnits", "patternTransform", "markerWidth", "markerHeight", "markerUnits",
    "orient", "refX", "refY", "marker-start", "marker-mid", "marker-end",
    "font-family", "font-size", "font-weight", "font-style", "font-variant", "font-stretch",
    "text-anchor", "dominant-baseline", "alignment-baseline", "baseline-shift",
    "letter-spacing", "word-spacing", "text-decoration", "writing-mode", "dx", "dy", "rotate",
    "textLength", "lengthAdjust", "startOffset", "method", "spacing", "side",
    "in", "in2", "result", "stdDeviation", "mode", "operator", "k1", "k2", "k3", "k4",
    "values", "type", "tableValues", "slope", "intercept", "amplitude", "exponent",
    "flood-color", "flood-opacity", "radius", "edgeMode", "href", "media",
}  # fmt: skip

INTERNAL_REFERENCE = re.compile(r"^#[A-Za-z_][\w.\-:]*$")
CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
# CSS escapes could spell any of the words below in disguise, so they are refused too.
CSS_FORBIDDEN = re.compile(
    r"@import|@font-face|expression\s*\(|javascript:|vbscript:|data:|image-set|-moz-binding|behavior\s*:|\\|<",
    re.IGNORECASE,
)
# A few nested <use> copies multiply like billion laughs; cap what rendering would draw.
MAX_EXPANDED_ELEMENTS = 20_000
# Drawing programs write this standard declaration; it defines nothing, so it is removed
# before parsing. Any other DOCTYPE (an internal subset can declare entities) is refused.
STANDARD_DOCTYPE = re.compile(
    rb'<!DOCTYPE\s+svg\s+PUBLIC\s+"-//W3C//DTD SVG 1\.[01](?: Basic| Tiny)?//EN"\s+"[^"<>\[\]]*"\s*>'
)
MAX_ELEMENTS = 10_000


@dataclass(frozen=True)
class CleanSvg:
    data: bytes
    width: int
    height: int


def local_name(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _sep, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def check_css(text: str, where: str) -> list[str]:
    problems = []
    match = CSS_FORBIDDEN.search(text)
    if match:
        problems.append(
            _("%(where)s contains “%(found)s”, which could load or run something outside the image.")
            % {"where": where, "found": match.group(0)}
        )
    for url_match in CSS_URL.finditer(text):
        if not INTERNAL_REFERENCE.match(url_match.group(2).strip()):
            problems.append(
                _("%(where)s refers to “%(url)s”; only references inside the image (url(#id)) are allowed.")
                % {"where": where, "url": url_match.group(2).strip()[:80]}
            )
    return problems


def clean_attributes(element: ET.Element, name: str) -> list[str]:
    problems = []
    for key in list(element.attrib):
        namespace, attr = local_name(key)
        value = element.attrib[key]
        where = _("The attribute %(attr)s on <%(element)s>") % {"attr": attr, "element": name}
        if attr.lower().startswith("on"):
            problems.append(_("%(where)s is an event handler, which could run a script.") % {"where": where})
        elif attr == "href" and namespace in ("", XLINK_NS):
            if not INTERNAL_REFERENCE.match(value.strip()):
                problems.append(
                    _("%(where)s points to “%(url)s”; only references inside the image (#id) are allowed.")
                    % {"where": where, "url": value.strip()[:80]}
                )
        elif namespace == XML_NS and attr in ("space", "lang"):
            pass
        elif namespace or attr not in ALLOWED_ATTRIBUTES:
            del element.attrib[key]
            continue
        else:
            problems.extend(check_css(value, where))
    return problems


def clean_tree(root: ET.Element) -> list[str]:
    """Drop editor leftovers in place and return every problem that refuses the file."""
    problems: list[str] = []
    stack = [root]
    while stack:
        parent = stack.pop()
        for child in list(parent):
            namespace, name = local_name(child.tag) if isinstance(child.tag, str) else ("", "")
            if not isinstance(child.tag, str) or namespace in EDITOR_NAMESPACES:
                parent.remove(child)
                continue
            if namespace != SVG_NS or name in FORBIDDEN_ELEMENTS or name not in ALLOWED_ELEMENTS:
                problems.append(
                    _("The element <%(element)s> is not allowed in a badge image.") % {"element": name}
                )
                continue
            stack.append(child)
        _ns, parent_name = local_name(parent.tag)
        problems.extend(clean_attributes(parent, parent_name))
        if parent_name == "style":
            problems.extend(check_css(parent.text or "", _("The <style> element")))
        elif parent_name == "metadata":
            parent.clear()
    return problems


def expanded_size(root: ET.Element) -> int:
    """How many elements rendering would draw once every <use> is replaced by its target."""
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    memo: dict[int, int] = {}
    visiting: set[int] = set()

    def size(element: ET.Element) -> int:
        key = id(element)
        if key in memo:
            return memo[key]
        if key in visiting:  # a reference cycle: treat as unbounded
            return MAX_EXPANDED_ELEMENTS + 1
        visiting.add(key)
        total = 1 + sum(size(child) for child in element)
        href = element.get("href") or element.get(f"{{{XLINK_NS}}}href") or ""
        if local_name(element.tag)[1] == "use" and href[1:] in by_id:
            total += size(by_id[href[1:]])
        visiting.discard(key)
        memo[key] = min(total, MAX_EXPANDED_ELEMENTS + 1)
        return memo[key]

    return size(root)


def parse_length(value: str | None) -> int:
    match = re.match(r"^\s*([0-9.]+)\s*(px)?\s*$", value or "")
    return round(float(match.group(1))) if match else 0


def dimensions(root: ET.Element) -> tuple[int, int]:
    width, height = parse_length(root.get("width")), parse_length(root.get("height"))
    if width and height:
        return width, height
    parts = re.split(r"[\s,]+", (root.get("viewBox") or "").strip())
    try:
        return round(float(parts[2])), round(float(parts[3]))
    except (IndexError, ValueError):
        return 0, 0


def sanitize_svg(data: bytes) -> CleanSvg:
    """Parse, check and re-serialize an uploaded SVG, or raise ValidationError listing why not."""
    if len(data) > settings.MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": len(data), "limit": settings.MAX_IMAGE_BYTES}
        )
    data = STANDARD_DOCTYPE.sub(b"", data, count=1)
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ValidationError(
            _(
                "The SVG declares a DTD or entities; they are refused because they can read files "
                "or explode in size."
            )
        ) from None
    except ET.ParseError as error:
        raise ValidationError(_("The SVG is not well-formed XML: %(error)s.") % {"error": error}) from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ValidationError(_("The file is not an SVG image: its root element is not <svg>."))
    if sum(1 for _el in root.iter()) > MAX_ELEMENTS:
        raise ValidationError(_("The SVG has more than %(limit)s elements.") % {"limit": MAX_ELEMENTS})
    problems = clean_tree(root)
    if problems:
        raise ValidationError(list(dict.fromkeys(problems))[:10])
    if expanded_size(root) > MAX_EXPANDED_ELEMENTS:
        raise ValidationError(_("The SVG repeats itself through <use> too many times to draw safely."))
    width, height = dimensions(root)
    return CleanSvg(
        data=ET.tostring(root, encoding="utf-8", xml_declaration=False), width=width, height=height
    )
