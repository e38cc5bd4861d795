"""A printable bilingual certificate of one award: Korean and English on one page.

Drawn with fpdf2 in points, so A4 is exactly 595.28×841.89 pt and Letter 612×792 pt. Hangul
comes from the same NanumGothic files that badge PNGs use (settings.FONT_DIRS). The QR code is
drawn as vector squares from segno's matrix, so it stays sharp at any print resolution.
"""

import datetime
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from fpdf import FPDF

from laurel.achievements.images import BASE_FONT
from laurel.awards.models import Award
from laurel.core.qr import ERROR_CORRECTION
from laurel.events.actions import qr_link
from laurel.orgs.models import pick

PAPERS = {"a4": "A4", "letter": "Letter"}
# fontTools warns about hinting tables it drops while subsetting; that is expected.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

TITLE = gettext_noop("Certificate of Achievement")
ISSUER = gettext_noop("Issued by")
ISSUED = gettext_noop("Issued on")
EXPIRES = gettext_noop("Expires on")
CREDENTIAL_ID = gettext_noop("Credential ID")
SCAN = gettext_noop("Scan to verify this credential.")
EXPIRED = gettext_noop("Expired on %(date)s")


def both(message: str, **params: str) -> str:
    """The message in Korean, then English: the certificate reads in both languages."""
    texts = []
    for code in ("ko", "en"):
        with translation.override(code):
            texts.append(_(message) % params if params else _(message))
    return texts[0] if texts[0] == texts[1] else f"{texts[0]} · {texts[1]}"


def font_file(name: str) -> Path:
    for folder in settings.FONT_DIRS:
        path = Path(folder) / name
        if path.is_file():
            return path
    raise ImproperlyConfigured(f"{name} not found in LAUREL_FONT_DIRS (Debian: fonts-nanum)")


@dataclass(frozen=True)
class Certificate:
    """What the page shows, already in both languages; the award's state as of `today`."""

    recipient_name: str
    names: list[str]
    descriptions: list[str]
    issuer: str
    issued_on: datetime.date
    expires_on: datetime.date | None
    expired: bool
    credential_id: str
    verify_url: str
    image_png: bytes | None


def certificate_of(award: Award, today: datetime.date | None = None) -> Certificate:
    version, org = award.version, award.org
    languages = version.languages
    issuer = " · ".join(dict.fromkeys(x for x in (org.name_ko, org.name_en) if x))
    png = next(
        (a for a in (version.image_png, version.image) if a is not None and a.content_type == "image/png"),
        None,
    )
    return Certificate(
        recipient_name=award.recipient.name,
        names=[getattr(version, f"name_{code}") for code in languages],
        descriptions=[pick(version, "description", code) for code in languages],
        issuer=issuer or pick(org, "name"),
        issued_on=award.issued_on,
        expires_on=award.expires_on,
        expired=award.status_on(today) == Award.Status.EXPIRED,
        credential_id=award.public_id,
        verify_url=qr_link(award.public_url),
        image_png=bytes(png.data) if png is not None else None,
    )


def render(cert: Certificate, paper: str = "a4") -> bytes:
    pdf = FPDF(unit="pt", format=PAPERS[paper])
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font(BASE_FONT, "", str(font_file(f"{BASE_FONT}.ttf")))
    pdf.add_font(BASE_FONT, "B", str(font_file(f"{BASE_FONT}Bold.ttf")))
    pdf.set_title(" · ".join(cert.names))
    pdf.add_page()
    width, height = pdf.w, pdf.h
    margin = 42.0
    pdf.set_draw_color(27, 94, 32)
    pdf.set_line_width(2)
    pdf.rect(margin / 2, margin / 2, width - margin, height - margin)
    inner = width - 2 * margin
    y = margin + 12

    def line(text: str, size: float, style: str = "", gap: float = 6, color: tuple = (0, 0, 0)) -> None:
        nonlocal y
        pdf.set_font(BASE_FONT, style, size)
        pdf.set_text_color(*color)
        pdf.set_xy(margin, y)
        pdf.multi_cell(inner, size * 1.3, text, align="C")
        y = pdf.get_y() + gap

    line(cert.issuer, 13, gap=10, color=(60, 60, 60))
    line(both(TITLE), 24, "B", gap=14, color=(27, 94, 32))
    if cert.image_png:
        side = 120
        pdf.image(io.BytesIO(cert.image_png), x=(width - side) / 2, y=y, w=side, h=side)
        y += side + 14
    if cert.recipient_name:
        line(cert.recipient_name, 26, "B", gap=12)
    for name in cert.names:
        line(name, 20, "B", gap=4)
    y += 8
    for description in cert.descriptions:
        if description:
            line(description[:400], 10.5, gap=4, color=(60, 60, 60))
    if cert.expired and cert.expires_on:
        y += 6
        line(both(EXPIRED, date=cert.expires_on.isoformat()), 16, "B", gap=4, color=(183, 28, 28))
    facts = [(ISSUER, cert.issuer), (ISSUED, cert.issued_on.isoformat())]
    if cert.expires_on:
        facts.append((EXPIRES, cert.expires_on.isoformat()))
    facts.append((CREDENTIAL_ID, cert.credential_id))
    qr_side = 130.0
    top = height - margin - qr_side - 28
    pdf.set_text_color(0, 0, 0)
    for index, (label, value) in enumerate(facts):
        pdf.set_xy(margin + 8, top + index * 30)
        pdf.set_font(BASE_FONT, "", 8.5)
        pdf.cell(text=both(label))
        pdf.set_xy(margin + 8, top + index * 30 + 12)
        pdf.set_font(BASE_FONT, "B", 11)
        pdf.cell(text=value)
    draw_qr(pdf, cert.verify_url, width - margin - qr_side - 8, top, qr_side)
    pdf.set_font(BASE_FONT, "", 7.5)
    pdf.set_xy(width - margin - qr_side - 40, top + qr_side + 4)
    pdf.multi_cell(qr_side + 40, 10, both(SCAN), align="C")
    return bytes(pdf.output())


def draw_qr(pdf: FPDF, url: str, x: float, y: float, side: float) -> None:
    code = segno.make_qr(url, error=ERROR_CORRECTION, boost_error=False)
    border = 4
    rows = list(code.matrix_iter(scale=1, border=border))
    module = side / len(rows)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, side, side, style="F")
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                # A hair of overlap so no white seams appear between neighbouring modules.
                pdf.rect(x + c * module, y + r * module, module + 0.05, module + 0.05, style="F")
