import re
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlparse

import time_machine
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from laurel.audit.models import AuditEvent
from tests.accounts.helpers import AccountsTestCase, key_from_base32, totp


class SetupTests(AccountsTestCase):
    def setUp(self) -> None:
        self.login(self.learner)

    def setup_page(self) -> tuple[object, bytes]:
        response = self.client.get("/accounts/two-factor/")
        self.assertEqual(response.status_code, 200)
        secret = response.context["secret"]
        return response, key_from_base32(secret)

    def test_it_shows_a_qr_code_an_otpauth_link_and_the_key(self) -> None:
        response, key = self.setup_page()
        html = response.content.decode()
        self.assertIn('<svg role="img"', html)
        self.assertIn("<title>", html)
        uri = re.search(r'href="(otpauth://totp/[^"]+)"', html).group(1).replace("&amp;", "&")
        parsed = urlparse(uri)
        self.assertEqual(unquote(parsed.path), "/Laurel:learner@student.example")
        self.assertEqual(key_from_base32(parse_qs(parsed.query)["secret"][0]), key)
        self.assertEqual(len(key), 20)

    def test_reloading_keeps_the_same_key(self) -> None:
        _, first = self.setup_page()
        _, second = self.setup_page()
        self.assertEqual(first, second)

    def test_a_code_from_the_app_turns_it_on_and_shows_backup_codes_once(self) -> None:
        _, key = self.setup_page()
        response = self.client.post("/accounts/two-factor/", {"code": totp(key)})
        self.assertEqual(response.status_code, 200)
        device = TOTPDevice.objects.get(user=self.learner)
        self.assertTrue(device.confirmed)
        stored = set(StaticToken.objects.filter(device__user=self.learner).values_list("token", flat=True))
        self.assertEqual(len(stored), 10)
        for code in stored:
            self.assertContains(response, code)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertTrue(AuditEvent.objects.filter(action="two_factor.enable").exists())
        # The session now counts as verified: the page shows the status, not the codes again.
        status = self.client.get("/accounts/two-factor/")
        self.assertContains(status, "Two-factor sign-in is on")
        for code in stored:
            self.assertNotContains(status, code)

    def test_a_wrong_code_leaves_it_off(self) -> None:
        _, key = self.setup_page()
        wrong = f"{(int(totp(key)) + 1) % 1_000_000:06d}"
        response = self.client.post("/accounts/two-factor/", {"code": wrong})
        self.assertContains(response, "That code is not right")
        self.assertFalse(TOTPDevice.objects.get(user=self.learner).confirmed)

    def test_a_malformed_code_is_explained(self) -> None:
        response = self.client.post("/accounts/two-factor/", {"code": "12ab"})
        self.assertContains(response, "Enter the 6 digits your authenticator app shows.")

    def test_it_returns_to_a_safe_next_after_setup(self) -> None:
        _, key = self.setup_page()
        response = self.client.post("/accounts/two-factor/?next=/accounts/profile/", {"code": totp(key)})
        self.assertContains(response, 'href="/accounts/profile/"')

    def test_it_ignores_an_offsite_next(self) -> None:
        _, key = self.setup_page()
        response = self.client.post("/accounts/two-factor/?next=https://evil.example", {"code": totp(key)})
        self.assertEqual(response.context["next"], "/")
        self.assertContains(response, 'href="/">')

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        self.client.logout()
        response = self.client.get("/accounts/two-factor/")
        self.assertTrue(response["Location"].startswith("/accounts/login/"))


