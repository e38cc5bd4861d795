import datetime
import json
from urllib.parse import urlsplit

import pypdfium2
import zxingcpp
from django.conf import settings

from laurel.credentials.actions import revoke
from tests.awards.public_helpers import PublicTestCase

# ISO 216 A4 is 210×297 mm and US Letter 8.5×11 in; at 72 pt per inch.
SIZES = {"a4": (210 / 25.4 * 72, 297 / 25.4 * 72), "letter": (612.0, 792.0)}


def pdf_document(body: bytes) -> pypdfium2.PdfDocument:
    return pypdfium2.PdfDocument(body)


class CertificateTests(PublicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.granted = self.award()
        self.url = f"/a/{self.granted.public_id}/certificate.pdf"

    def test_the_page_is_a4_or_letter_as_asked(self) -> None:
        for paper, (width, height) in SIZES.items():
            with self.subTest(paper=paper):
                response = self.client.get(f"{self.url}?paper={paper}")
                self.assertEqual(response["Content-Type"], "application/pdf")
                page = pdf_document(response.content)[0]
                self.assertAlmostEqual(page.get_width(), width, delta=0.01)
                self.assertAlmostEqual(page.get_height(), height, delta=0.01)

    def test_the_text_carries_both_languages_exactly(self) -> None:
        response = self.client.get(self.url)
        text = pdf_document(response.content)[0].get_textpage().get_text_range()
        for expected in ("홍길동", "디자인 씽킹", "Design Thinking", "한빛대학교", "Hanbit University"):
            self.assertIn(expected, text)
        self.assertIn(self.granted.public_id, text)
        self.assertIn(self.granted.issued_on.isoformat(), text)

    def test_the_qr_code_leads_to_the_verification_page(self) -> None:
        response = self.client.get(f"{self.url}?paper=letter")
        image = pdf_document(response.content)[0].render(scale=3).to_pil()
        codes = zxingcpp.read_barcodes(image)
        self.assertEqual(len(codes), 1)
        link = urlsplit(codes[0].text)
        self.assertEqual(f"{link.scheme}://{link.netloc}", settings.SITE_URL)
        self.assertEqual(link.path, f"/a/{self.granted.public_id}/")
        page = self.client.get(f"{link.path}?{link.query}")
        self.assertContains(page, "디자인 씽킹")  # the organization's language
        verified = self.client.post(f"{link.path}verify", HTTP_ACCEPT="application/json")
        self.assertTrue(json.loads(verified.content)["valid"])

    def test_an_expired_award_says_so(self) -> None:
        old = self.award(issued_on=datetime.date(2020, 1, 1), expires_on=datetime.date(2021, 1, 1))
        response = self.client.get(f"/a/{old.public_id}/certificate.pdf")
        text = pdf_document(response.content)[0].get_textpage().get_text_range()
        self.assertIn("Expired on 2021-01-01", text)
        self.assertIn("2021-01-01에 만료됨", text)

    def test_a_revoked_award_gets_no_certificate(self) -> None:
        revoke(self.actor, self.granted, "잘못 발급")
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 410)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertEqual(json.loads(response.content)["verification_page"], self.granted.public_url)

    def test_an_unknown_paper_size_is_a_400(self) -> None:
        self.assertEqual(self.client.get(f"{self.url}?paper=a3").status_code, 400)

    def test_the_award_page_links_both_paper_sizes(self) -> None:
        page = self.client.get(f"/a/{self.granted.public_id}/")
        self.assertContains(page, f"{self.url}?paper=a4")
        self.assertContains(page, f"{self.url}?paper=letter")
