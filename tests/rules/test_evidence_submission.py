"""A learner sends evidence for a badge waiting for it, from their own page, and nobody else can."""

from laurel.audit.models import AuditEvent
from laurel.rules.models import EvidenceSubmission
from tests.rules.evidence_helpers import ASKED_EN, ASKED_KO, EvidenceTestCase, Status


class EvidenceSubmissionTests(EvidenceTestCase):
    def url(self) -> str:
        return f"/progress/{self.state.public_id}/"

    def test_the_progress_page_links_to_sending_evidence(self) -> None:
        self.login(self.learner)
        response = self.client.get("/progress/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, f'href="{self.url()}"')
        self.assertContains(response, "Send evidence")

    def test_the_page_shows_what_the_badge_asks_for_in_the_learners_language(self) -> None:
        self.login(self.learner)
        self.assertContains(self.client.get(self.url(), HTTP_ACCEPT_LANGUAGE="en"), ASKED_EN)
        korean = self.client.get(self.url(), HTTP_ACCEPT_LANGUAGE="ko")
        self.assertContains(korean, ASKED_KO)
        self.assertNotContains(korean, ASKED_EN)

    def test_a_learner_sends_a_link_and_a_narrative(self) -> None:
        self.login(self.learner)
        response = self.client.post(
            self.url(), {"url": " https://example.org/report ", "narrative": "I led the **analysis**."}
        )
        self.assertRedirects(response, self.url())
        submission = EvidenceSubmission.objects.get()
        self.assertEqual(
            (submission.url, submission.narrative, submission.status, submission.submitted_by),
            ("https://example.org/report", "I led the **analysis**.", Status.PENDING, self.learner),
        )
        self.assertEqual(AuditEvent.objects.filter(action="rules.evidence_submit").count(), 1)
        page = self.client.get(self.url())
        self.assertContains(page, "<strong>analysis</strong>", html=True)
        self.assertContains(page, "Your evidence is waiting for review.")

    def test_the_narrative_is_sanitised_markdown(self) -> None:
        self.login(self.learner)
        self.client.post(self.url(), {"narrative": "<script>alert(1)</script> [x](javascript:alert(2))"})
        page = self.client.get(self.url()).content.decode()
        self.assertNotIn("<script>alert(1)", page)
        self.assertNotIn('href="javascript:', page)
        self.assertIn("&lt;script&gt;", page)

    def test_mentors_are_told_in_their_language(self) -> None:
        self.send()
        [email] = self.emails_to(self.mentor.email)
        self.assertIn(f"/orgs/hanbit/rules/reviews/{self.state.public_id}/", email["text"])
        self.assertIn("데이터 분석", email["subject"])  # the mentor reads Korean

    def test_an_empty_submission_is_refused_and_nothing_is_saved(self) -> None:
        self.login(self.learner)
        response = self.client.post(self.url(), {"url": "  ", "narrative": " "})
        self.assertContains(
            response, "Give a link to your work, a description of it, or both.", status_code=400
        )
        self.assertFalse(EvidenceSubmission.objects.exists())

    def test_a_link_that_is_not_a_web_address_is_refused(self) -> None:
        self.login(self.learner)
        response = self.client.post(self.url(), {"url": "javascript:alert(1)", "narrative": "see"})
        self.assertContains(response, "must be a complete http:// or https:// address", status_code=400)
        self.assertFalse(EvidenceSubmission.objects.exists())

    def test_oversize_evidence_is_refused(self) -> None:
        self.login(self.learner)
        long_url = "https://example.org/" + "a" * 1000
        response = self.client.post(self.url(), {"url": long_url, "narrative": "x" * 20_001})
        self.assertContains(response, "The link is longer than 1000 characters.", status_code=400)
        self.assertContains(response, "The description is longer than 20000 characters.", status_code=400)
        self.assertFalse(EvidenceSubmission.objects.exists())

    def test_a_double_click_sends_once(self) -> None:
        self.login(self.learner)
        data = {"url": "https://example.org/report", "narrative": "done"}
        self.client.post(self.url(), data)
        self.assertRedirects(self.client.post(self.url(), data), self.url())
        self.assertEqual(EvidenceSubmission.objects.count(), 1)

    def test_other_evidence_while_one_waits_is_refused(self) -> None:
        self.send()
        self.login(self.learner)
        response = self.client.post(self.url(), {"narrative": "something else"})
        self.assertContains(response, "Your evidence is already waiting for review.", status_code=409)
        self.assertEqual(EvidenceSubmission.objects.count(), 1)

    def test_someone_elses_state_is_not_found(self) -> None:
        for user in (self.mentor, self.owner, self.outsider):
            self.login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 404)
            self.assertEqual(self.client.post(self.url(), {"narrative": "mine"}).status_code, 404)
        self.assertFalse(EvidenceSubmission.objects.exists())

    def test_signed_out_visitors_are_sent_to_sign_in(self) -> None:
        response = self.client.post(self.url(), {"narrative": "x"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_a_state_not_waiting_for_evidence_takes_none(self) -> None:
        self.fresh().__class__.objects.filter(pk=self.state.pk).update(state="in_progress")
        self.login(self.learner)
        response = self.client.post(self.url(), {"narrative": "early"})
        self.assertContains(response, "This badge is not waiting for evidence from you.", status_code=409)
        self.assertFalse(EvidenceSubmission.objects.exists())
