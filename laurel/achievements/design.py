"""Badge images designed from built-in templates: a shape, two colours, an icon and a title.

The SVG is the source; the PNG is rendered from it on the server with the Hangul
font in settings.FONT_DIRS, so Korean titles look the same everywhere.
"""

import math
import re
import unicodedata
from dataclasses import asdict, dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext_lazy as _

SIZE = 512
FONT_FAMILY = "NanumGothic, 'Noto Sans KR', sans-serif"
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5
TITLE_MAX = 24
SUBTITLE_MAX = 32

SHAPES = {
    "circle": _("Circle"),
    "shield": _("Shield"),
    "hexagon": _("Hexagon"),
    "rosette": _("Rosette with ribbons"),
    "square": _("Rounded square"),
}

# Drawn on a 100×100 grid, filled with the even-odd rule (holes are inner sub-paths).
ICONS = {
    "star": (
        "M50 7 L61.2 37.6 L93.7 38.8 L68.1 58.9 L77 90.2 L50 72 L23 90.2 L31.9 58.9 L6.3 38.8 L38.8 37.6 Z"
    ),
    "book": (
        "M50 26 C40 18 24 16 8 18 V80 C24 78 40 80 50 88 C60 80 76 78 92 80 V18 C76 16 60 18 50 26 Z "
        "M46 34 V76 C38 71 26 69 15 70 V25 C27 24 38 27 46 34 Z "
        "M54 34 C62 27 73 24 85 25 V70 C74 69 62 71 54 76 Z"
    ),
    "graduation": (
        "M50 18 L96 38 L50 58 L4 38 Z M24 50 V68 C24 80 76 80 76 68 V50 L50 62 Z M86 43 H91 V72 H86 Z"
    ),
    "check": "M12 52 L25 39 L41 55 L75 21 L88 34 L41 81 Z",
    "code": (
        "M34 26 L10 50 L34 74 L40 67 L23 50 L40 33 Z M66 26 L90 50 L66 74 L60 67 L77 50 L60 33 Z "
        "M54 18 L60 20 L46 82 L40 80 Z"
    ),
    "heart": "M50 88 L15 53 C3 41 5 22 19 16 C32 10 44 17 50 28 C56 17 68 10 81 16 C95 22 97 41 85 53 Z",
    "lightbulb": (
        "M50 6 C30 6 17 21 17 39 C17 53 27 61 33 69 V76 H67 V69 C73 61 83 53 83 39 C83 21 70 6 50 6 Z "
        "M35 80 H65 V86 H35 Z M40 89 H60 C59 95 41 95 40 89 Z"
    ),
    "trophy": (
        "M28 10 H72 V40 C72 54 62 62 54 64 V74 H66 V88 H34 V74 H46 V64 C38 62 28 54 28 40 Z "
        "M27 16 H10 V28 C10 40 18 47 27 47 V40 C21 40 17 35 17 30 V23 H27 Z "
        "M73 16 H90 V28 C90 40 82 47 73 47 V40 C79 40 83 35 83 30 V23 H73 Z"
    ),
    "community": (
        "M50 14 A12 12 0 1 1 49.9 14 Z M22 22 A10 10 0 1 1 21.9 22 Z M78 22 A10 10 0 1 1 77.9 22 Z "
        "M30 82 V62 C30 48 40 42 50 42 C60 42 70 48 70 62 V82 Z "
        "M4 76 V58 C4 49 11 45 20 45 C24 45 27 46 29 47 C26 51 25 56 25 62 V76 Z "
        "M96 76 V58 C96 49 89 45 80 45 C76 45 73 46 71 47 C74 51 75 56 75 62 V76 Z"
    ),
}

ICON_LABELS = {
    "star": _("Star"),
    "book": _("Book"),
    "graduation": _("Graduation cap"),
    "check": _("Check mark"),
    "code": _("Code"),
    "heart": _("Heart"),
    "lightbulb": _("Light bulb"),
    "trophy": _("Trophy"),
    "community": _("Community"),
}


@dataclass(frozen=True)
class Design:
    shape: str = "circle"
    primary: str = "#0b5cad"  # background
    secondary: str = "#ffffff"  # icon, text and trim
    icon: str = "star"
    title: str = ""
    subtitle: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def char_width(char: str) -> float:
    """Approximate advance in em: Hangul and other wide characters are square."""
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.6


def text_width(text: str) -> float:
    return sum(char_width(c) for c in text)


