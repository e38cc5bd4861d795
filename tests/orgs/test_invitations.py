import hashlib
import re
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.utils import timezone

from laurel.audit.models import AuditEvent
from laurel.orgs.models import Invitation, Organization
from laurel.outbox.delivery import deliver_due
from laurel.test import BaseTestCase

INVITE = "/orgs/hanbit/members/invite/"
LINK = re.compile(re.escape(settings.SITE_URL) + r"/orgs/invitations/([A-Za-z0-9_-]+)/")


def sent_links() -> list[str]:
    deliver_due()
    return [token for message in mail.outbox for token in LINK.findall(message.body)]


class InviteTests(BaseTestCase):
    def test_owner_invites_and_the_email_carries_a_link_whose_hash_is_stored(self) -> None:
        self.login(self.owner)
        response = self.client.post(INVITE, {"email": " New.Person@Hanbit.example ", "role": "mentor"})
        self.assertRedirects(response, "/orgs/hanbit/members/")
        invitation = Invitation.objects.get()
        self.assertEqual((invitation.email, invitation.role), ("new.person@hanbit.example", "mentor"))
        self.assertEqual(invitation.invited_by, self.owner)
        self.assertAlmostEqual(
            invitation.expires_at, timezone.now() + timedelta(days=7), delta=timedelta(minutes=1)
        )
        [token] = sent_links()
        self.assertEqual(mail.outbox[0].to, ["new.person@hanbit.example"])
        self.assertEqual(invitation.token_hash, hashlib.sha256(token.encode()).hexdigest())
        self.assertTrue(
            AuditEvent.objects.filter(
                action="invitation.create", summary="new.person@hanbit.example"
            ).exists()
        )

    def test_the_email_is_written_in_the_orgs_default_language(self) -> None:
        Organization.objects.filter(pk=self.org.pk).update(default_language="en")
        self.login(self.owner)
        self.client.post(INVITE, {"email": "new@hanbit.example", "role": "viewer"})
        deliver_due()
        self.assertIn("Hanbit University", mail.outbox[0].subject)
        self.assertIn("You are invited to join Hanbit University", mail.outbox[0].body)

    def test_the_pending_invitation_is_listed_for_owners(self) -> None:
        self.login(self.owner)
        self.client.post(INVITE, {"email": "new@hanbit.example", "role": "viewer"})
        response = self.client.get("/orgs/hanbit/members/")
        self.assertEqual([i.email for i in response.context["invitations"]], ["new@hanbit.example"])

    def test_inviting_an_existing_member_is_refused(self) -> None:
        self.login(self.owner)
        response = self.client.post(INVITE, {"email": "VIEWER@hanbit.example", "role": "issuer"})
        self.assertContains(response, "viewer@hanbit.example is already a member", status_code=400)
        self.assertFalse(Invitation.objects.exists())

    def test_inviting_someone_twice_is_refused_while_the_first_is_pending(self) -> None:
        self.login(self.owner)
        self.client.post(INVITE, {"email": "new@hanbit.example", "role": "viewer"})
        response = self.client.post(INVITE, {"email": "new@hanbit.example", "role": "issuer"})
        self.assertContains(response, "already has a pending invitation", status_code=400)
        self.assertEqual(Invitation.objects.count(), 1)

    def test_a_bad_email_or_role_is_refused(self) -> None:
        self.login(self.owner)
        response = self.client.post(INVITE, {"email": "not an email", "role": "emperor"})
        self.assertEqual(response.status_code, 400)
        form = response.context["invite_form"]
        self.assertTrue(form.has_error("email"))
        self.assertTrue(form.has_error("role"))
        self.assertFalse(Invitation.objects.exists())

    def test_issuer_and_viewer_cannot_invite(self) -> None:
        for user in (self.teammate, self.viewer):
            self.login(user)
            self.assertEqual(
                self.client.post(INVITE, {"email": "x@hanbit.example", "role": "owner"}).status_code, 403
            )
        self.assertFalse(Invitation.objects.exists())

    def test_outsider_and_learner_get_404(self) -> None:
        for user in (self.outsider, self.learner):
            self.login(user)
            self.assertEqual(
                self.client.post(INVITE, {"email": "x@hanbit.example", "role": "owner"}).status_code, 404
            )
        self.assertFalse(Invitation.objects.exists())


class ResendAndRevokeTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.owner)
        self.client.post(INVITE, {"email": "new@hanbit.example", "role": "viewer"})
        self.invitation = Invitation.objects.get()
        [self.first_token] = sent_links()
        mail.outbox.clear()

    def test_resend_sends_a_new_link_and_the_old_one_stops_working(self) -> None:
        url = f"/orgs/hanbit/invitations/{self.invitation.public_id}/resend/"
        self.assertRedirects(self.client.post(url), "/orgs/hanbit/members/")
        [new_token] = sent_links()
        self.assertNotEqual(new_token, self.first_token)
        self.invitation.refresh_from_db()
        self.assertEqual(self.invitation.token_hash, hashlib.sha256(new_token.encode()).hexdigest())
        self.client.logout()
        self.assertEqual(self.client.get(f"/orgs/invitations/{self.first_token}/").status_code, 404)
        self.assertEqual(self.client.get(f"/orgs/invitations/{new_token}/").status_code, 200)

    def test_revoke_ends_the_invitation(self) -> None:
        url = f"/orgs/hanbit/invitations/{self.invitation.public_id}/revoke/"
        self.client.post(url)
        self.invitation.refresh_from_db()
        self.assertIsNotNone(self.invitation.revoked_at)
        self.assertEqual(list(self.client.get("/orgs/hanbit/members/").context["invitations"]), [])
        self.assertTrue(AuditEvent.objects.filter(action="invitation.revoke").exists())

    def test_a_revoked_invitation_cannot_be_resent(self) -> None:
        self.client.post(f"/orgs/hanbit/invitations/{self.invitation.public_id}/revoke/")
        response = self.client.post(
            f"/orgs/hanbit/invitations/{self.invitation.public_id}/resend/", follow=True
        )
        self.assertContains(response, "This invitation has been revoked.")
        self.assertEqual(sent_links(), [])

    def test_teammate_cannot_resend_or_revoke(self) -> None:
        self.login(self.teammate)
        for action in ("resend", "revoke"):
            url = f"/orgs/hanbit/invitations/{self.invitation.public_id}/{action}/"
            self.assertEqual(self.client.post(url).status_code, 403)
        self.invitation.refresh_from_db()
        self.assertIsNone(self.invitation.revoked_at)

    def test_outsider_and_learner_get_404(self) -> None:
        for user in (self.outsider, self.learner):
            self.login(user)
            url = f"/orgs/hanbit/invitations/{self.invitation.public_id}/revoke/"
            self.assertEqual(self.client.post(url).status_code, 404)
        self.invitation.refresh_from_db()
        self.assertIsNone(self.invitation.revoked_at)

    def test_an_invitation_of_another_org_cannot_be_revoked_from_here(self) -> None:
        self.login(self.outsider)
        url = f"/orgs/other/invitations/{self.invitation.public_id}/revoke/"
        self.assertEqual(self.client.post(url).status_code, 404)
        self.invitation.refresh_from_db()
        self.assertIsNone(self.invitation.revoked_at)
