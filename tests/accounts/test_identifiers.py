from django.utils import timezone

from laurel.accounts.actions import link_recipients
from laurel.accounts.models import Identifier
from laurel.audit.models import AuditEvent
from laurel.orgs.models import Recipient
from laurel.test import make_user
from tests.accounts.helpers import AccountsTestCase, delivered, link_in


class LinkRecipientsTests(AccountsTestCase):
    def test_a_verified_email_links_unclaimed_recipients_in_every_org(self) -> None:
        here = Recipient.objects.create(org=self.org, email="learner@student.example")
        there = Recipient.objects.create(org=self.other_org, email="learner@student.example")
        claimed = Recipient.objects.create(org=self.org, email="other@student.example", user=self.viewer)
        unrelated = Recipient.objects.create(org=self.org, email="someone@student.example")
        identifier = Identifier.objects.create(
            user=self.learner, kind="email", value="learner@student.example", verified_at=timezone.now()
        )
        linked = link_recipients(self.learner, identifier)
        self.assertEqual({r.pk for r in linked}, {here.pk, there.pk})
        self.assertEqual(Recipient.objects.get(pk=claimed.pk).user, self.viewer)
        self.assertIsNone(Recipient.objects.get(pk=unrelated.pk).user)
        self.assertEqual(AuditEvent.objects.filter(action="recipient.link").count(), 2)
        self.assertEqual(
            set(AuditEvent.objects.filter(action="recipient.link").values_list("org__slug", flat=True)),
            {"hanbit", "other"},
        )

    def test_a_student_id_links_only_in_its_own_org(self) -> None:
        here = Recipient.objects.create(org=self.org, email="a@student.example", student_id="2024001")
        there = Recipient.objects.create(org=self.other_org, email="b@student.example", student_id="2024001")
        identifier = Identifier.objects.create(
            user=self.learner, kind="student_id", value="2024001", org=self.org, verified_at=timezone.now()
        )
        link_recipients(self.learner, identifier)
        self.assertEqual(Recipient.objects.get(pk=here.pk).user, self.learner)
        self.assertIsNone(Recipient.objects.get(pk=there.pk).user)

    def test_an_unverified_identifier_links_nothing(self) -> None:
        Recipient.objects.create(org=self.org, email="learner@student.example")
        identifier = Identifier.objects.create(
            user=self.learner, kind="email", value="learner@student.example"
        )
        with self.assertRaises(ValueError):
            link_recipients(self.learner, identifier)
        self.assertFalse(Recipient.objects.filter(user=self.learner).exists())


class AddEmailTests(AccountsTestCase):
    def setUp(self) -> None:
        self.login(self.learner)

    def test_the_page_lists_the_learners_identifiers_only(self) -> None:
        Identifier.objects.create(user=self.learner, kind="email", value="old@school.example")
        Identifier.objects.create(user=self.viewer, kind="email", value="secret@viewer.example")
        response = self.client.get("/accounts/identifiers/")
        self.assertContains(response, "learner@student.example")
        self.assertContains(response, "old@school.example")
        self.assertNotContains(response, "secret@viewer.example")

    def test_a_second_address_is_confirmed_by_a_link_sent_to_it(self) -> None:
        recipient = Recipient.objects.create(org=self.org, email="old@school.example", name="정학생")
        response = self.client.post("/accounts/identifiers/email/", {"email": " Old@School.example"})
        self.assertEqual(response.status_code, 302)
        identifier = Identifier.objects.get(user=self.learner, value="old@school.example")
        self.assertIsNone(identifier.verified_at)
        message = delivered()[0]
        self.assertEqual(message.to, ["old@school.example"])
        self.client.get(link_in(message.body))
        identifier.refresh_from_db()
        self.assertIsNotNone(identifier.verified_at)
        recipient.refresh_from_db()
        self.assertEqual(recipient.user, self.learner)

    def test_someone_elses_proven_address_is_refused(self) -> None:
        Identifier.objects.create(
            user=self.viewer, kind="email", value="shared@school.example", verified_at=timezone.now()
        )
        response = self.client.post("/accounts/identifiers/email/", {"email": "shared@school.example"})
        self.assertContains(response, "Another account already uses this address", status_code=409)
        self.assertEqual(delivered(), [])

    def test_another_accounts_sign_in_address_is_refused(self) -> None:
        response = self.client.post("/accounts/identifiers/email/", {"email": "viewer@hanbit.example"})
        self.assertEqual(response.status_code, 409)
        self.assertFalse(Identifier.objects.filter(value="viewer@hanbit.example").exists())

    def test_a_malformed_address_is_explained(self) -> None:
        response = self.client.post("/accounts/identifiers/email/", {"email": "not an email"})
        self.assertContains(response, "Enter a valid email address.", status_code=400)
        self.assertFalse(Identifier.objects.filter(user=self.learner).exists())

    def test_a_pending_claim_can_be_removed(self) -> None:
        self.client.post("/accounts/identifiers/email/", {"email": "old@school.example"})
        identifier = Identifier.objects.get(user=self.learner, value="old@school.example")
        self.client.post(f"/accounts/identifiers/{identifier.pk}/remove/")
        self.assertFalse(Identifier.objects.filter(pk=identifier.pk).exists())

    def test_a_stranger_cannot_remove_someone_elses_claim(self) -> None:
        identifier = Identifier.objects.create(user=self.viewer, kind="email", value="v2@hanbit.example")
        response = self.client.post(f"/accounts/identifiers/{identifier.pk}/remove/")
        self.assertEqual(response.status_code, 404)
        self.assertTrue(Identifier.objects.filter(pk=identifier.pk).exists())