def wrap_title(title: str) -> list[str]:
    """One line when short; otherwise two, split at the space that best balances their widths."""
    title = " ".join(title.split())
    if text_width(title) <= 9 or len(title) <= 6:
        return [title] if title else []
    spaces = [i for i, c in enumerate(title) if c == " "]
    if spaces:
        cut = min(spaces, key=lambda i: max(text_width(title[:i]), text_width(title[i + 1 :])))
    else:
        cut = math.ceil(len(title) / 2)
    first, second = title[:cut].strip(), title[cut:].strip()
    return [line for line in (first, second) if line]


def font_size_for(lines: list[str], room: float, largest: float) -> float:
    widest = max((text_width(line) for line in lines), default=1.0) or 1.0
    return round(min(largest, room / widest), 1)


def shape_svg(design: Design) -> str:
    p, s = design.primary, design.secondary
    if design.shape == "square":
        return (
            f'<rect x="16" y="16" width="480" height="480" rx="64" fill="{p}"/>'
            f'<rect x="40" y="40" width="432" height="432" rx="44" fill="none" '
            f'stroke="{s}" stroke-width="8"/>'
        )
    if design.shape == "hexagon":
        outer = _polygon(6, 244, -90)
        inner = _polygon(6, 218, -90)
        return (
            f'<polygon points="{outer}" fill="{p}"/>'
            f'<polygon points="{inner}" fill="none" stroke="{s}" stroke-width="8"/>'
        )
    if design.shape == "shield":
        outline = "M256 16 L476 84 V236 C476 376 376 456 256 498 C136 456 36 376 36 236 V84 Z"
        trim = "M256 44 L450 103 V236 C450 360 362 430 256 469 C150 430 62 360 62 236 V103 Z"
        return f'<path d="{outline}" fill="{p}"/><path d="{trim}" fill="none" stroke="{s}" stroke-width="8"/>'
    if design.shape == "rosette":
        ribbon = f'fill="{s}" stroke="{p}" stroke-width="6"'
        tails = (
            f'<path d="M150 330 L96 500 L156 470 L190 512 L236 360 Z" {ribbon}/>'
            f'<path d="M362 330 L416 500 L356 470 L322 512 L276 360 Z" {ribbon}/>'
        )
        scallops = _star(36, 236, 214, -90)
        return (
            f'{tails}<polygon points="{scallops}" fill="{p}"/>'
            f'<circle cx="256" cy="256" r="190" fill="none" stroke="{s}" stroke-width="6"/>'
        )
    return (
        f'<circle cx="256" cy="256" r="244" fill="{p}"/>'
        f'<circle cx="256" cy="256" r="218" fill="none" stroke="{s}" stroke-width="8"/>'
    )


def _polygon(sides: int, radius: float, start: float) -> str:
    return _points([(radius, start + i * 360 / sides) for i in range(sides)])


def _star(points: int, outer: float, inner: float, start: float) -> str:
    step = 180 / points
    return _points([(outer if i % 2 == 0 else inner, start + i * step) for i in range(points * 2)])


def _points(polar: list[tuple[float, float]]) -> str:
    return " ".join(
        f"{256 + r * math.cos(math.radians(a)):.1f},{256 + r * math.sin(math.radians(a)):.1f}"
        for r, a in polar
    )


def text_svg(design: Design) -> str:
    lines = wrap_title(design.title)
    # The rosette's ring and the shield's point leave less room for text.
    room = 300 if design.shape in ("rosette", "shield") else 340
    size = font_size_for(lines, room, 60)
    parts = []
    first_baseline = 350 if len(lines) == 1 else 330
    for index, line in enumerate(lines):
        y = first_baseline + index * size * 1.15
        parts.append(
            f'<text x="256" y="{y:.1f}" text-anchor="middle" font-family="{FONT_FAMILY}" '
            f'font-size="{size}" font-weight="bold" fill="{design.secondary}">{escape(line)}</text>'
        )
    if design.subtitle:
        sub_size = font_size_for([design.subtitle], room - 40, 28)
        parts.append(
            f'<text x="256" y="424" text-anchor="middle" font-family="{FONT_FAMILY}" '
            f'font-size="{sub_size}" fill="{design.secondary}">{escape(design.subtitle)}</text>'
        )
    return "".join(parts)


def build_svg(design: Design, label: str = "") -> str:
    """The badge as a standalone SVG document, 512×512."""
    icon_y = 70 if design.title else 120
    icon_scale = 2.0 if design.title else 2.7
    icon_x = 256 - 50 * icon_scale
    title = f"<title>{escape(label or design.title)}</title>" if (label or design.title) else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img">{title}'
        f"{shape_svg(design)}"
        f'<path transform="translate({icon_x:g} {icon_y}) scale({icon_scale})" fill-rule="evenodd" '
        f'fill="{design.secondary}" d="{ICONS[design.icon]}"/>'
        f"{text_svg(design)}</svg>"
    )
