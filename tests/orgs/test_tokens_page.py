import hashlib

from laurel.accounts.models import ApiToken
from laurel.accounts.tokens import create_api_token
from laurel.core.actor import Actor
from laurel.test import BaseTestCase

URL = "/orgs/hanbit/tokens/"


class TokenPageTests(BaseTestCase):
    def test_owner_creates_a_token_and_sees_it_once(self) -> None:
        self.login(self.owner)
        response = self.client.post(URL, {"name": "LMS 연동"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        secret = response.context["secret"]
        token = ApiToken.objects.get()
        self.assertEqual((token.name, token.user, token.org), ("LMS 연동", self.owner, self.org))
        self.assertEqual(token.token_hash, hashlib.sha256(secret.encode()).hexdigest())
        self.assertContains(response, secret)
        listing = self.client.get(URL)
        self.assertContains(listing, "LMS 연동")
        self.assertContains(listing, token.prefix)
        self.assertNotContains(listing, secret)

    def test_a_blank_name_is_refused(self) -> None:
        self.login(self.owner)
        response = self.client.post(URL, {"name": "   "})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["form"].has_error("name"))
        self.assertFalse(ApiToken.objects.exists())

    def test_tokens_of_other_orgs_are_not_listed(self) -> None:
        create_api_token(Actor(user=self.outsider), self.outsider, self.other_org, "theirs")
        self.login(self.owner)
        self.assertEqual(list(self.client.get(URL).context["tokens"]), [])

    def test_owner_revokes_a_token(self) -> None:
        token, _ = create_api_token(Actor(user=self.owner), self.owner, self.org, "ci")
        self.login(self.owner)
        self.assertRedirects(self.client.post(f"{URL}{token.pk}/revoke/"), URL)
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertContains(self.client.get(URL), "Revoked")

    def test_a_token_of_another_org_cannot_be_revoked_from_here(self) -> None:
        theirs, _ = create_api_token(Actor(user=self.outsider), self.outsider, self.other_org, "theirs")
        self.login(self.owner)
        self.assertEqual(self.client.post(f"{URL}{theirs.pk}/revoke/").status_code, 404)
        theirs.refresh_from_db()
        self.assertIsNone(theirs.revoked_at)

    def test_teammate_and_viewer_are_forbidden(self) -> None:
        for user in (self.teammate, self.viewer):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403)
            self.assertEqual(self.client.post(URL, {"name": "sneaky"}).status_code, 403)
        self.assertFalse(ApiToken.objects.exists())

    def test_outsider_and_learner_get_404(self) -> None:
        for user in (self.outsider, self.learner):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 404)
            self.assertEqual(self.client.post(URL, {"name": "sneaky"}).status_code, 404)
        self.assertFalse(ApiToken.objects.exists())
