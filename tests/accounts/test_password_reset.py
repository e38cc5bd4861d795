import re

from django.core import mail

from laurel.accounts.links import password_set_url
from laurel.accounts.models import Identifier, User
from laurel.audit.models import AuditEvent
from laurel.orgs.models import Membership, Recipient, Role
from tests.accounts.helpers import AccountsTestCase, delivered, link_in

NEW_PASSWORD = "a brand new passphrase 2024"


def page_without(response: object, email: str) -> str:
    """The page with the address it echoes and the per-request CSRF token taken out."""
    html = response.content.decode().replace(email, "")  # type: ignore[attr-defined]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


class PasswordResetTests(AccountsTestCase):
    def request_reset(self, email: str, ip: str = "203.0.113.9") -> object:
        return self.client.post("/accounts/password-reset/", {"email": email}, REMOTE_ADDR=ip)

    def choose_password(self, path: str, password: str = NEW_PASSWORD) -> object:
        response = self.client.get(path)
        # The token moves into the session and out of the address bar first.
        self.assertEqual(response.status_code, 302)
        set_password_path = response["Location"]
        self.assertNotIn(path.rstrip("/").split("/")[-1], set_password_path)
        data = {"new_password1": password, "new_password2": password}
        return self.client.post(set_password_path, data)

    def test_the_emailed_link_sets_a_new_password_and_signs_in(self) -> None:
        self.request_reset("Viewer@Hanbit.example")
        messages = delivered()
        self.assertEqual([m.to for m in messages], [["viewer@hanbit.example"]])
        # The viewer reads English.
        self.assertEqual(messages[0].subject, "Choose your password")
        response = self.choose_password(link_in(messages[0].body))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.session["_auth_user_id"], str(self.viewer.pk))
        self.viewer.refresh_from_db()
        self.assertTrue(self.viewer.check_password(NEW_PASSWORD))

    def test_the_link_works_only_once(self) -> None:
        self.request_reset("viewer@hanbit.example")
        path = link_in(delivered()[0].body)
        self.choose_password(path)
        self.client.logout()
        response = self.client.get(path, follow=True)
        self.assertContains(response, "This link no longer works.")
        self.assertNotContains(response, "new_password1")

    def test_an_unknown_address_gets_the_same_answer_and_no_email(self) -> None:
        known = self.request_reset("viewer@hanbit.example")
        unknown = self.request_reset("nobody@hanbit.example")
        self.assertEqual(known.status_code, unknown.status_code)
        self.assertContains(unknown, "nobody@hanbit.example")
        self.assertContains(known, "viewer@hanbit.example")
        self.assertEqual(
            page_without(known, "viewer@hanbit.example"), page_without(unknown, "nobody@hanbit.example")
        )
        self.assertEqual([m.to for m in delivered()], [["viewer@hanbit.example"]])

    def test_a_mismatched_confirmation_changes_nothing(self) -> None:
        self.request_reset("viewer@hanbit.example")
        path = link_in(delivered()[0].body)
        set_password_path = self.client.get(path)["Location"]
        data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
        response = self.client.post(set_password_path, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "new_password2_error")
        self.viewer.refresh_from_db()
        self.assertFalse(self.viewer.check_password(NEW_PASSWORD))

    def test_one_network_is_limited_with_429(self) -> None:
        for i in range(10):
            self.assertEqual(self.request_reset(f"someone{i}@example.com").status_code, 200)
        response = self.request_reset("viewer@hanbit.example")
        self.assertContains(response, "Too many requests", status_code=429)
        self.assertEqual(delivered(), [])

    def test_one_address_gets_at_most_three_emails_an_hour(self) -> None:
        for i in range(5):
            response = self.request_reset("viewer@hanbit.example", ip=f"203.0.113.{i}")
            self.assertEqual(response.status_code, 200)
        self.assertEqual(len(delivered()), 3)

    def test_the_request_is_audited(self) -> None:
        self.request_reset("viewer@hanbit.example")
        self.assertTrue(AuditEvent.objects.filter(action="account.password_reset_request").exists())


class FirstSignInLinkTests(AccountsTestCase):
    """`laurel createorg` and invitations print or send password_set_url for a new account."""

    def test_a_new_owner_sets_a_password_and_proves_the_address(self) -> None:
        founder = User.objects.create_user("founder@hanbit.example")  # no usable password
        Membership.objects.create(org=self.org, user=founder, role=Role.OWNER)
        Recipient.objects.create(org=self.other_org, email="founder@hanbit.example", name="창립자")
        path = password_set_url(founder).removeprefix("http://127.0.0.1:8000")
        set_password_path = self.client.get(path)["Location"]
        response = self.client.post(
            set_password_path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        # An owner has no second factor yet; the organization pages will ask for one.
        self.assertEqual(response["Location"], "/")
        founder.refresh_from_db()
        self.assertIsNotNone(founder.email_verified_at)
        self.assertTrue(
            Identifier.objects.filter(
                user=founder, value="founder@hanbit.example", verified_at__isnull=False
            ).exists()
        )
        self.assertEqual(Recipient.objects.get(email="founder@hanbit.example").user, founder)
        self.assertEqual(
            self.client.get("/orgs/hanbit/")["Location"], "/accounts/two-factor/?next=/orgs/hanbit/"
        )

    def test_the_link_stops_working_after_use(self) -> None:
        member = User.objects.create_user("invited@hanbit.example", language="en")
        path = password_set_url(member).removeprefix("http://127.0.0.1:8000")
        set_password_path = self.client.get(path)["Location"]
        self.client.post(set_password_path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.client.logout()
        response = self.client.get(path, follow=True)
        self.assertContains(response, "This link no longer works.")

    def test_a_user_with_a_second_factor_passes_it_after_choosing_a_password(self) -> None:
        path = password_set_url(self.owner).removeprefix("http://127.0.0.1:8000")
        set_password_path = self.client.get(path)["Location"]
        response = self.client.post(
            set_password_path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        self.assertEqual(response["Location"], "/accounts/two-factor/?next=%2F")
        self.assertEqual(len(mail.outbox), 0)
