from datetime import timedelta
from urllib.parse import urlencode

import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone

from laurel.accounts.models import User
from laurel.core.actor import Actor
from laurel.orgs.invitations import invite
from laurel.orgs.models import Invitation, Membership, Role
from laurel.test import BaseTestCase, make_user


class AcceptTests(BaseTestCase):
    def make_invitation(self, email: str, role: str = Role.MENTOR) -> tuple[Invitation, str]:
        invitation, token = invite(Actor(user=self.owner), self.org, email=email, role=role)
        return invitation, f"/orgs/invitations/{token}/"

    def test_signed_in_invitee_accepts_and_becomes_a_member(self) -> None:
        _, url = self.make_invitation("learner@student.example")
        self.login(self.learner)
        page = self.client.get(url)
        self.assertContains(page, "Accept the invitation")
        self.assertFalse(Membership.objects.filter(org=self.org, user=self.learner).exists())
        response = self.client.post(url)
        self.assertRedirects(response, "/orgs/hanbit/", fetch_redirect_response=False)
        self.assertEqual(Membership.objects.get(org=self.org, user=self.learner).role, Role.MENTOR)
        self.assertIsNotNone(Invitation.objects.get().accepted_at)

    def test_the_invited_email_matches_in_canonical_form(self) -> None:
        _, url = self.make_invitation("  LEARNER@Student.Example ")
        self.login(self.learner)
        self.client.post(url)
        self.assertTrue(Membership.objects.filter(org=self.org, user=self.learner).exists())

    def test_a_used_invitation_cannot_be_used_again(self) -> None:
        _, url = self.make_invitation("learner@student.example")
        self.login(self.learner)
        self.client.post(url)
        Membership.objects.filter(org=self.org, user=self.learner).delete()
        response = self.client.post(url)
        self.assertContains(response, "already been used", status_code=410)
        self.assertFalse(Membership.objects.filter(org=self.org, user=self.learner).exists())

    def test_a_different_signed_in_account_is_refused(self) -> None:
        _, url = self.make_invitation("someone@student.example")
        self.login(self.learner)
        response = self.client.post(url)
        self.assertContains(response, "sent to someone@student.example", status_code=403)
        self.assertContains(response, "signed in as learner@student.example", status_code=403)
        self.assertFalse(Membership.objects.filter(org=self.org, user=self.learner).exists())
        self.assertIsNone(Invitation.objects.get().accepted_at)

    def test_an_expired_invitation_is_refused(self) -> None:
        _, url = self.make_invitation("learner@student.example")
        self.login(self.learner)
        with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
            response = self.client.post(url)
        self.assertContains(response, "This invitation has expired.", status_code=410)
        self.assertFalse(Membership.objects.filter(org=self.org, user=self.learner).exists())

    def test_an_invitation_still_works_just_before_it_expires(self) -> None:
        _, url = self.make_invitation("learner@student.example")
        self.login(self.learner)
        with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
            self.client.post(url)
        self.assertTrue(Membership.objects.filter(org=self.org, user=self.learner).exists())

    def test_a_revoked_invitation_is_refused(self) -> None:
        invitation, url = self.make_invitation("learner@student.example")
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
        self.login(self.learner)
        response = self.client.post(url)
        self.assertContains(response, "This invitation has been revoked.", status_code=410)
        self.assertFalse(Membership.objects.filter(org=self.org, user=self.learner).exists())

    def test_an_unknown_token_is_404(self) -> None:
        self.make_invitation("learner@student.example")
        response = self.client.get("/orgs/invitations/not-a-real-token/")
        self.assertContains(response, "This invitation link is not valid.", status_code=404)

    def test_the_page_is_not_cached(self) -> None:
        _, url = self.make_invitation("learner@student.example")
        self.assertIn("no-store", self.client.get(url)["Cache-Control"])

    def test_a_visitor_with_no_account_gets_one_and_chooses_a_password(self) -> None:
        _, url = self.make_invitation("brand.new@hanbit.example", Role.ISSUER)
        page = self.client.get(url)
        self.assertContains(page, "choose a password")
        self.assertFalse(User.objects.filter(email="brand.new@hanbit.example").exists())
        response = self.client.post(url)
        user = User.objects.get(email="brand.new@hanbit.example")
        self.assertFalse(user.has_usable_password())
        self.assertIsNotNone(user.email_verified_at)
        self.assertEqual(Membership.objects.get(org=self.org, user=user).role, Role.ISSUER)
        self.assertEqual(user.language, "ko")
        # The redirect is a valid password-setting link for exactly this user.
        location = response["Location"]
        self.assertIn("/accounts/reset/", location)
        token = location.rstrip("/").rsplit("/", 1)[1]
        self.assertTrue(default_token_generator.check_token(user, token))

    def test_a_visitor_whose_account_exists_is_asked_to_sign_in_first(self) -> None:
        _, url = self.make_invitation("learner@student.example")
        response = self.client.get(url)
        self.assertContains(response, "/accounts/login/?" + urlencode({"next": url}))
        self.client.post(url)
        self.assertFalse(Membership.objects.filter(org=self.org, user=self.learner).exists())
        self.assertIsNone(Invitation.objects.get().accepted_at)

    def test_an_account_that_never_had_a_password_is_treated_like_a_new_one(self) -> None:
        passwordless = User.objects.create_user("quiet@student.example", None)
        _, url = self.make_invitation("quiet@student.example")
        response = self.client.post(url)
        self.assertIn("/accounts/reset/", response["Location"])
        self.assertTrue(Membership.objects.filter(org=self.org, user=passwordless).exists())
        self.assertEqual(User.objects.filter(email="quiet@student.example").count(), 1)

    def test_someone_who_joined_meanwhile_is_told_so_and_nothing_changes(self) -> None:
        person = make_user("late@hanbit.example")
        _, url = self.make_invitation("late@hanbit.example", Role.OWNER)
        Membership.objects.create(org=self.org, user=person, role=Role.VIEWER)
        self.login(person)
        response = self.client.post(url)
        self.assertContains(response, "already a member", status_code=409)
        self.assertEqual(Membership.objects.get(org=self.org, user=person).role, Role.VIEWER)
        self.assertIsNone(Invitation.objects.get().accepted_at)
