"""Reviewers accept, return or reject a learner's evidence from the queue; each decision once."""

from laurel.audit.models import AuditEvent
from laurel.awards.models import Award
from laurel.rules.models import EvidenceSubmission
from tests.rules.evidence_helpers import EvidenceTestCase, State, Status


class EvidenceReviewTests(EvidenceTestCase):
    def url(self) -> str:
        return f"/orgs/hanbit/rules/reviews/{self.state.public_id}/"

    def decide(self, decision: str, comment: str = "", submission: str | None = None):  # type: ignore[no-untyped-def]
        latest = self.state.submissions.order_by("-submitted_at", "-pk").first()
        if submission is None:
            submission = latest.public_id if latest else ""
        return self.client.post(
            self.url(), {"decision": decision, "comment": comment, "submission": submission}
        )

    def test_the_queue_lists_evidence_waiting_for_review(self) -> None:
        self.send()
        self.login(self.mentor)
        response = self.client.get("/orgs/hanbit/rules/reviews/")
        self.assertContains(response, self.url())
        self.assertContains(response, "홍길동")
        self.assertContains(self.client.get(self.url()), "https://example.org/report")

    def test_accepting_issues_the_award_carrying_the_evidence(self) -> None:
        submission = self.send()
        self.login(self.mentor)
        self.assertRedirects(self.decide("accept"), "/orgs/hanbit/rules/reviews/")
        state = self.fresh()
        self.assertEqual(state.state, State.ISSUED)
        self.assertIsNotNone(state.evidence_accepted_at)
        award = Award.objects.get()
        self.assertEqual(state.award, award)
        self.assertEqual(
            (award.evidence_url, award.evidence_narrative),
            ("https://example.org/report", submission.narrative),
        )
        submission.refresh_from_db()
        self.assertEqual((submission.status, submission.reviewed_by), (Status.ACCEPTED, self.mentor))
        self.assertEqual(AuditEvent.objects.filter(action="rules.evidence_accept").count(), 1)
        public = self.client.get(f"/a/{award.public_id}/")
        self.assertContains(public, "<p>I wrote <strong>the</strong> report.</p>", html=True)

    def test_a_double_click_on_accept_decides_once(self) -> None:
        self.send()
        self.login(self.mentor)
        self.decide("accept")
        self.assertRedirects(self.decide("accept"), "/orgs/hanbit/rules/reviews/")
        self.assertEqual(Award.objects.count(), 1)
        self.assertEqual(AuditEvent.objects.filter(action="rules.evidence_accept").count(), 1)

    def test_returning_needs_a_comment(self) -> None:
        self.send()
        self.login(self.mentor)
        self.assertContains(self.decide("return", "  "), "Tell the learner why.", status_code=400)
        self.assertEqual(EvidenceSubmission.objects.get().status, Status.PENDING)

    def test_a_returned_submission_shows_the_comment_and_the_learner_sends_again(self) -> None:
        self.send()
        self.login(self.mentor)
        self.decide("return", "Add the slides, please.")
        self.assertEqual(EvidenceSubmission.objects.get().status, Status.RETURNED)
        self.assertEqual(self.fresh().state, State.AWAITING_EVIDENCE)
        [email] = self.emails_to("hong@example.com")
        self.assertIn("Add the slides, please.", email["text"])
        self.assertIn("was returned", email["subject"])  # hong reads English
        self.assertIn(f"/progress/{self.state.public_id}/", email["text"])

        self.login(self.learner)
        page = self.client.get(f"/progress/{self.state.public_id}/")
        self.assertContains(page, "Add the slides, please.")
        self.assertContains(page, "Send evidence")
        self.client.post(f"/progress/{self.state.public_id}/", {"url": "https://example.org/slides"})
        self.assertEqual(
            list(EvidenceSubmission.objects.order_by("pk").values_list("status", "url")),
            [(Status.RETURNED, "https://example.org/report"), (Status.PENDING, "https://example.org/slides")],
        )

    def test_a_decision_on_evidence_the_learner_has_replaced_is_refused(self) -> None:
        first = self.send()
        self.login(self.mentor)
        self.decide("return", "Again")
        self.send(url="https://example.org/v2", narrative="")
        response = self.decide("accept", submission=first.public_id)
        self.assertContains(response, "The learner has sent other evidence since", status_code=409)
        self.assertFalse(Award.objects.exists())

    def test_rejecting_is_final_for_this_cycle_with_the_reason_shown(self) -> None:
        self.send()
        self.login(self.mentor)
        self.assertContains(self.decide("reject"), "Tell the learner why.", status_code=400)
        self.decide("reject", "Copied from another team.")
        state = self.fresh()
        self.assertEqual(
            (state.rejection_reason, state.rejected_by), ("Copied from another team.", self.mentor)
        )
        self.assertEqual(EvidenceSubmission.objects.get().status, Status.REJECTED)
        [email] = self.emails_to("hong@example.com")
        self.assertIn("Copied from another team.", email["text"])
        self.assertContains(self.decide("accept"), "refused already for this round", status_code=409)

        self.login(self.learner)
        page = self.client.get(f"/progress/{self.state.public_id}/")
        self.assertContains(page, "Copied from another team.")
        self.assertNotContains(page, 'name="narrative"')
        response = self.client.post(f"/progress/{self.state.public_id}/", {"narrative": "please"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(EvidenceSubmission.objects.count(), 1)

    def test_a_rejected_learner_is_not_awarded_by_a_later_evaluation(self) -> None:
        from laurel.rules.actions import evaluate_pair

        self.send()
        self.login(self.mentor)
        self.decide("reject", "No.")
        evaluate_pair(self.hong.pk, self.badge.pk)
        self.assertFalse(Award.objects.exists())

    def test_an_issuer_and_the_owner_review_too(self) -> None:
        self.send()
        self.login(self.teammate)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        self.login(self.owner)
        self.assertEqual(self.client.get("/orgs/hanbit/rules/reviews/").status_code, 200)

    def test_a_viewer_may_not_review_and_outsiders_and_learners_see_nothing(self) -> None:
        self.send()
        self.login(self.viewer)
        self.assertEqual(self.client.get("/orgs/hanbit/rules/reviews/").status_code, 403)
        self.assertEqual(self.decide("accept").status_code, 403)
        for user in (self.outsider, self.learner):
            self.login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 404)
            self.assertEqual(self.decide("accept").status_code, 404)
        self.assertEqual(EvidenceSubmission.objects.get().status, Status.PENDING)

    def test_an_unknown_decision_is_refused(self) -> None:
        self.send()
        self.login(self.mentor)
        self.assertEqual(self.decide("delete").status_code, 400)
        self.assertEqual(EvidenceSubmission.objects.get().status, Status.PENDING)

    def test_accepting_with_nothing_sent_is_refused(self) -> None:
        self.login(self.mentor)
        self.assertContains(self.decide("accept"), "The learner has not sent any evidence.", status_code=409)


class ApprovalAfterEvidenceTests(EvidenceTestCase):
    approval = True

    def url(self) -> str:
        return f"/orgs/hanbit/rules/reviews/{self.state.public_id}/"

    def post(self, decision: str, comment: str = ""):  # type: ignore[no-untyped-def]
        return self.client.post(self.url(), {"decision": decision, "comment": comment})

    def test_accepted_evidence_waits_for_approval_then_a_mentor_approves(self) -> None:
        self.send()
        self.login(self.mentor)
        self.post("accept")
        self.assertEqual(self.fresh().state, State.AWAITING_APPROVAL)
        self.assertFalse(Award.objects.exists())
        self.assertContains(self.client.get("/orgs/hanbit/rules/reviews/"), self.url())
        self.assertRedirects(self.post("approve"), "/orgs/hanbit/rules/reviews/")
        state = self.fresh()
        self.assertEqual((state.state, state.approved_by), (State.ISSUED, self.mentor))
        self.assertEqual(Award.objects.get().evidence_url, "https://example.org/report")

    def test_a_double_approve_awards_once(self) -> None:
        self.send()
        self.login(self.mentor)
        self.post("accept")
        self.post("approve")
        self.assertRedirects(self.post("approve"), "/orgs/hanbit/rules/reviews/")
        self.assertEqual(Award.objects.count(), 1)
        self.assertEqual(AuditEvent.objects.filter(action="rules.approve").count(), 1)

    def test_approving_before_the_evidence_is_accepted_is_refused(self) -> None:
        self.send()
        self.login(self.mentor)
        self.assertContains(self.post("approve"), "not waiting for approval", status_code=409)
        self.assertFalse(Award.objects.exists())

    def test_returning_at_the_approval_step_asks_for_evidence_again(self) -> None:
        self.send()
        self.login(self.mentor)
        self.post("accept")
        self.post("return", "Your role is missing.")
        state = self.fresh()
        self.assertEqual((state.state, state.evidence_accepted_at), (State.AWAITING_EVIDENCE, None))
        self.assertEqual(EvidenceSubmission.objects.get().status, Status.RETURNED)

    def test_rejecting_at_the_approval_step_closes_the_cycle(self) -> None:
        self.send()
        self.login(self.mentor)
        self.post("accept")
        self.post("reject", "Not eligible this term.")
        self.assertContains(self.post("approve"), "not waiting for approval", status_code=409)
        self.assertFalse(Award.objects.exists())
        self.assertNotContains(self.client.get("/orgs/hanbit/rules/reviews/"), self.url())
