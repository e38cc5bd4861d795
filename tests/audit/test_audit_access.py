from laurel.audit.models import AuditEvent
from laurel.test import BaseTestCase
from tests.audit.helpers import event


class AuditAccessTests(BaseTestCase):
    def setUp(self) -> None:
        self.mine = event(self.org, "achievement.update", self.owner, summary="배지 이름 변경")
        self.theirs = event(self.other_org, "award.issue", self.outsider, summary="Other academy award")

    def test_owner_sees_their_organizations_events(self) -> None:
        self.login(self.owner)
        response = self.client.get("/orgs/hanbit/audit/")
        self.assertContains(response, "배지 이름 변경")
        self.assertContains(response, "owner@hanbit.example")
        self.assertNotContains(response, "Other academy award")

    def test_teammate_is_forbidden(self) -> None:
        self.login(self.teammate)
        self.assertEqual(self.client.get("/orgs/hanbit/audit/").status_code, 403)
        self.assertEqual(self.client.get(f"/orgs/hanbit/audit/{self.mine.id}/").status_code, 403)

    def test_outsider_gets_404(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get("/orgs/hanbit/audit/").status_code, 404)
        self.assertEqual(self.client.get(f"/orgs/hanbit/audit/{self.mine.id}/").status_code, 404)

    def test_learner_gets_404(self) -> None:
        self.login(self.learner)
        self.assertEqual(self.client.get("/orgs/hanbit/audit/").status_code, 404)

    def test_anonymous_visitor_is_sent_to_sign_in(self) -> None:
        response = self.client.get("/orgs/hanbit/audit/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_owner_cannot_open_another_organizations_event_through_their_own(self) -> None:
        self.login(self.owner)
        self.assertEqual(self.client.get(f"/orgs/hanbit/audit/{self.theirs.id}/").status_code, 404)

    def test_outsider_cannot_export_and_nothing_is_recorded(self) -> None:
        self.login(self.outsider)
        response = self.client.post("/orgs/hanbit/audit/export/", {"format": "csv"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(AuditEvent.objects.filter(action="audit.export").exists())

    def test_teammate_cannot_export(self) -> None:
        self.login(self.teammate)
        response = self.client.post("/orgs/hanbit/audit/export/", {"format": "jsonl"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(AuditEvent.objects.filter(action="audit.export").exists())
