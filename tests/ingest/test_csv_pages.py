"""Uploading a CSV file in the browser: preview, confirm, roll back."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from laurel.ingest.models import Fact, ImportBatch
from laurel.ingest.sources import create_source
from tests.ingest.helpers import IngestTestCase

FIXTURES = Path(__file__).parent / "fixtures"


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (FIXTURES / name).read_bytes(), "text/csv")


class CsvPagesTests(IngestTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.csv, _lines = create_source(cls.actor, cls.org, "csv", "Gradebooks")

    def setUp(self) -> None:
        super().setUp()
        self.login(self.teammate)
        self.base = f"/orgs/hanbit/sources/{self.csv.public_id}/"

    def test_uploading_shows_a_preview_with_row_problems(self) -> None:
        response = self.client.post(f"{self.base}imports/", {"file": upload("activity.csv")}, follow=True)
        self.assertContains(response, "Activity CSV")
        self.assertContains(response, "stranger@elsewhere.example")
        self.assertContains(response, "not a type of fact")
        self.assertFalse(Fact.objects.exists())

    def test_confirming_imports_and_rolling_back_voids(self) -> None:
        self.client.post(f"{self.base}imports/", {"file": upload("attendance_report.csv")})
        batch = ImportBatch.objects.get()
        url = f"{self.base}imports/{batch.public_id}/"
        response = self.client.post(url, {"action": "confirm"}, follow=True)
        self.assertContains(response, "Imported: 3 new")
        self.assertEqual(Fact.objects.filter(voided_at=None).count(), 3)
        response = self.client.post(url, {"action": "rollback"}, follow=True)
        self.assertContains(response, "Rolled back: 3 facts voided")
        self.assertEqual(Fact.objects.filter(voided_at=None).count(), 0)

    def test_parking_unknown_people_on_confirm(self) -> None:
        self.client.post(f"{self.base}imports/", {"file": upload("attendance_report.csv")})
        batch = ImportBatch.objects.get()
        self.client.post(
            f"{self.base}imports/{batch.public_id}/", {"action": "confirm", "park_unknown": "on"}
        )
        self.assertEqual(Fact.objects.filter(recipient=None).count(), 1)

    def test_a_oneroster_pair_of_files(self) -> None:
        files = {"file": upload("oneroster11_results.csv"), "line_items": upload("oneroster11_lineItems.csv")}
        response = self.client.post(f"{self.base}imports/", files, follow=True)
        self.assertContains(response, "OneRoster 1.1")
        self.assertContains(response, "Quiz 1")

    def test_an_unreadable_file_is_a_form_error(self) -> None:
        response = self.client.post(f"{self.base}imports/", {"file": upload("x.csv", b"foo,bar\n1,2\n")})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "match none of the known formats", status_code=400)
        self.assertFalse(ImportBatch.objects.exists())

    def test_a_course_is_asked_for_when_the_file_has_none(self) -> None:
        data = (FIXTURES / "2025-03-10T0900_Grades-CS101.csv").read_bytes()
        response = self.client.post(f"{self.base}imports/", {"file": upload("export.csv", data)})
        self.assertContains(response, "which course", status_code=400)
        response = self.client.post(
            f"{self.base}imports/", {"file": upload("export.csv", data), "course": "CS101"}
        )
        self.assertEqual(response.status_code, 302)

    def test_discarding_a_preview(self) -> None:
        self.client.post(f"{self.base}imports/", {"file": upload("activity.csv")})
        batch = ImportBatch.objects.get()
        self.client.post(f"{self.base}imports/{batch.public_id}/", {"action": "discard"})
        self.assertFalse(ImportBatch.objects.exists())

    def test_viewers_may_not_import(self) -> None:
        self.login(self.viewer)
        response = self.client.post(f"{self.base}imports/", {"file": upload("activity.csv")})
        self.assertEqual(response.status_code, 403)

    def test_a_batch_of_another_source_is_not_found(self) -> None:
        self.client.post(f"{self.base}imports/", {"file": upload("activity.csv")})
        batch = ImportBatch.objects.get()
        other = f"/orgs/hanbit/sources/{self.source.public_id}/imports/{batch.public_id}/"
        self.assertEqual(self.client.get(other).status_code, 404)
