import csv
import io
import json

from django.http import StreamingHttpResponse
from django.test import SimpleTestCase

from laurel.audit import export
from laurel.audit.models import AuditEvent
from laurel.test import BaseTestCase
from tests.audit.helpers import event


def body(response: StreamingHttpResponse) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[arg-type]


class AuditExportTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.owner)

    def post(self, fmt: str, query: str = "") -> StreamingHttpResponse:
        return self.client.post(f"/orgs/hanbit/audit/export/?{query}", {"format": fmt})

    def test_csv_is_utf8_with_a_bom_and_escapes_formulas(self) -> None:
        event(self.org, "award.issue", self.owner, summary='=HYPERLINK("http://evil")', object_id="+82-10")
        event(self.org, "award.issue", self.owner, summary="@SUM(A1)", object_id="-1")
        event(self.org, "award.issue", self.owner, summary="김소유가 발급함", object_id="plain")
        response = self.post("csv")
        self.assertIsInstance(response, StreamingHttpResponse)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        raw = body(response)
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        by_object = {row["object_id"]: row for row in rows if row["action"] == "award.issue"}
        self.assertEqual(by_object["'+82-10"]["summary"], '\'=HYPERLINK("http://evil")')
        self.assertEqual(by_object["'-1"]["summary"], "'@SUM(A1)")
        self.assertEqual(by_object["plain"]["summary"], "김소유가 발급함")
        self.assertEqual(by_object["plain"]["actor"], "owner@hanbit.example")

    def test_jsonl_has_one_parsable_object_per_line(self) -> None:
        event(
            self.org,
            "achievement.update",
            self.owner,
            before={"name_ko": "옛 이름"},
            after={"name_ko": "새 이름"},
        )
        event(self.org, "award.issue", self.teammate, summary="=1+1")
        response = self.post("jsonl")
        self.assertEqual(response["Content-Type"], "application/x-ndjson; charset=utf-8")
        text = body(response).decode("utf-8")
        self.assertIn("새 이름", text)  # not \\uXXXX escapes
        records = [json.loads(line) for line in text.splitlines()]
        self.assertEqual(len(records), 3)  # the two events and the export itself
        update = next(r for r in records if r["action"] == "achievement.update")
        self.assertEqual(update["before"], {"name_ko": "옛 이름"})
        self.assertEqual(update["after"], {"name_ko": "새 이름"})
        issue = next(r for r in records if r["action"] == "award.issue")
        self.assertEqual(issue["summary"], "=1+1")  # JSON is data, not a spreadsheet
        self.assertEqual(set(issue), set(export.COLUMNS))

    def test_export_contains_only_the_filtered_events_of_this_organization(self) -> None:
        event(self.org, "award.issue", self.owner, summary="wanted")
        event(self.org, "achievement.update", self.owner, summary="other action")
        event(self.other_org, "award.issue", self.outsider, summary="other org")
        records = [
            json.loads(line) for line in body(self.post("jsonl", "action=award")).decode().splitlines()
        ]
        self.assertEqual([r["summary"] for r in records], ["wanted"])

    def test_the_export_is_recorded_with_its_format_and_filters(self) -> None:
        self.client.get("/")  # REMOTE_ADDR is set by the test client
        body(self.post("csv", "action=award&q=x"))
        recorded = AuditEvent.objects.get(action="audit.export")
        self.assertEqual(recorded.org, self.org)
        self.assertEqual(recorded.actor_label, "owner@hanbit.example")
        self.assertEqual(recorded.after, {"format": "csv", "filters": {"action": "award", "q": "x"}})
        self.assertEqual(recorded.ip, "127.0.0.1")

    def test_a_large_export_is_streamed_in_several_chunks(self) -> None:
        count = export.BATCH * 2 + 7
        AuditEvent.objects.bulk_create(
            AuditEvent(org=self.org, action="bulk.row", summary=f"row {n}") for n in range(count)
        )
        response = self.post("csv", "action=bulk")
        chunks = list(response.streaming_content)
        self.assertGreaterEqual(len(chunks), 3)
        rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
        self.assertEqual(len(rows), count + 1)  # and the header

    def test_an_invalid_filter_exports_nothing_and_explains(self) -> None:
        response = self.post("csv", "date_to=yesterday")
        self.assertRedirects(response, "/orgs/hanbit/audit/?date_to=yesterday", fetch_redirect_response=False)
        page = self.client.get(response["Location"])
        self.assertContains(page, "Nothing was exported: correct the filters first.")
        self.assertContains(page, "Enter the end date as YYYY-MM-DD.")
        self.assertFalse(AuditEvent.objects.filter(action="audit.export").exists())

    def test_an_unknown_format_exports_nothing(self) -> None:
        response = self.post("xlsx")
        self.assertEqual(response.status_code, 302)
        self.assertFalse(AuditEvent.objects.filter(action="audit.export").exists())

    def test_export_needs_a_post(self) -> None:
        self.assertEqual(self.client.get("/orgs/hanbit/audit/export/?format=csv").status_code, 405)
        self.assertFalse(AuditEvent.objects.filter(action="audit.export").exists())


class SafeCellTests(SimpleTestCase):
    def test_only_formula_leading_text_is_prefixed(self) -> None:
        cases = {
            "=A1": "'=A1",
            "+1": "'+1",
            "-x": "'-x",
            "@x": "'@x",
            "\tx": "'\tx",
            "\rx": "'\rx",
            "a=b": "a=b",
            "": "",
        }
        for value, expected in cases.items():
            self.assertEqual(export.safe_cell(value), expected, value)
        self.assertEqual(export.safe_cell(None), "")
        self.assertEqual(export.safe_cell({"a": 1}), '{"a": 1}')
