from datetime import date

from laurel.audit.models import AuditEvent
from laurel.awards.models import Award
from laurel.outbox.models import OutboxMessage
from tests.api.helpers import ApiTestCase, make_achievement, make_award


class AwardCreateTests(ApiTestCase):
    def body(self, **changes: object) -> dict:
        body: dict = {
            "achievement": str(self.achievement.public_id),
            "recipient": {"email": " MinJi@Student.example ", "name": "김민지", "student_id": "2024-0012"},
            "evidence_url": "https://portfolio.example/minji",
            "issued_on": "2025-03-02",
        }
        body.update(changes)
        return body

    def test_an_issuer_awards_a_badge_and_gets_its_public_page(self) -> None:
        response = self.api("post", "/orgs/hanbit/awards", self.teammate_token, self.body())
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        award = Award.objects.get()
        self.assertEqual(data["public_id"], award.public_id)
        self.assertEqual(data["url"], f"{self.org.base_url}/a/{award.public_id}/")
        self.assertEqual(data["recipient"]["email"], "minji@student.example")
        self.assertEqual(data["achievement"]["public_id"], str(self.achievement.public_id))
        self.assertEqual(data["achievement"]["version"], 1)
        self.assertEqual(data["issued_on"], "2025-03-02")
        self.assertEqual(data["status"], "active")
        self.assertEqual(award.source, Award.Source.API)
        self.assertEqual(award.awarded_by, self.teammate)
        self.assertEqual(award.issued_on, date(2025, 3, 2))

    def test_the_award_is_audited_as_done_through_the_api(self) -> None:
        self.api(
            "post", "/orgs/hanbit/awards", self.teammate_token, self.body(), HTTP_USER_AGENT="lms-sync/2"
        )
        event = AuditEvent.objects.get(action="awards.create")
        self.assertEqual(event.via, "api")
        self.assertEqual(event.actor, self.teammate)
        self.assertEqual(event.user_agent, "lms-sync/2")
        self.assertTrue(OutboxMessage.objects.filter(org=self.org).exists())

    def test_a_second_award_of_the_same_badge_is_409_pointing_at_the_first(self) -> None:
        first = make_award(self.achievement, "minji@student.example")
        response = self.api("post", "/orgs/hanbit/awards", self.teammate_token, self.body())
        problem = self.assertProblem(response, 409)
        self.assertEqual(problem["existing_award"], first.public_id)
        self.assertEqual(Award.objects.count(), 1)

    def test_allow_duplicate_awards_again(self) -> None:
        make_award(self.achievement, "minji@student.example")
        response = self.api(
            "post", "/orgs/hanbit/awards", self.teammate_token, self.body(allow_duplicate=True)
        )
        self.assertEqual(response.status_code, 201)
        self.assertEqual(Award.objects.count(), 2)

    def test_a_bad_email_is_422_at_the_recipient_email(self) -> None:
        body = self.body(recipient={"email": "not-an-address", "name": "김민지"})
        problem = self.assertProblem(self.api("post", "/orgs/hanbit/awards", self.teammate_token, body), 422)
        self.assertEqual([e["pointer"] for e in problem["errors"]], ["/recipient/email"])
        self.assertIn("not-an-address", problem["errors"][0]["message"])

    def test_a_future_issue_date_and_bad_evidence_url_are_both_reported(self) -> None:
        body = self.body(issued_on="2999-01-01", evidence_url="ftp://files.example/x")
        problem = self.assertProblem(self.api("post", "/orgs/hanbit/awards", self.teammate_token, body), 422)
        self.assertEqual(sorted(e["pointer"] for e in problem["errors"]), ["/evidence_url", "/issued_on"])
        self.assertFalse(Award.objects.exists())

    def test_an_achievement_of_another_org_is_unknown_here(self) -> None:
        foreign = make_achievement(self.other_org, "other-badge", "", "Other Badge")
        body = self.body(achievement=str(foreign.public_id))
        problem = self.assertProblem(self.api("post", "/orgs/hanbit/awards", self.teammate_token, body), 422)
        self.assertEqual(problem["errors"][0]["pointer"], "/achievement")
        self.assertFalse(Award.objects.exists())

    def test_an_archived_achievement_cannot_be_awarded(self) -> None:
        archived = make_achievement(self.org, "old", "옛 배지", "Old Badge")
        archived.archived_at = archived.created_at
        archived.save()
        body = self.body(achievement=str(archived.public_id))
        problem = self.assertProblem(self.api("post", "/orgs/hanbit/awards", self.teammate_token, body), 422)
        self.assertEqual(problem["errors"][0]["pointer"], "/achievement")


class AwardReadTests(ApiTestCase):
    def test_an_award_is_read_by_its_public_id(self) -> None:
        award = make_award(self.achievement, "jisoo@student.example")
        data = self.api("get", f"/orgs/hanbit/awards/{award.public_id}", self.viewer_token).json()
        self.assertEqual(data["public_id"], award.public_id)
        self.assertEqual(data["recipient"]["public_id"], str(award.recipient.public_id))
        self.assertNotIn("id", data)

    def test_another_orgs_award_is_404_even_with_its_id(self) -> None:
        foreign = make_award(make_achievement(self.other_org, "x", "", "X"), "a@b.example")
        self.assertProblem(
            self.api("get", f"/orgs/hanbit/awards/{foreign.public_id}", self.viewer_token), 404
        )
        self.assertProblem(self.api("get", f"/orgs/other/awards/{foreign.public_id}", self.viewer_token), 404)
