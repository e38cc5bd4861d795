import csv
import datetime
import io

import time_machine

from laurel.audit.models import AuditEvent
from tests.awards.helpers import NOW, AwardsTestCase, make_award

URL = "/orgs/hanbit/awards/export.csv"


@time_machine.travel(NOW, tick=False)
class ExportTests(AwardsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_award(cls.python, "evil@example.com", "=cmd|' /C calc'!A0", issued_on=datetime.date(2025, 3, 2))
        make_award(cls.safety, "hong@example.com", "홍길동", issued_on=datetime.date(2025, 1, 2))
        make_award(cls.foreign, "stranger@other.example", "Stranger")

    def rows(self, query: str = "") -> list[list[str]]:
        response = self.client.get(URL + query)
        self.assertEqual(response.status_code, 200)
        body = b"".join(response) if response.streaming else response.content
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"), "Korean Excel needs the byte order mark")
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))

    def setUp(self) -> None:
        super().setUp()
        self.login(self.viewer)

    def test_it_is_a_csv_attachment(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])

    def test_formula_cells_are_escaped(self) -> None:
        rows = self.rows()
        header = rows[0]
        names = [row[header.index("recipient_name")] for row in rows[1:]]
        self.assertIn("'=cmd|' /C calc'!A0", names)
        self.assertIn("홍길동", names)

    def test_only_this_organizations_filtered_awards_are_exported(self) -> None:
        rows = self.rows("?q=hong")
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][rows[0].index("recipient_email")], "hong@example.com")
        self.assertNotIn("stranger@other.example", str(self.rows()))

    def test_each_export_is_audited(self) -> None:
        self.rows("?q=hong")
        event = AuditEvent.objects.get(action="awards.export")
        self.assertEqual(event.actor, self.viewer)
        self.assertEqual(event.org, self.org)
        self.assertEqual(event.after["rows"], 1)

    def test_bad_filters_redirect_to_the_history_with_a_message(self) -> None:
        response = self.client.get(URL + "?date_to=yesterday", follow=True)
        self.assertContains(response, "Enter a valid date")
        self.assertFalse(AuditEvent.objects.filter(action="awards.export").exists())

    def test_outsiders_and_learners_get_404(self) -> None:
        for user in (self.outsider, self.learner):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(URL).status_code, 404)
        self.assertFalse(AuditEvent.objects.filter(action="awards.export").exists())
