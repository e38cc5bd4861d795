from django.core.exceptions import ValidationError
from django.utils import timezone

from laurel.accounts.models import Identifier
from laurel.awards.actions import get_or_create_recipient
from laurel.orgs.models import Recipient
from tests.awards.helpers import AwardsTestCase


class RecipientActionTests(AwardsTestCase):
    def test_it_creates_a_recipient_with_the_canonical_email(self) -> None:
        recipient = get_or_create_recipient(self.actor, self.org, email="  Hong@Example.COM", name="홍길동")
        self.assertEqual(recipient.email, "hong@example.com")
        self.assertEqual(recipient.name, "홍길동")
        self.assertEqual(recipient.language, "ko")  # the organization's default

    def test_it_matches_an_existing_recipient_by_email(self) -> None:
        first = get_or_create_recipient(self.actor, self.org, email="hong@example.com", name="홍길동")
        again = get_or_create_recipient(self.actor, self.org, email="HONG@example.com")
        self.assertEqual(first.pk, again.pk)
        self.assertEqual(Recipient.objects.filter(org=self.org).count(), 1)

    def test_recipients_of_different_organizations_are_separate(self) -> None:
        mine = get_or_create_recipient(self.actor, self.org, email="hong@example.com")
        theirs = get_or_create_recipient(self.actor, self.other_org, email="hong@example.com")
        self.assertNotEqual(mine.pk, theirs.pk)

    def test_it_fills_a_missing_name_and_student_id_but_keeps_existing_ones(self) -> None:
        get_or_create_recipient(self.actor, self.org, email="hong@example.com")
        filled = get_or_create_recipient(
            self.actor, self.org, email="hong@example.com", name="홍길동", student_id="2024001"
        )
        self.assertEqual((filled.name, filled.student_id), ("홍길동", "2024001"))
        kept = get_or_create_recipient(self.actor, self.org, email="hong@example.com", name="Gildong Hong")
        self.assertEqual(kept.name, "홍길동")

    def test_a_student_id_of_another_recipient_is_refused(self) -> None:
        get_or_create_recipient(self.actor, self.org, email="hong@example.com", student_id="2024001")
        with self.assertRaises(ValidationError) as caught:
            get_or_create_recipient(self.actor, self.org, email="kim@example.com", student_id="2024001")
        message = caught.exception.message_dict["student_id"][0]
        self.assertIn("2024001", message)
        self.assertIn("hong@example.com", message)
        self.assertFalse(Recipient.objects.filter(email="kim@example.com").exists())

    def test_a_different_student_id_for_a_known_recipient_is_refused(self) -> None:
        get_or_create_recipient(self.actor, self.org, email="hong@example.com", student_id="2024001")
        with self.assertRaises(ValidationError) as caught:
            get_or_create_recipient(self.actor, self.org, email="hong@example.com", student_id="2024999")
        self.assertIn("2024001", caught.exception.message_dict["student_id"][0])

    def test_an_invalid_email_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            get_or_create_recipient(self.actor, self.org, email="hong at example")
        self.assertIn("email", caught.exception.message_dict)

    def test_it_links_the_learner_with_a_verified_email(self) -> None:
        Identifier.objects.create(
            user=self.learner,
            kind=Identifier.Kind.EMAIL,
            value="hong@example.com",
            verified_at=timezone.now(),
        )
        recipient = get_or_create_recipient(self.actor, self.org, email="Hong@example.com")
        self.assertEqual(recipient.user, self.learner)

    def test_an_unverified_email_links_nobody(self) -> None:
        Identifier.objects.create(user=self.learner, kind=Identifier.Kind.EMAIL, value="hong@example.com")
        recipient = get_or_create_recipient(self.actor, self.org, email="hong@example.com")
        self.assertIsNone(recipient.user)

    def test_an_explicit_language_becomes_the_recipients_preference(self) -> None:
        get_or_create_recipient(self.actor, self.org, email="hong@example.com", language="en")
        self.assertEqual(Recipient.objects.get(email="hong@example.com").language, "en")
        get_or_create_recipient(self.actor, self.org, email="hong@example.com")
        self.assertEqual(Recipient.objects.get(email="hong@example.com").language, "en")

    def test_an_unknown_language_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            get_or_create_recipient(self.actor, self.org, email="hong@example.com", language="fr")
        self.assertIn("language", caught.exception.message_dict)
