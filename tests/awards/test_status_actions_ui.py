from laurel.audit.models import AuditEvent
from laurel.credentials.actions import public_status
from tests.awards.public_helpers import PublicTestCase


class StatusActionsPageTests(PublicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.granted = self.award()
        self.detail = f"/orgs/hanbit/awards/{self.granted.public_id}/"
        self.change = self.detail + "status/"

    def state(self) -> dict:
        self.granted.refresh_from_db()
        return public_status(self.granted)

    def test_the_detail_page_shows_status_credentials_and_the_forms(self) -> None:
        self.login(self.teammate)
        response = self.client.get(self.detail)
        self.assertContains(response, "Active")
        for lang in ("ko", "en"):
            self.assertContains(response, f"/a/{self.granted.public_id}/credential.json?lang={lang}")
        self.assertContains(response, 'value="revoke"')
        self.assertContains(response, 'value="suspend"')

    def test_viewers_see_no_forms(self) -> None:
        self.login(self.viewer)
        response = self.client.get(self.detail)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'value="revoke"')

    def test_the_first_post_asks_to_confirm_and_changes_nothing(self) -> None:
        self.login(self.teammate)
        response = self.client.post(self.change, {"action": "revoke", "reason": "Plagiarism"})
        self.assertContains(response, "Revoke this badge?")
        self.assertContains(response, 'name="confirmed" value="yes"')
        self.assertContains(response, "Plagiarism")
        self.assertEqual(self.state()["status"], "active")

    def test_revoking_needs_a_reason(self) -> None:
        self.login(self.teammate)
        response = self.client.post(self.change, {"action": "revoke", "reason": " ", "confirmed": "yes"})
        self.assertContains(response, "Give a reason", status_code=400)
        self.assertEqual(self.state()["status"], "active")

    def test_an_overlong_reason_is_refused(self) -> None:
        self.login(self.teammate)
        response = self.client.post(
            self.change, {"action": "suspend", "reason": "x" * 1001, "confirmed": "yes"}
        )
        self.assertContains(response, "the limit is 1000", status_code=400)

    def test_a_confirmed_revocation_is_applied_shown_and_audited(self) -> None:
        self.login(self.teammate)
        response = self.client.post(
            self.change, {"action": "revoke", "reason": "Plagiarism", "confirmed": "yes"}, follow=True
        )
        self.assertContains(response, "The badge was revoked.")
        self.assertContains(response, "Plagiarism")
        state = self.state()
        self.assertEqual((state["status"], state["reason"]), ("revoked", "Plagiarism"))
        entry = AuditEvent.objects.get(action="awards.revoke")
        self.assertEqual(entry.actor_id, self.teammate.pk)
        self.assertNotContains(response, 'value="suspend"')

    def test_suspend_then_reinstate(self) -> None:
        self.login(self.teammate)
        self.client.post(self.change, {"action": "suspend", "reason": "Review", "confirmed": "yes"})
        self.assertEqual(self.state()["status"], "suspended")
        self.assertContains(self.client.get(self.detail), "Suspended")
        self.client.post(self.change, {"action": "reinstate", "confirmed": "yes"})
        self.assertEqual(self.state()["status"], "active")
        actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
        self.assertEqual(actions[-2:], ["awards.suspend", "awards.reinstate"])

    def test_a_revoked_award_cannot_be_suspended(self) -> None:
        self.login(self.teammate)
        self.client.post(self.change, {"action": "revoke", "reason": "Fraud", "confirmed": "yes"})
        response = self.client.post(
            self.change, {"action": "suspend", "reason": "Again", "confirmed": "yes"}, follow=True
        )
        self.assertContains(response, "cannot be suspended")
        self.assertEqual(self.state()["status"], "revoked")

    def test_members_without_the_award_capability_are_refused(self) -> None:
        for user in (self.viewer, self.mentor):
            with self.subTest(user=user.email):
                self.login(user)
                response = self.client.post(
                    self.change, {"action": "revoke", "reason": "x", "confirmed": "yes"}
                )
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.state()["status"], "active")

    def test_outsiders_get_404_and_anonymous_visitors_the_login_page(self) -> None:
        self.login(self.outsider)
        response = self.client.post(self.change, {"action": "revoke", "reason": "x", "confirmed": "yes"})
        self.assertEqual(response.status_code, 404)
        self.client.logout()
        response = self.client.post(self.change, {"action": "revoke", "reason": "x", "confirmed": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
        self.assertEqual(self.state()["status"], "active")

    def test_an_award_of_another_organization_is_not_found(self) -> None:
        from tests.awards.helpers import make_achievement, make_award

        theirs = make_award(make_achievement(self.other_org, "x", name_en="X"), "a@example.com")
        self.login(self.teammate)
        path = f"/orgs/hanbit/awards/{theirs.public_id}/status/"
        response = self.client.post(path, {"action": "revoke", "reason": "x", "confirmed": "yes"})
        self.assertEqual(response.status_code, 404)

    def test_an_unknown_action_changes_nothing(self) -> None:
        self.login(self.teammate)
        response = self.client.post(self.change, {"action": "delete", "confirmed": "yes"}, follow=True)
        self.assertContains(response, "Choose revoke, suspend or reinstate.")
        self.assertEqual(self.state()["status"], "active")
