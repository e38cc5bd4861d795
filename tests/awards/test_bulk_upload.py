import time_machine

from laurel.audit.models import AuditEvent
from laurel.awards.models import Award, AwardBatch
from laurel.orgs.models import Recipient
from tests.awards.helpers import NOW, AwardsTestCase, csv_file, make_award

URL = "/orgs/hanbit/awards/bulk/"


@time_machine.travel(NOW, tick=False)
class BulkUploadTests(AwardsTestCase):
    def upload(self, data: bytes, *, allow_duplicates: bool = False, achievement=None):  # type: ignore[no-untyped-def]
        form = {"achievement": (achievement or self.python).pk, "file": csv_file(data)}
        if allow_duplicates:
            form["allow_duplicates"] = "on"
        return self.client.post(URL, form)

    def uploaded(self) -> AwardBatch:
        return AwardBatch.objects.get()

    def errors_of(self, batch: AwardBatch, line: int) -> dict[str, list[str]]:
        return next(row["errors"] for row in batch.rows if row["line"] == line)

    def setUp(self) -> None:
        super().setUp()
        self.login(self.teammate)

    def test_the_issuer_sees_the_upload_form(self) -> None:
        response = self.client.get(URL)
        self.assertContains(response, 'type="file"')
        self.assertContains(response, "Python Basics")

    def test_the_owner_may_upload(self) -> None:
        self.login(self.owner)
        response = self.upload(b"email,name\nhong@example.com,Hong\n")
        self.assertEqual(response.status_code, 302)

    def test_a_viewer_is_forbidden(self) -> None:
        self.login(self.viewer)
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.assertEqual(self.upload(b"email,name\nhong@example.com,Hong\n").status_code, 403)
        self.assertFalse(AwardBatch.objects.exists())

    def test_outsiders_and_learners_get_404(self) -> None:
        for user in (self.outsider, self.learner):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(URL).status_code, 404)

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        self.client.logout()
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_another_organizations_badge_cannot_be_chosen(self) -> None:
        response = self.upload(b"email,name\nhong@example.com,Hong\n", achievement=self.foreign)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(AwardBatch.objects.exists())

    def test_upload_leads_to_a_preview_and_awards_nothing_yet(self) -> None:
        response = self.upload(b"email,name\nhong@example.com,Hong\n")
        batch = self.uploaded()
        self.assertRedirects(response, f"{URL}{batch.public_id}/")
        self.assertEqual(batch.status, AwardBatch.Status.PREVIEW)
        self.assertFalse(Award.objects.exists())

    def test_a_utf8_file_with_bom_and_korean_headers_is_read(self) -> None:
        data = (
            "\ufeff이메일,이름,학번,언어,발급일\nhong@example.com,홍길동,2024001,한국어,2025-03-01\n".encode()
        )
        self.upload(data)
        batch = self.uploaded()
        self.assertEqual(batch.encoding, "utf-8-sig")
        row = batch.rows[0]
        self.assertEqual(row["values"]["name"], "홍길동")
        self.assertEqual(row["values"]["student_id"], "2024001")
        self.assertEqual(row["errors"], {})

    def test_a_cp949_file_from_korean_excel_is_read(self) -> None:
        data = "이메일,이름\r\nhong@example.com,홍길동\r\nkim@example.com,김철수\r\n".encode("cp949")
        self.upload(data)
        batch = self.uploaded()
        self.assertEqual(batch.encoding, "cp949")
        self.assertEqual([r["values"]["name"] for r in batch.rows], ["홍길동", "김철수"])
        response = self.client.get(f"{URL}{batch.public_id}/")
        self.assertContains(response, "김철수")

    def test_a_semicolon_delimited_file_is_read(self) -> None:
        self.upload(b"email;name;evidence_url\nhong@example.com;Hong, Gildong;https://example.com/work\n")
        values = self.uploaded().rows[0]["values"]
        self.assertEqual(values["name"], "Hong, Gildong")
        self.assertEqual(values["evidence_url"], "https://example.com/work")

    def test_a_quoted_newline_in_the_narrative_is_kept(self) -> None:
        self.upload(
            b"email,name,evidence_narrative\n"
            b'hong@example.com,Hong,"First line\nSecond line"\n'
            b"kim@example.com,Kim,\n"
        )
        batch = self.uploaded()
        self.assertEqual(batch.rows[0]["values"]["evidence_narrative"], "First line\nSecond line")
        self.assertEqual([r["line"] for r in batch.rows], [2, 3])

    def test_a_missing_email_column_is_named_and_nothing_is_stored(self) -> None:
        response = self.upload("name,학번\n홍길동,2024001\n".encode())
        self.assertContains(response, "email", status_code=400)
        self.assertContains(response, "lacks the required column", status_code=400)
        self.assertFalse(AwardBatch.objects.exists())

    def test_a_formula_in_the_name_is_an_error_naming_row_and_column(self) -> None:
        self.upload(
            b'email,name\nhong@example.com,Hong\nevil@example.com,"=HYPERLINK(""http://evil.example"",""x"")"\n'
        )
        batch = self.uploaded()
        self.assertEqual(self.errors_of(batch, 2), {})
        message = self.errors_of(batch, 3)["name"][0]
        self.assertIn("Row 3", message)
        self.assertIn("name", message)

    def test_formula_characters_in_evidence_are_errors_too(self) -> None:
        self.upload(b"email,name,evidence_narrative,evidence_url\nhong@example.com,Hong,+SUM(1),@x\n")
        errors = self.uploaded().rows[0]["errors"]
        self.assertEqual(set(errors), {"evidence_narrative", "evidence_url"})

    def test_an_empty_trailing_line_is_not_a_row(self) -> None:
        self.upload(b"email,name\r\nhong@example.com,Hong\r\n\r\n")
        self.assertEqual(len(self.uploaded().rows), 1)

    def test_a_repeated_email_is_an_error_on_the_later_row(self) -> None:
        self.upload(b"email,name\nhong@example.com,Hong\nkim@example.com,Kim\nHONG@example.com,Hong again\n")
        batch = self.uploaded()
        self.assertEqual(self.errors_of(batch, 2), {})
        self.assertIn("row 2", self.errors_of(batch, 4)["email"][0])
        self.assertEqual(batch.error_count, 1)

    def test_a_current_holder_is_an_error_unless_duplicates_are_allowed(self) -> None:
        make_award(self.python, "hong@example.com", "Hong")
        self.upload(b"email,name\nhong@example.com,Hong\nkim@example.com,Kim\n")
        self.assertIn("already holds", self.errors_of(self.uploaded(), 2)["email"][0])
        AwardBatch.objects.all().delete()
        self.upload(b"email,name\nhong@example.com,Hong\nkim@example.com,Kim\n", allow_duplicates=True)
        self.assertEqual(self.uploaded().error_count, 0)

    def test_row_errors_cover_email_date_language_and_student_ids(self) -> None:
        make_award(self.safety, "owner-of-id@example.com", "Park")
        Recipient.objects.filter(email="owner-of-id@example.com").update(student_id="2024001")
        data = (
            b"email,name,language,issued_on,student_id\n"
            b"not-an-email,A,,,\n"
            b"b@example.com,B,,2025-03-11,\n"
            b"c@example.com,C,fr,,\n"
            b"d@example.com,D,,03/01/2025,\n"
            b"e@example.com,E,,,2024001\n"
            b"f@example.com,F,,,2024777\n"
            b"g@example.com,G,,,2024777\n"
        )
        self.upload(data)
        batch = self.uploaded()
        self.assertIn("email", self.errors_of(batch, 2))
        self.assertIn("future", self.errors_of(batch, 3)["issued_on"][0])
        self.assertIn("fr", self.errors_of(batch, 4)["language"][0])
        self.assertIn("YYYY-MM-DD", self.errors_of(batch, 5)["issued_on"][0])
        self.assertIn("owner-of-id@example.com", self.errors_of(batch, 6)["student_id"][0])
        self.assertEqual(self.errors_of(batch, 7), {})
        self.assertIn("Row 7", self.errors_of(batch, 8)["student_id"][0])

    def test_the_preview_lists_rows_counts_and_hides_confirm_when_there_are_errors(self) -> None:
        self.upload(b"email,name\nhong@example.com,Hong\nbad-email,Bad\n")
        response = self.client.get(f"{URL}{self.uploaded().public_id}/")
        self.assertContains(response, "1 ready, 1 with errors")
        self.assertContains(response, "bad-email")
        self.assertContains(response, "is not a valid email address")
        self.assertNotContains(response, 'value="confirm"')
        self.assertContains(response, 'value="cancel"')

    def test_the_preview_offers_confirm_when_every_row_is_fine(self) -> None:
        self.upload(b"email,name,shoe size\nhong@example.com,Hong,270\n")
        response = self.client.get(f"{URL}{self.uploaded().public_id}/")
        self.assertContains(response, 'value="confirm"')
        self.assertContains(response, "shoe size")  # the ignored-column warning

    def test_another_organizations_batch_is_404(self) -> None:
        self.upload(b"email,name\nhong@example.com,Hong\n")
        batch = self.uploaded()
        self.login(self.outsider)
        self.assertEqual(self.client.get(f"/orgs/other/awards/bulk/{batch.public_id}/").status_code, 404)
        self.assertEqual(self.client.get(f"{URL}{batch.public_id}/").status_code, 404)

    def test_a_file_over_the_byte_limit_is_refused_with_a_message(self) -> None:
        with self.settings(MAX_CSV_BYTES=30):
            response = self.upload(b"email,name\nhong@example.com,Hong\nkim@example.com,Kim\n")
        self.assertContains(response, "the limit is 30 bytes", status_code=400)
        self.assertFalse(AwardBatch.objects.exists())

    def test_a_file_over_the_row_limit_is_refused_with_a_message(self) -> None:
        with self.settings(MAX_CSV_ROWS=1):
            response = self.upload(b"email,name\nhong@example.com,Hong\nkim@example.com,Kim\n")
        self.assertContains(response, "more than 1 rows", status_code=400)
        self.assertFalse(AwardBatch.objects.exists())

    def test_a_header_without_rows_is_refused(self) -> None:
        response = self.upload("이메일,이름\n\n".encode())
        self.assertContains(response, "no recipients", status_code=400)
        self.assertFalse(AwardBatch.objects.exists())

    def test_the_upload_is_audited(self) -> None:
        self.upload(b"email,name\nhong@example.com,Hong\nbad,Bad\n")
        event = AuditEvent.objects.get(action="awards.batch_upload")
        self.assertEqual(event.actor, self.teammate)
        self.assertEqual(event.after["rows"], 2)
        self.assertEqual(event.after["errors"], 1)

    def test_a_long_preview_shows_its_first_rows_and_every_row_with_an_error(self) -> None:
        people = "".join(f"p{n}@example.com,학생{n}\n" for n in range(250))
        self.upload(b"email,name\n" + people.encode() + b"broken-email,Broken\n")
        batch = self.uploaded()
        response = self.client.get(f"{URL}{batch.public_id}/")
        self.assertContains(response, "<tr", count=1 + 200 + 1)  # header, first rows, the bad row
        self.assertContains(response, "p199@example.com")
        self.assertNotContains(response, "p200@example.com")
        self.assertContains(response, "broken-email")
        self.assertContains(response, "50 more rows passed every check and are not shown.")
        self.assertContains(response, "251 rows")
