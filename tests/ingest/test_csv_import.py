"""Preview, confirm and roll back CSV imports: unknown people reported, all or nothing, undoable."""

from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError

from laurel.audit.models import AuditEvent
from laurel.core.csvio import CsvError
from laurel.ingest.csvimport.actions import confirm_import, preview_import, rollback_import
from laurel.ingest.csvimport.common import Options
from laurel.ingest.facts import current_facts
from laurel.ingest.models import Fact, ImportBatch
from laurel.ingest.sources import create_source, deactivate_source
from tests.ingest.helpers import IngestTestCase

FIXTURES = Path(__file__).parent / "fixtures"
CANVAS = "2025-03-10T0900_Grades-CS101.csv"


class CsvImportTests(IngestTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.csv, _lines = create_source(cls.actor, cls.org, "csv", "Gradebooks")

    def preview(self, name: str = CANVAS, data: bytes | None = None, **kwargs: object) -> ImportBatch:
        data = data if data is not None else (FIXTURES / name).read_bytes()
        return preview_import(self.actor, self.csv, data, filename=name, **kwargs)  # type: ignore[arg-type]

    def test_the_preview_stores_nothing_but_the_batch(self) -> None:
        batch = self.preview()
        self.assertEqual(batch.status, ImportBatch.Status.PREVIEW)
        self.assertEqual(batch.format, "canvas_gradebook")
        self.assertFalse(Fact.objects.exists())

    def test_the_preview_names_each_unknown_person_on_their_row(self) -> None:
        batch = self.preview()
        by_line = {row["line"]: row for row in batch.rows}
        self.assertEqual(by_line[4]["unknown"], "")  # 홍길동, by student id
        self.assertEqual(by_line[5]["unknown"], "")  # Lee, by email
        self.assertIn("park@elsewhere.example", by_line[6]["unknown"])
        self.assertEqual(by_line[6]["errors"], [])

    def test_confirm_imports_the_rows_of_known_people_only(self) -> None:
        batch = self.preview("CS101 Grades.csv")
        self.assertEqual(batch.rows[2]["facts"], [])  # nobody's grades are all "-"
        result = confirm_import(self.actor, batch)
        self.assertEqual(result.created, 5)
        self.assertEqual(set(Fact.objects.values_list("recipient", flat=True)), {self.hong.pk, self.lee.pk})
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.CONFIRMED)
        self.assertEqual(batch.result["created"], 5)

    def test_unknown_people_are_parked_only_when_asked(self) -> None:
        data = (
            b"email,type,object,course,status,occurred_at\n"
            b"stranger@elsewhere.example,mission,m1,CS101,completed,2025-03-10\n"
        )
        batch = self.preview("activity.csv", data=data)
        self.assertIn("stranger@elsewhere.example", batch.rows[0]["unknown"])
        self.assertEqual(confirm_import(self.actor, batch).created, 0)
        again = self.preview("activity.csv", data=data)
        result = confirm_import(self.actor, again, park_unknown=True)
        self.assertEqual((result.created, result.parked), (1, 1))
        self.assertIsNone(Fact.objects.get().recipient)

    def test_rows_with_errors_are_left_out_and_said_why(self) -> None:
        batch = self.preview("activity.csv")
        homework = batch.rows[4]
        self.assertTrue(any("not a type of fact" in e for e in homework["errors"]))
        self.assertEqual(homework["facts"], [])
        confirm_import(self.actor, batch, park_unknown=True)
        self.assertEqual(Fact.objects.count(), 4)

    def test_the_same_file_twice_changes_nothing(self) -> None:
        confirm_import(self.actor, self.preview())
        count = Fact.objects.count()
        result = confirm_import(self.actor, self.preview())
        self.assertEqual((result.created, result.updated), (0, 0))
        self.assertEqual(result.unchanged, count)

    def test_a_corrected_gradebook_replaces_the_grades(self) -> None:
        confirm_import(self.actor, self.preview())
        corrected = (
            (FIXTURES / CANVAS)
            .read_bytes()
            .replace(
                b"1001,2025001,hong@example.com,CS101-01,8.50", b"1001,2025001,hong@example.com,CS101-01,9.50"
            )
        )
        result = confirm_import(self.actor, self.preview(data=corrected))
        self.assertEqual(result.updated, 1)
        self.assertEqual(Fact.objects.get(event_key="canvas:CS101:1001:87568490").value, Decimal("9.5"))

    def test_confirming_twice_is_refused(self) -> None:
        batch = self.preview()
        confirm_import(self.actor, batch)
        with self.assertRaises(ValidationError):
            confirm_import(self.actor, batch)

    def test_rollback_voids_what_the_import_wrote(self) -> None:
        batch = self.preview()
        created = confirm_import(self.actor, batch).created
        self.assertTrue(current_facts(self.hong))
        self.assertEqual(rollback_import(self.actor, batch), created)
        self.assertEqual(current_facts(self.hong), [])
        self.assertEqual(Fact.objects.filter(voided_at=None).count(), 0)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.ROLLED_BACK)
        with self.assertRaises(ValidationError):
            rollback_import(self.actor, batch)

    def test_rollback_of_a_correction_leaves_the_first_import_alone(self) -> None:
        confirm_import(self.actor, self.preview("attendance_report.csv"))
        corrected = (
            (FIXTURES / "attendance_report.csv")
            .read_bytes()
            .replace(b"2025-03-06,absent", b"2025-03-06,excused")
        )
        second = self.preview("attendance_report.csv", data=corrected)
        self.assertTrue(second.rows[2]["errors"])  # Roll Call has no "excused"
        late = (
            (FIXTURES / "attendance_report.csv")
            .read_bytes()
            .replace(b"2025-03-06,absent", b"2025-03-06,late")
        )
        third = self.preview("attendance_report.csv", data=late)
        self.assertEqual(confirm_import(self.actor, third).updated, 1)
        self.assertEqual(rollback_import(self.actor, third), 1)
        self.assertEqual(Fact.objects.filter(voided_at=None).count(), 2)

    def test_a_delta_file_withdraws_deleted_results(self) -> None:
        items = (FIXTURES / "oneroster11_lineItems.csv").read_bytes()
        confirm_import(self.actor, self.preview("oneroster11_results.csv", extra=items))
        self.assertIsNone(Fact.objects.get(event_key="oneroster:res-2").voided_at)
        batch = self.preview("oneroster12_results_delta.csv", extra=items)
        confirm_import(self.actor, batch)
        self.assertIsNotNone(Fact.objects.get(event_key="oneroster:res-2").voided_at)
        self.assertEqual(Fact.objects.get(event_key="oneroster:res-1").value, Decimal("9"))

    def test_options_fill_in_what_the_file_does_not_say(self) -> None:
        batch = self.preview(
            "grades.csv", data=(FIXTURES / CANVAS).read_bytes(), options=Options(course="MATH-7")
        )
        confirm_import(self.actor, batch)
        self.assertEqual(set(Fact.objects.values_list("course", flat=True)), {"MATH-7"})

    def test_confirm_and_rollback_are_audited(self) -> None:
        batch = self.preview()
        confirm_import(self.actor, batch)
        rollback_import(self.actor, batch)
        actions = list(AuditEvent.objects.filter(org=self.org).values_list("action", flat=True))
        self.assertIn("import.confirm", actions)
        self.assertIn("import.rollback", actions)

    def test_a_file_that_cannot_be_read_is_refused_whole(self) -> None:
        with self.assertRaises(CsvError):
            self.preview(data=b"\xff\xfe\x00broken")
        with self.assertRaises(CsvError):
            self.preview(data=b"")
        self.assertFalse(ImportBatch.objects.exists())

    def test_only_active_csv_sources_take_files(self) -> None:
        with self.assertRaises(ValidationError):
            preview_import(self.actor, self.source, b"x", filename="x.csv")
        deactivate_source(self.actor, self.csv)
        with self.assertRaises(ValidationError):
            self.preview()
