from laurel.ingest.lti.actions import post_badge_earned
from laurel.ingest.lti.models import Context, LineItem
from tests.ingest.lti.fake_platform import AGS_SCOPES
from tests.ingest.lti.helpers import LtiTestCase, make_award


class GradeWriteBackTests(LtiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.launch()  # the learner opens the tool once: their course and AGS endpoint are known
        self.award = make_award(self.jane)

    def test_a_badge_earned_is_a_full_score_in_its_own_column(self) -> None:
        result = post_badge_earned(self.award)
        self.assertEqual(result.posted, [Context.objects.get()])
        (column,) = self.platform.line_items
        self.assertEqual(column["tag"], f"laurel-badge:{self.award.achievement.public_id}")
        self.assertEqual(column["resourceId"], str(self.award.achievement.public_id))
        self.assertEqual(column["label"], "Badge earned: Python Basics")
        self.assertEqual(column["scoreMaximum"], 1)
        (score,) = self.platform.scores
        self.assertEqual(score["lineItem"], column["id"])
        self.assertEqual(score["userId"], self.learner_person.sub)
        self.assertEqual((score["scoreGiven"], score["scoreMaximum"]), (1, 1))
        self.assertEqual((score["activityProgress"], score["gradingProgress"]), ("Completed", "FullyGraded"))
        self.assertRegex(score["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

    def test_the_tool_authenticates_with_a_client_assertion_signed_by_its_key(self) -> None:
        post_badge_earned(self.award)
        # The fake platform accepted only assertions verified against the tool's JWKS.
        grants = self.platform.token_requests
        self.assertTrue(grants)
        self.assertEqual({g["grant_type"] for g in grants}, {"client_credentials"})
        self.assertTrue(set(grants[0]["scope"].split()) <= set(AGS_SCOPES))

    def test_the_column_is_made_once_and_found_again(self) -> None:
        post_badge_earned(self.award)
        post_badge_earned(self.award)
        self.assertEqual(len(self.platform.line_items), 1)
        self.assertEqual(len(self.platform.scores), 2)
        self.assertEqual(LineItem.objects.get().url, self.platform.line_items[0]["id"])

    def test_a_platform_that_refuses_the_score_is_reported_not_raised(self) -> None:
        self.platform.refuse_scores = True
        result = post_badge_earned(self.award)
        self.assertEqual(result.posted, [])
        self.assertEqual(len(result.failed), 1)
        self.assertIn("403", result.failed[0][1])

    def test_a_course_without_grade_scopes_gets_nothing(self) -> None:
        Context.objects.update(ags_scopes=[AGS_SCOPES[1]])
        self.assertEqual(post_badge_earned(self.award).posted, [])
        self.assertEqual(self.platform.scores, [])

    def test_someone_elses_badge_is_not_written_to_this_learner(self) -> None:
        from laurel.orgs.models import Recipient

        other = Recipient.objects.create(org=self.org, email="other@example.edu")
        self.assertEqual(post_badge_earned(make_award(other, slug="other")).posted, [])


class BlackboardWriteBackTests(LtiTestCase):
    shape_name = "blackboard"

    def test_the_client_assertion_is_addressed_to_the_configured_audience(self) -> None:
        self.launch()
        result = post_badge_earned(make_award(self.jane))
        # The fake Blackboard accepts only assertions whose aud is its gateway, not the token URL.
        self.assertEqual(len(result.posted), 1, result.failed)
