from datetime import timedelta
from unittest import mock

import time_machine
from django.utils import timezone

from laurel.accounts.models import User
from tests.accounts.helpers import AccountsTestCase


class LoginTests(AccountsTestCase):
    def post(self, email: str, password: str, next_url: str = "") -> object:
        data = {"username": email, "password": password}
        if next_url:
            data["next"] = next_url
        return self.client.post("/accounts/login/", data)

    def test_it_signs_in_with_email_and_password(self) -> None:
        response = self.post("issuer@hanbit.example", "correct horse battery staple")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.session["_auth_user_id"], str(self.teammate.pk))

    def test_it_matches_the_email_whatever_its_case_and_spacing(self) -> None:
        response = self.post("  Issuer@HANBIT.example ", "correct horse battery staple")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.session["_auth_user_id"], str(self.teammate.pk))

    def test_it_refuses_a_wrong_password_with_a_message(self) -> None:
        response = self.post("issuer@hanbit.example", "wrong password")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The email address or the password is not right.")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_follows_a_relative_next(self) -> None:
        response = self.post("issuer@hanbit.example", "correct horse battery staple", "/orgs/hanbit/")
        self.assertEqual(response["Location"], "/orgs/hanbit/")

    def test_it_refuses_to_redirect_to_another_site(self) -> None:
        for evil in ("https://evil.example", "//evil.example/x", "/\\evil.example", "https:/evil.example"):
            self.client.logout()
            response = self.post("issuer@hanbit.example", "correct horse battery staple", evil)
            self.assertEqual(response["Location"], "/", evil)

    def test_a_user_with_a_second_factor_is_asked_for_it_next(self) -> None:
        response = self.post("owner@hanbit.example", "correct horse battery staple", "/orgs/hanbit/")
        self.assertEqual(response["Location"], "/accounts/two-factor/?next=%2Forgs%2Fhanbit%2F")

    def test_it_switches_the_interface_to_the_users_language(self) -> None:
        response = self.post("viewer@hanbit.example", "correct horse battery staple")
        self.assertEqual(response.cookies["django_language"].value, "en")

    def test_sign_out_needs_a_post(self) -> None:
        self.login(self.teammate)
        self.assertEqual(self.client.get("/accounts/logout/").status_code, 405)
        self.assertIn("_auth_user_id", self.client.session)
        self.client.post("/accounts/logout/")
        self.assertNotIn("_auth_user_id", self.client.session)


class LoginRateLimitTests(AccountsTestCase):
    def post(self, email: str, password: str, ip: str = "203.0.113.5") -> object:
        return self.client.post("/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)

    def test_too_many_attempts_for_one_address_get_429_without_checking_the_password(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            for _ in range(10):
                self.assertEqual(self.post("learner@student.example", "guess").status_code, 200)
            with mock.patch.object(User, "check_password") as check:
                response = self.post("learner@student.example", "correct horse battery staple")
            check.assert_not_called()
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many sign-in attempts", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_limit_follows_the_canonical_address(self) -> None:
        for i in range(10):
            self.post("LEARNER@student.example" if i % 2 else "learner@student.example ", "guess")
        self.assertEqual(self.post("Learner@Student.Example", "guess").status_code, 429)

    def test_the_limit_lifts_after_fifteen_minutes(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            for _ in range(11):
                self.post("learner@student.example", "guess")
        with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
            response = self.post("learner@student.example", "correct horse battery staple")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.session["_auth_user_id"], str(self.learner.pk))

    def test_other_addresses_are_not_locked_by_one_address(self) -> None:
        for _ in range(11):
            self.post("learner@student.example", "guess")
        response = self.post("issuer@hanbit.example", "correct horse battery staple")
        self.assertEqual(response.status_code, 302)

    def test_one_network_trying_many_addresses_is_limited(self) -> None:
        for i in range(40):
            self.post(f"nobody{i}@example.com", "guess", ip="198.51.100.7")
        response = self.post("issuer@hanbit.example", "correct horse battery staple", ip="198.51.100.7")
        self.assertEqual(response.status_code, 429)
        response = self.post("issuer@hanbit.example", "correct horse battery staple", ip="198.51.100.8")
        self.assertEqual(response.status_code, 302)
