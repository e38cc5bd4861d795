from laurel.audit.models import AuditEvent
from laurel.orgs.models import Membership, Role
from laurel.test import BaseTestCase

URL = "/orgs/hanbit/members/"


class MemberListTests(BaseTestCase):
    def test_every_member_sees_all_members_and_roles(self) -> None:
        for user in (self.owner, self.teammate, self.mentor, self.viewer):
            self.login(user)
            response = self.client.get(URL)
            self.assertEqual(response.status_code, 200)
            emails = [m.user.email for m in response.context["members"]]
            self.assertEqual(
                emails,
                sorted(
                    [
                        "owner@hanbit.example",
                        "issuer@hanbit.example",
                        "mentor@hanbit.example",
                        "viewer@hanbit.example",
                    ]
                ),
            )
            self.assertNotContains(response, "outsider@other.example")

    def test_only_owners_see_role_controls_and_invitations(self) -> None:
        self.login(self.owner)
        self.assertContains(self.client.get(URL), 'name="role"')
        self.login(self.teammate)
        response = self.client.get(URL)
        self.assertNotContains(response, 'name="role"')
        self.assertNotContains(response, "/members/invite/")
        self.assertContains(response, "Issuer")

    def test_outsider_and_learner_get_404(self) -> None:
        for user in (self.outsider, self.learner):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 404)


class RoleChangeTests(BaseTestCase):
    def role_url(self, user) -> str:  # type: ignore[no-untyped-def]
        membership = Membership.objects.get(org=self.org, user=user)
        return f"{URL}{membership.public_id}/role/"

    def role_of(self, user) -> str:  # type: ignore[no-untyped-def]
        return Membership.objects.get(org=self.org, user=user).role

    def test_owner_changes_a_role_and_it_is_audited(self) -> None:
        self.login(self.owner)
        response = self.client.post(self.role_url(self.viewer), {"role": "issuer"})
        self.assertRedirects(response, URL)
        self.assertEqual(self.role_of(self.viewer), Role.ISSUER)
        event = AuditEvent.objects.get(action="member.role")
        self.assertEqual((event.before, event.after), ({"role": "viewer"}, {"role": "issuer"}))

    def test_issuer_cannot_change_roles(self) -> None:
        self.login(self.teammate)
        response = self.client.post(self.role_url(self.teammate), {"role": "owner"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.role_of(self.teammate), Role.ISSUER)

    def test_viewer_cannot_change_roles(self) -> None:
        self.login(self.viewer)
        self.assertEqual(self.client.post(self.role_url(self.viewer), {"role": "owner"}).status_code, 403)
        self.assertEqual(self.role_of(self.viewer), Role.VIEWER)

    def test_outsider_gets_404_even_with_a_real_member_id(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.post(self.role_url(self.viewer), {"role": "owner"}).status_code, 404)
        self.assertEqual(self.role_of(self.viewer), Role.VIEWER)

    def test_a_member_of_another_org_cannot_be_reached_through_this_org(self) -> None:
        self.login(self.owner)
        theirs = Membership.objects.get(user=self.outsider)
        response = self.client.post(f"{URL}{theirs.public_id}/role/", {"role": "viewer"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Membership.objects.get(user=self.outsider).role, Role.OWNER)

    def test_an_unknown_role_is_refused(self) -> None:
        self.login(self.owner)
        response = self.client.post(self.role_url(self.viewer), {"role": "admin"}, follow=True)
        self.assertContains(response, "Choose a valid role.")
        self.assertEqual(self.role_of(self.viewer), Role.VIEWER)

    def test_the_last_owner_cannot_be_demoted(self) -> None:
        self.login(self.owner)
        response = self.client.post(self.role_url(self.owner), {"role": "viewer"}, follow=True)
        self.assertContains(response, "owner@hanbit.example is the last owner.")
        self.assertEqual(self.role_of(self.owner), Role.OWNER)
        self.assertFalse(AuditEvent.objects.filter(action="member.role").exists())

    def test_an_owner_can_step_down_once_there_is_another_owner(self) -> None:
        self.login(self.owner)
        self.client.post(self.role_url(self.teammate), {"role": "owner"})
        self.client.post(self.role_url(self.owner), {"role": "issuer"})
        self.assertEqual(self.role_of(self.owner), Role.ISSUER)
        self.assertEqual(self.role_of(self.teammate), Role.OWNER)


class RemoveMemberTests(BaseTestCase):
    def remove_url(self, user) -> str:  # type: ignore[no-untyped-def]
        return f"{URL}{Membership.objects.get(org=self.org, user=user).public_id}/remove/"

    def test_owner_removes_a_member(self) -> None:
        self.login(self.owner)
        response = self.client.post(self.remove_url(self.mentor), follow=True)
        self.assertContains(response, "mentor@hanbit.example was removed")
        self.assertFalse(Membership.objects.filter(org=self.org, user=self.mentor).exists())
        event = AuditEvent.objects.get(action="member.remove")
        self.assertEqual(event.before, {"email": "mentor@hanbit.example", "role": "mentor"})

    def test_removed_member_loses_access(self) -> None:
        self.login(self.owner)
        self.client.post(self.remove_url(self.viewer))
        self.login(self.viewer)
        self.assertEqual(self.client.get("/orgs/hanbit/").status_code, 404)

    def test_the_last_owner_cannot_be_removed(self) -> None:
        self.login(self.owner)
        response = self.client.post(self.remove_url(self.owner), follow=True)
        self.assertContains(response, "is the last owner and cannot be removed")
        self.assertTrue(Membership.objects.filter(org=self.org, user=self.owner, role=Role.OWNER).exists())

    def test_an_owner_may_leave_when_another_owner_remains(self) -> None:
        Membership.objects.filter(org=self.org, user=self.teammate).update(role=Role.OWNER)
        self.login(self.owner)
        response = self.client.post(self.remove_url(self.owner))
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertFalse(Membership.objects.filter(org=self.org, user=self.owner).exists())

    def test_issuer_and_viewer_cannot_remove_members(self) -> None:
        for user in (self.teammate, self.viewer):
            self.login(user)
            self.assertEqual(self.client.post(self.remove_url(self.mentor)).status_code, 403)
        self.assertTrue(Membership.objects.filter(org=self.org, user=self.mentor).exists())

    def test_learner_and_outsider_get_404(self) -> None:
        for user in (self.learner, self.outsider):
            self.login(user)
            self.assertEqual(self.client.post(self.remove_url(self.mentor)).status_code, 404)
        self.assertTrue(Membership.objects.filter(org=self.org, user=self.mentor).exists())

    def test_removal_needs_a_post(self) -> None:
        self.login(self.owner)
        self.assertEqual(self.client.get(self.remove_url(self.mentor)).status_code, 405)
        self.assertTrue(Membership.objects.filter(org=self.org, user=self.mentor).exists())