class StudentIdTests(AccountsTestCase):
    def setUp(self) -> None:
        self.login(self.learner)

    def add(self, student_id: str, org: str = "hanbit") -> object:
        return self.client.post("/accounts/identifiers/student-id/", {"org": org, "student_id": student_id})

    def test_it_is_verified_at_once_when_the_record_has_a_proven_address(self) -> None:
        self.learner.email_verified_at = timezone.now()
        self.learner.save()
        recipient = Recipient.objects.create(
            org=self.org, email="learner@student.example", student_id="2024001"
        )
        self.add(" 2024001 ")
        identifier = Identifier.objects.get(user=self.learner, kind="student_id")
        self.assertEqual((identifier.value, identifier.org), ("2024001", self.org))
        self.assertIsNotNone(identifier.verified_at)
        recipient.refresh_from_db()
        self.assertEqual(recipient.user, self.learner)
        self.assertEqual(delivered(), [])

    def test_otherwise_a_link_goes_to_the_address_on_the_record(self) -> None:
        recipient = Recipient.objects.create(
            org=self.org, email="school-mail@hanbit.example", student_id="2024001", language="en"
        )
        response = self.add("2024001")
        self.assertEqual(response.status_code, 302)
        identifier = Identifier.objects.get(user=self.learner, kind="student_id")
        self.assertIsNone(identifier.verified_at)
        message = delivered()[0]
        self.assertEqual(message.to, ["school-mail@hanbit.example"])
        self.assertIn("2024001", message.body)
        self.client.get(link_in(message.body))
        identifier.refresh_from_db()
        self.assertIsNotNone(identifier.verified_at)
        recipient.refresh_from_db()
        self.assertEqual(recipient.user, self.learner)

    def test_the_link_does_nothing_for_another_account(self) -> None:
        recipient = Recipient.objects.create(
            org=self.org, email="school-mail@hanbit.example", student_id="2024001"
        )
        self.add("2024001")
        path = link_in(delivered()[0].body)
        self.login(self.viewer)
        response = self.client.get(path)
        self.assertEqual(response.status_code, 403)
        recipient.refresh_from_db()
        self.assertIsNone(recipient.user)

    def test_an_unknown_student_id_gets_the_same_answer(self) -> None:
        Recipient.objects.create(org=self.org, email="school-mail@hanbit.example", student_id="2024001")
        known = self.client.post(
            "/accounts/identifiers/student-id/", {"org": "hanbit", "student_id": "2024001"}, follow=True
        )
        unknown = self.client.post(
            "/accounts/identifiers/student-id/", {"org": "hanbit", "student_id": "2099999"}, follow=True
        )
        self.assertContains(known, "If Hanbit University has a record with this student id")
        self.assertContains(unknown, "If Hanbit University has a record with this student id")
        self.assertEqual(len(delivered()), 1)

    def test_the_same_student_id_in_another_org_is_not_linked(self) -> None:
        self.learner.email_verified_at = timezone.now()
        self.learner.save()
        other = Recipient.objects.create(
            org=self.other_org, email="learner@student.example", student_id="2024001"
        )
        self.add("2024001", org="hanbit")
        other.refresh_from_db()
        self.assertIsNone(other.user)

    def test_a_student_id_someone_else_proved_is_refused(self) -> None:
        Identifier.objects.create(
            user=self.viewer, kind="student_id", value="2024001", org=self.org, verified_at=timezone.now()
        )
        response = self.add("2024001")
        self.assertContains(
            response, "Another account has already confirmed this student id", status_code=409
        )

    def test_an_empty_student_id_is_explained(self) -> None:
        response = self.add("   ")
        self.assertEqual(response.status_code, 400)
        self.assertIn("student_id", response.context["student_form"].errors)

    def test_a_changed_record_voids_the_link(self) -> None:
        recipient = Recipient.objects.create(
            org=self.org, email="school-mail@hanbit.example", student_id="2024001"
        )
        self.add("2024001")
        path = link_in(delivered()[0].body)
        recipient.email = "new-mail@hanbit.example"
        recipient.save()
        response = self.client.get(path)
        self.assertEqual(response.status_code, 400)
        self.assertIsNone(Identifier.objects.get(user=self.learner, kind="student_id").verified_at)

    def test_a_second_learner_cannot_take_a_linked_record(self) -> None:
        rival = make_user("rival@student.example")
        Recipient.objects.create(
            org=self.org, email="learner@student.example", student_id="2024001", user=self.learner
        )
        self.login(rival)
        self.add("2024001")
        self.assertEqual(delivered(), [])
        self.assertIsNone(Identifier.objects.get(user=rival).verified_at)


class StudentIdFormTests(AccountsTestCase):
    def test_organizations_are_offered_by_name(self) -> None:
        self.login(self.learner)
        response = self.client.get("/accounts/identifiers/")
        self.assertContains(response, '<option value="hanbit">Hanbit University</option>', html=True)
