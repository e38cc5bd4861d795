"""QR codes of public pages, as SVG that can be inlined in HTML."""

import hashlib
import io

import segno
from django.core.cache import cache
from django.utils.html import escape
from django.utils.translation import gettext as _

# M recovers from about 15 % damage: enough for a printed certificate or a scratched
# phone screen, while keeping the code small enough for long URLs.
ERROR_CORRECTION = "m"
# Pixels per module at the intrinsic size; the viewBox lets CSS scale it further.
SCALE = 4
_CACHE_PREFIX = "qr-svg:v1:"


def _render(url: str) -> str:
    code = segno.make_qr(url, error=ERROR_CORRECTION, boost_error=False)
    out = io.BytesIO()
    # No XML declaration: it is invalid inside HTML. A viewBox lets CSS resize the code;
    # width and height give it a sensible size without CSS. A white background keeps it
    # readable in dark mode, where a transparent one would put dark modules on a dark page.
    code.save(out, kind="svg", scale=SCALE, xmldecl=False, omitsize=True, light="#fff", svgclass="qr")
    width, height = code.symbol_size(scale=SCALE)
    svg = out.getvalue().decode()
    return svg.replace("<svg ", f'<svg width="{width}" height="{height}" ', 1)


def qr_svg(url: str, title: str | None = None) -> str:
    """An SVG QR code encoding `url`, with a <title> naming it for screen readers.

    The code of a URL never changes, so it is drawn once and kept in the cache (which may
    evict it; drawing it again gives the same bytes). The title is added per call because
    it is in the reader's language.
    """
    key = _CACHE_PREFIX + hashlib.sha256(url.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = _render(url)
        cache.set(key, svg, timeout=None)
    label = title if title is not None else _("QR code for this page")
    return svg.replace(">", f' role="img"><title>{escape(label)}</title>', 1)
