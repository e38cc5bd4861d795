"""The wallet lists awards from every organization the learner has proven an identifier for."""

from laurel.accounts.actions import verify_email
from laurel.core.actor import Actor
from laurel.test import BaseTestCase
from laurel.wallet.models import AwardClaim
from tests.awards.helpers import make_achievement, make_award


class WalletListTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.first = make_award(make_achievement(self.org, "python", name_en="Python"), self.learner.email)
        self.second = make_award(
            make_achievement(self.other_org, "rust", name_en="Rust"), "alt@student.example"
        )
        verify_email(Actor(user=self.learner), self.learner, self.learner.email)
        verify_email(Actor(user=self.learner), self.learner, "alt@student.example")
        self.login(self.learner)

    def test_it_lists_awards_to_every_verified_address_from_every_organization(self) -> None:
        response = self.client.get("/wallet/")
        self.assertContains(response, "Python")
        self.assertContains(response, "Rust")

    def test_declined_awards_are_hidden(self) -> None:
        AwardClaim.objects.create(award=self.second, user=self.learner, state=AwardClaim.State.DECLINED)
        self.assertNotContains(self.client.get("/wallet/"), "Rust")

    def test_other_people_do_not_see_them(self) -> None:
        self.login(self.outsider)
        self.assertNotContains(self.client.get("/wallet/"), "Python")

    def test_it_asks_visitors_to_sign_in(self) -> None:
        self.client.logout()
        self.assertEqual(self.client.get("/wallet/").status_code, 302)
