"""Claim links in award emails: accept, decline, and every way a link is refused."""

import re

from django.test import override_settings

from laurel.accounts.models import Identifier, User
from laurel.awards.actions import award
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.outbox.models import OutboxMessage
from laurel.test import BaseTestCase
from laurel.wallet.models import AwardClaim
from laurel.wallet.tokens import make_claim_token
from tests.awards.helpers import make_achievement

EMAIL = "newcomer@student.example"


class AwardedTestCase(BaseTestCase):
    """A badge awarded through the real action; the claim link is read from the queued email."""

    def setUp(self) -> None:
        achievement = make_achievement(self.org, "python", name_ko="파이썬", name_en="Python")
        self.award = award(Actor(user=self.owner), self.org, achievement, email=EMAIL, name="새학생")
        message = OutboxMessage.objects.get(payload__to=EMAIL)
        found = re.search(r"http://\S+/wallet/claim/(\S+)/", message.payload["text"])
        assert found, message.payload["text"]
        self.token = found.group(1)
        self.url = f"/wallet/claim/{self.token}/"


class ClaimTestCase(AwardedTestCase):
    def test_the_email_carries_a_claim_link_in_text_and_html(self) -> None:
        message = OutboxMessage.objects.get(payload__to=EMAIL)
        self.assertIn(self.url, message.payload["html"])

    def test_accepting_creates_the_account_proves_the_email_and_signs_in(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 200)
        response = self.client.post(self.url, {"answer": "accept"})
        self.assertEqual(response.status_code, 302)
        user = User.objects.get(email=EMAIL)
        self.assertEqual(AwardClaim.objects.get(award=self.award).state, "accepted")
        self.assertTrue(Identifier.objects.filter(user=user, value=EMAIL, verified_at__isnull=False).exists())
        self.assertEqual(Award.objects.get(pk=self.award.pk).recipient.user, user)
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)

    def test_declining_is_recorded_and_the_award_stays(self) -> None:
        self.client.post(self.url, {"answer": "decline"})
        self.assertEqual(AwardClaim.objects.get(award=self.award).state, "declined")
        self.assertTrue(Award.objects.filter(pk=self.award.pk).exists())

    def test_a_used_link_is_refused(self) -> None:
        self.client.post(self.url, {"answer": "accept"})
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 410)
        self.assertEqual(self.client.post(self.url, {"answer": "decline"}).status_code, 410)
        self.assertEqual(AwardClaim.objects.get(award=self.award).state, "accepted")

    @override_settings(LAUREL_CLAIM_LINK_MAX_AGE=-1)
    def test_an_expired_link_is_refused_without_change(self) -> None:
        response = self.client.post(self.url, {"answer": "accept"})
        self.assertEqual(response.status_code, 410)
        self.assertContains(response, "expired", status_code=410)
        self.assertFalse(User.objects.filter(email=EMAIL).exists())

    def test_a_tampered_link_is_refused(self) -> None:
        tampered = self.url.replace(self.token, self.token[:-2] + "xx")
        response = self.client.post(tampered, {"answer": "accept"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(AwardClaim.objects.exists())

    def test_a_link_naming_another_address_is_refused(self) -> None:
        token = make_claim_token(self.award.public_id, "someone@else.example")
        self.assertEqual(self.client.post(f"/wallet/claim/{token}/").status_code, 400)

    def test_someone_else_signed_in_gets_a_clear_page_and_no_change(self) -> None:
        self.login(self.learner)
        response = self.client.post(self.url, {"answer": "accept"})
        self.assertContains(response, "another person", status_code=403)
        self.assertFalse(AwardClaim.objects.exists())
        self.assertIsNone(Award.objects.get(pk=self.award.pk).recipient.user)


class KoreanClaimTestCase(AwardedTestCase):
    language = "ko"

    def test_the_claim_page_speaks_korean(self) -> None:
        self.assertContains(self.client.get(self.url), "배지 받기")

    def test_a_used_link_is_explained_in_korean(self) -> None:
        self.client.post(self.url, {"answer": "accept"})
        self.client.logout()
        self.assertContains(self.client.get(self.url), "이미 사용된", status_code=410)
