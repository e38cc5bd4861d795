import time

from django.core.cache import cache
from django.test import TestCase
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.demo.helpers import seed_demo
from tests.totp import key_from_base32
from tests.totp import totp as totp_code

PASSWORD = "laurel-demo"
STAFF = [
    "owner@hanbit.example",
    "issuer@hanbit.example",
    "mentor1@hanbit.example",
    "mentor2@hanbit.example",
    "viewer@hanbit.example",
]


def totp(secret: str, at: float) -> str:
    return totp_code(key_from_base32(secret), at)


class DemoSignInTests(TestCase):
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = seed_demo()

    def setUp(self) -> None:
        # Sign-in attempts are rate limited per address and per IP in the cache.
        cache.clear()

    def test_every_staff_member_signs_in_with_the_printed_password(self) -> None:
        self.assertIn(PASSWORD, self.output)
        for email in STAFF:
            self.assertIn(email, self.output)
            self.assertTrue(self.client.login(username=email, password=PASSWORD), email)
            self.client.logout()

    def test_a_wrong_password_is_refused(self) -> None:
        self.assertFalse(self.client.login(username="issuer@hanbit.example", password="laurel-dem0"))

    def test_the_issuer_signs_in_through_the_form_and_reaches_the_dashboard(self) -> None:
        response = self.client.post(
            "/accounts/login/", {"username": "issuer@hanbit.example", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get("/orgs/hanbit/").status_code, 200)

    def test_the_owner_reaches_the_dashboard_with_a_code_from_the_printed_secret(self) -> None:
        response = self.client.post(
            "/accounts/login/", {"username": "owner@hanbit.example", "password": PASSWORD}
        )
        self.assertIn("/accounts/two-factor/", response["Location"])
        self.assertEqual(self.client.get("/orgs/hanbit/").status_code, 302)
        secret = self.output.split("secret: ", 1)[1].split()[0]
        response = self.client.post("/accounts/two-factor/", {"code": totp(secret, time.time())})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get("/orgs/hanbit/").status_code, 200)

    def test_a_learner_account_signs_in_and_owns_no_organization(self) -> None:
        self.assertIn("student01@hanbit.example", self.output)
        self.assertTrue(self.client.login(username="student01@hanbit.example", password=PASSWORD))
        self.assertFalse(TOTPDevice.objects.filter(user__email="student01@hanbit.example").exists())
        self.assertEqual(self.client.get("/orgs/hanbit/").status_code, 404)