class VerifyTests(AccountsTestCase):
    def setUp(self) -> None:
        # Signed in with the password only.
        self.client.force_login(self.owner)
        self.key = TOTPDevice.objects.get(user=self.owner).bin_key

    def test_an_owner_passes_the_second_factor_and_reaches_the_dashboard(self) -> None:
        redirect = self.client.get("/orgs/hanbit/")["Location"]
        response = self.client.post(redirect, {"code": totp(self.key)})
        self.assertEqual(response["Location"], "/orgs/hanbit/")
        self.assertEqual(self.client.get("/orgs/hanbit/").status_code, 200)

    def test_a_wrong_code_is_refused(self) -> None:
        wrong = f"{(int(totp(self.key)) + 1) % 1_000_000:06d}"
        response = self.client.post("/accounts/two-factor/?next=/orgs/hanbit/", {"code": wrong})
        self.assertContains(response, "That code is not right")
        self.assertEqual(self.client.get("/orgs/hanbit/").status_code, 302)

    def test_a_right_code_during_the_backoff_is_told_to_wait_not_called_wrong(self) -> None:
        wrong = f"{(int(totp(self.key)) + 1) % 1_000_000:06d}"
        with time_machine.travel("2026-05-01 09:00:00 +0000", tick=False):
            self.client.post("/accounts/two-factor/?next=/orgs/hanbit/", {"code": wrong})
            response = self.client.post("/accounts/two-factor/?next=/orgs/hanbit/", {"code": totp(self.key)})
            self.assertEqual(response.status_code, 429)
            self.assertContains(response, "Wait 1 second", status_code=429)
            self.assertNotContains(response, "That code is not right", status_code=429)
        with time_machine.travel("2026-05-01 09:00:02 +0000", tick=False):
            response = self.client.post("/accounts/two-factor/?next=/orgs/hanbit/", {"code": totp(self.key)})
            self.assertEqual(response["Location"], "/orgs/hanbit/")

    def test_a_code_cannot_be_used_twice(self) -> None:
        now = timezone.now()
        with time_machine.travel(now, tick=False):
            code = totp(self.key)
            self.client.post("/accounts/two-factor/", {"code": code})
            self.client.logout()
            self.client.force_login(self.owner)
            response = self.client.post("/accounts/two-factor/", {"code": code})
        self.assertContains(response, "That code is not right")

    def test_a_backup_code_works_once(self) -> None:
        device = self.owner.staticdevice_set.create(name="backup codes", confirmed=True)
        device.token_set.create(token="abcd2345")
        response = self.client.post("/accounts/two-factor/?next=/orgs/hanbit/", {"code": "ABCD 2345"})
        self.assertEqual(response["Location"], "/orgs/hanbit/")
        self.client.logout()
        self.client.force_login(self.owner)
        with time_machine.travel(timezone.now() + timedelta(minutes=1)):
            response = self.client.post("/accounts/two-factor/", {"code": "abcd2345"})
        self.assertContains(response, "That code is not right")

    def test_an_offsite_next_is_refused(self) -> None:
        response = self.client.post(
            "/accounts/two-factor/?next=https://evil.example", {"code": totp(self.key)}
        )
        self.assertEqual(response["Location"], "/")

    def test_attempts_are_limited(self) -> None:
        with time_machine.travel(timezone.now(), tick=False):
            for _ in range(10):
                self.client.post("/accounts/two-factor/", {"code": "000000"})
            response = self.client.post("/accounts/two-factor/", {"code": totp(self.key)})
        self.assertContains(response, "Too many attempts", status_code=429)


class DisableTests(AccountsTestCase):
    def test_an_owner_cannot_turn_it_off_and_is_told_why(self) -> None:
        self.login(self.owner)
        page = self.client.get("/accounts/two-factor/disable/")
        self.assertContains(page, "You own an organization")
        key = TOTPDevice.objects.get(user=self.owner).bin_key
        response = self.client.post("/accounts/two-factor/disable/", {"code": totp(key)})
        self.assertEqual(response.status_code, 403)
        self.assertTrue(TOTPDevice.objects.filter(user=self.owner, confirmed=True).exists())

    def test_a_learner_turns_it_off_with_a_current_code(self) -> None:
        device = TOTPDevice.objects.create(user=self.learner, name="phone", confirmed=True)
        self.login(self.learner)
        wrong = f"{(int(totp(device.bin_key)) + 1) % 1_000_000:06d}"
        self.client.post("/accounts/two-factor/disable/", {"code": wrong})
        self.assertTrue(TOTPDevice.objects.filter(user=self.learner).exists())
        with time_machine.travel(timezone.now() + timedelta(minutes=1)):
            response = self.client.post("/accounts/two-factor/disable/", {"code": totp(device.bin_key)})
        self.assertEqual(response["Location"], "/accounts/profile/")
        self.assertFalse(TOTPDevice.objects.filter(user=self.learner).exists())
        self.assertTrue(AuditEvent.objects.filter(action="two_factor.disable").exists())

    def test_new_backup_codes_replace_the_old_ones(self) -> None:
        self.login(self.owner)
        old = self.owner.staticdevice_set.create(name="backup codes", confirmed=True)
        old.token_set.create(token="oldcode2")
        response = self.client.post("/accounts/two-factor/backup-codes/")
        new = list(StaticToken.objects.filter(device__user=self.owner).values_list("token", flat=True))
        self.assertEqual(len(new), 10)
        self.assertNotIn("oldcode2", new)
        self.assertContains(response, new[0])
