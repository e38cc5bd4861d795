import base64
import hashlib
import hmac
import struct
import time

from django.core.cache import cache
from django.test import TestCase
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.demo.helpers import seed_demo

PASSWORD = "laurel-demo"
STAFF = [
    "owner@hanbit.example",
    "issuer@hanbit.example",
    "mentor1@hanbit.example",
    "mentor2@hanbit.example",
    "viewer@hanbit.example",
]


def totp(secret: str, at: float) -> str:
    """RFC 6238 with SHA-1, six digits and 30-second steps, as authenticator apps compute it."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


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
