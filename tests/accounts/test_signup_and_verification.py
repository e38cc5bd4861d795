from datetime import timedelta

import time_machine
from django.utils import timezone

from laurel.accounts.models import Identifier, User
from laurel.orgs.models import Recipient
from laurel.test import login
from tests.accounts.helpers import AccountsTestCase, delivered, link_in

SIGNUP = {
    "email": "Newbie@Student.example",
    "name": "한새내기",
    "password": "blue whale under the bridge",
    "language": "en",
}


class SignupTests(AccountsTestCase):
    def test_it_creates_a_learner_and_mails_a_verification_link(self) -> None:
        response = self.client.post("/accounts/signup/", SIGNUP)
        self.assertContains(response, "newbie@student.example")
        user = User.objects.get(email="newbie@student.example")
        self.assertEqual((user.name, user.language), ("한새내기", "en"))
        self.assertIsNone(user.email_verified_at)
        self.assertFalse(user.memberships.exists())
        messages = delivered()
        self.assertEqual(messages[0].to, ["newbie@student.example"])
        self.assertIn("/accounts/verify-email/", messages[0].body)

    def test_a_taken_address_gets_the_same_page_and_a_note_instead(self) -> None:
        response = self.client.post("/accounts/signup/", {**SIGNUP, "email": "learner@student.example"})
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "accounts/signup_done.html")
        self.assertEqual(User.objects.filter(email="learner@student.example").count(), 1)
        messages = delivered()
        self.assertEqual(messages[0].to, ["learner@student.example"])
        self.assertIn("/accounts/password-reset/", messages[0].body)
        self.assertNotIn("/accounts/verify-email/", messages[0].body)

    def test_a_weak_password_is_refused_with_a_reason(self) -> None:
        response = self.client.post("/accounts/signup/", {**SIGNUP, "password": "12345678"})
        self.assertContains(response, "This password is entirely numeric.")
        self.assertFalse(User.objects.filter(email="newbie@student.example").exists())

    def test_a_signed_in_user_is_sent_to_the_profile(self) -> None:
        self.login(self.learner)
        self.assertEqual(self.client.get("/accounts/signup/")["Location"], "/accounts/profile/")


class EmailVerificationTests(AccountsTestCase):
    def setUp(self) -> None:
        self.client.post("/accounts/signup/", SIGNUP)
        self.user = User.objects.get(email="newbie@student.example")
        self.path = link_in(delivered()[0].body)

    def test_the_link_needs_the_account_to_be_signed_in(self) -> None:
        response = self.client.get(self.path)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/accounts/login/?next="))
        self.user.refresh_from_db()
        self.assertIsNone(self.user.email_verified_at)

    def test_following_it_confirms_the_address_and_links_recipients_everywhere(self) -> None:
        here = Recipient.objects.create(org=self.org, email="newbie@student.example", name="한새내기")
        there = Recipient.objects.create(org=self.other_org, email="newbie@student.example")
        login(self.client, self.user)
        response = self.client.get(self.path, follow=True)
        self.assertContains(response, "2 records from issuers are now linked")
        self.user.refresh_from_db()
        self.assertIsNotNone(self.user.email_verified_at)
        identifier = Identifier.objects.get(user=self.user, kind="email", value="newbie@student.example")
        self.assertIsNotNone(identifier.verified_at)
        here.refresh_from_db()
        there.refresh_from_db()
        self.assertEqual((here.user, there.user), (self.user, self.user))

    def test_another_account_cannot_use_the_link(self) -> None:
        self.login(self.learner)
        response = self.client.get(self.path)
        self.assertContains(response, "sent for a different account", status_code=403)
        self.user.refresh_from_db()
        self.assertIsNone(self.user.email_verified_at)

    def test_an_expired_link_is_refused(self) -> None:
        login(self.client, self.user)
        with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
            response = self.client.get(self.path)
        self.assertContains(response, "This link has expired.", status_code=400)

    def test_a_tampered_link_is_refused(self) -> None:
        login(self.client, self.user)
        response = self.client.get(self.path.replace("/verify-email/", "/verify-email/x"))
        self.assertContains(response, "This link is not valid.", status_code=400)

    def test_the_link_can_be_sent_again(self) -> None:
        login(self.client, self.user)
        self.assertContains(self.client.get("/accounts/verify-email/"), "is not confirmed yet")
        self.client.post("/accounts/verify-email/resend/")
        messages = delivered()
        self.assertEqual(len(messages), 2)
        self.assertEqual(messages[1].to, ["newbie@student.example"])

    def test_resending_is_limited(self) -> None:
        login(self.client, self.user)
        for _ in range(5):
            self.client.post("/accounts/verify-email/resend/")
        response = self.client.post("/accounts/verify-email/resend/")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(len(delivered()), 6)
