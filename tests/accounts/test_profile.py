from django_otp.plugins.otp_totp.models import TOTPDevice

from laurel.audit.models import AuditEvent
from tests.accounts.helpers import AccountsTestCase


class ProfileTests(AccountsTestCase):
    def test_it_saves_name_and_language_and_switches_the_interface(self) -> None:
        self.login(self.learner)
        response = self.client.post("/accounts/profile/", {"name": "Jung Haksaeng", "language": "en"})
        self.assertEqual(response["Location"], "/accounts/profile/")
        self.assertEqual(response.cookies["django_language"].value, "en")
        self.learner.refresh_from_db()
        self.assertEqual((self.learner.name, self.learner.language), ("Jung Haksaeng", "en"))
        event = AuditEvent.objects.get(action="account.profile")
        self.assertEqual(event.before, {"name": "정학생", "language": "ko"})
        self.assertEqual(event.after, {"name": "Jung Haksaeng", "language": "en"})
        # The cookie now outranks what the browser asks for.
        page = self.client.get("/accounts/profile/", headers={"accept-language": "ko"})
        self.assertEqual(page.headers["Content-Language"], "en")

    def test_an_unknown_language_is_refused(self) -> None:
        self.login(self.learner)
        response = self.client.post("/accounts/profile/", {"name": "x", "language": "fr"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("language", response.context["form"].errors)
        self.learner.refresh_from_db()
        self.assertEqual(self.learner.language, "ko")

    def test_it_needs_a_signed_in_user(self) -> None:
        response = self.client.get("/accounts/profile/")
        self.assertEqual(response["Location"], "/accounts/login/?next=/accounts/profile/")

    def test_it_offers_two_factor_setup_to_a_learner(self) -> None:
        self.login(self.learner)
        self.assertContains(self.client.get("/accounts/profile/"), "Set up two-factor sign-in")

    def test_an_account_with_a_second_factor_must_pass_it_first(self) -> None:
        TOTPDevice.objects.create(user=self.learner, name="phone", confirmed=True)
        self.client.force_login(self.learner)
        response = self.client.get("/accounts/profile/")
        self.assertEqual(response["Location"], "/accounts/two-factor/?next=%2Faccounts%2Fprofile%2F")
