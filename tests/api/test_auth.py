from django.utils import timezone

from laurel.accounts.models import ApiToken, hash_token
from laurel.orgs.models import Membership
from tests.api.helpers import ApiTestCase, make_token


class TokenAuthTests(ApiTestCase):
    def test_a_request_without_a_token_is_401_with_a_bearer_challenge(self) -> None:
        response = self.api("get", "/orgs/hanbit", None)
        self.assertProblem(response, 401)
        self.assertTrue(response["WWW-Authenticate"].startswith("Bearer"))

    def test_an_unknown_token_is_401(self) -> None:
        response = self.api("get", "/orgs/hanbit", ApiToken.generate())
        self.assertProblem(response, 401)
        self.assertIn("WWW-Authenticate", response)

    def test_a_revoked_token_is_401(self) -> None:
        ApiToken.objects.filter(token_hash=hash_token(self.teammate_token)).update(revoked_at=timezone.now())
        self.assertProblem(self.api("get", "/orgs/hanbit", self.teammate_token), 401)

    def test_a_token_stops_working_when_its_user_leaves_the_org(self) -> None:
        Membership.objects.filter(org=self.org, user=self.teammate).delete()
        self.assertProblem(self.api("get", "/orgs/hanbit", self.teammate_token), 401)

    def test_a_signed_in_session_without_a_token_is_not_enough(self) -> None:
        self.login(self.teammate)
        self.assertProblem(self.api("get", "/orgs/hanbit", None), 401)

    def test_a_token_for_another_org_gets_404_like_an_unknown_org(self) -> None:
        foreign = self.assertProblem(self.api("get", "/orgs/hanbit", self.outsider_token), 404)
        missing = self.assertProblem(self.api("get", "/orgs/no-such-org", self.outsider_token), 404)
        self.assertEqual(foreign, missing)

    def test_a_token_for_another_org_cannot_award_there(self) -> None:
        body = {
            "achievement": str(self.achievement.public_id),
            "recipient": {"email": "minji@student.example", "name": "김민지"},
        }
        self.assertProblem(self.api("post", "/orgs/hanbit/awards", self.outsider_token, body), 404)
        self.assertFalse(self.achievement.awards.exists())

    def test_a_viewer_can_read_but_not_award(self) -> None:
        self.assertEqual(self.api("get", "/orgs/hanbit/awards", self.viewer_token).status_code, 200)
        body = {
            "achievement": str(self.achievement.public_id),
            "recipient": {"email": "minji@student.example", "name": "김민지"},
        }
        problem = self.assertProblem(self.api("post", "/orgs/hanbit/awards", self.viewer_token, body), 403)
        self.assertIn("award", problem["detail"])
        self.assertFalse(self.achievement.awards.exists())

    def test_a_viewer_cannot_define_achievements(self) -> None:
        body = {"name_en": "Git", "description_en": "Uses git.", "alt_text_en": "Git logo"}
        self.assertProblem(self.api("post", "/orgs/hanbit/achievements", self.viewer_token, body), 403)

    def test_a_mentor_token_cannot_create_recipients(self) -> None:
        token = make_token(self.mentor, self.org)
        body = {"email": "minji@student.example"}
        self.assertProblem(self.api("post", "/orgs/hanbit/recipients", token, body), 403)
