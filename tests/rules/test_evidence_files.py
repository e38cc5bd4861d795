"""Files attached as evidence: checked by their bytes, stored in the database, served as
downloads only to the learner and the staff until the badge they prove is held."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.credentials.status import revoke
from laurel.rules.evidence_actions import decide
from laurel.rules.evidence_files import MAX_FILE_BYTES
from laurel.rules.models import EvidenceFile, EvidenceSubmission
from tests.rules.evidence_helpers import EvidenceTestCase

# The smallest shape of a PDF file: the header that identifies it (ISO 32000-1, 7.5.2).
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class EvidenceFileTests(EvidenceTestCase):
    def page(self) -> str:
        return f"/progress/{self.state.public_id}/"

    def attach(self, data: bytes = PDF, name: str = "report.pdf", **fields: str):  # type: ignore[no-untyped-def]
        self.login(self.learner)
        upload = SimpleUploadedFile(name, data, content_type="application/pdf")
        return self.client.post(
            self.page(), {"narrative": fields.get("narrative", ""), "file": upload, **fields}
        )

    def test_a_learner_attaches_a_pdf_and_downloads_it_back(self) -> None:
        self.assertRedirects(self.attach(name="최종 보고서.pdf"), self.page())
        submission = EvidenceSubmission.objects.get()
        self.assertEqual(
            (submission.file_name, submission.file_type, submission.file_size),
            ("최종 보고서.pdf", "application/pdf", len(PDF)),
        )
        self.assertEqual(bytes(EvidenceFile.objects.get().data), PDF)
        link = f"/e/{submission.public_id}/"
        self.assertContains(self.client.get(self.page()), f'href="{link}"')
        response = self.client.get(link)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PDF)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(
            response["Content-Disposition"],
            "attachment; filename*=UTF-8''%EC%B5%9C%EC%A2%85%20%EB%B3%B4%EA%B3%A0%EC%84%9C.pdf",
        )
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("sandbox", response["Content-Security-Policy"])

    def test_the_name_keeps_no_folders_and_ends_in_the_real_type(self) -> None:
        self.attach(PNG, name="../../etc/page.html")
        self.assertEqual(EvidenceSubmission.objects.get().file_name, "page.png")

    def test_a_file_that_is_not_a_pdf_png_or_jpeg_is_refused_whatever_its_name(self) -> None:
        response = self.attach(b"<html><script>alert(1)</script></html>", name="report.pdf")
        self.assertContains(response, "Attach a PDF, PNG or JPEG file.", status_code=400)
        self.assertFalse(EvidenceSubmission.objects.exists())

    def test_an_oversize_file_is_refused(self) -> None:
        response = self.attach(PDF + b"0" * (MAX_FILE_BYTES - len(PDF) + 1))
        self.assertContains(response, "The file is larger than 5 MB.", status_code=400)
        self.assertFalse(EvidenceFile.objects.exists())

    def test_an_empty_file_is_refused(self) -> None:
        self.login(self.learner)
        upload = SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf")
        response = self.client.post(self.page(), {"file": upload})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(EvidenceSubmission.objects.exists())

    def test_a_link_and_a_file_together_are_refused(self) -> None:
        response = self.attach(url="https://example.org/report")
        self.assertContains(response, "Give a link or attach a file, not both.", status_code=400)
        self.assertFalse(EvidenceSubmission.objects.exists())

    def test_until_the_badge_is_held_only_the_learner_and_staff_get_the_file(self) -> None:
        self.attach()
        link = f"/e/{EvidenceSubmission.objects.get().public_id}/"
        self.assertEqual(Client().get(link).status_code, 404)
        self.login(self.outsider)
        self.assertEqual(self.client.get(link).status_code, 404)
        self.login(self.mentor)
        self.assertEqual(self.client.get(link).status_code, 200)

    def test_accepted_the_file_is_the_awards_evidence_and_public_until_revoked(self) -> None:
        self.attach(narrative="See the attached report.")
        submission = EvidenceSubmission.objects.get()
        decide(Actor(self.mentor), self.state, "accept")
        award = Award.objects.get()
        self.assertEqual(award.evidence_url, f"{self.org.base_url}/e/{submission.public_id}/")
        self.assertEqual(award.evidence_narrative, "See the attached report.")
        link = f"/e/{submission.public_id}/"
        self.assertEqual(Client().get(link).content, PDF)
        revoke(Actor(self.owner), award, "Plagiarised")
        self.assertEqual(Client().get(link).status_code, 404)
