import datetime
import io

from django.test import TestCase
from PIL import Image

from laurel.achievements.models import Achievement
from laurel.awards.models import Award
from laurel.orgs.models import Membership, Organization, Recipient
from laurel.outbox.models import OutboxMessage
from tests.demo.helpers import seed_demo


class SeedContentsTests(TestCase):
    org: Organization

    @classmethod
    def setUpTestData(cls) -> None:
        seed_demo()
        cls.org = Organization.objects.get(slug="hanbit")

    def test_it_creates_a_bilingual_organization_that_speaks_korean_first(self) -> None:
        self.assertEqual(self.org.name_ko, "한빛국립대학교")
        self.assertEqual(self.org.name_en, "Hanbit National University")
        self.assertEqual(self.org.default_language, "ko")
        self.assertIn("RISE", self.org.description_en)
        self.assertIn("RISE", self.org.description_ko)

    def test_it_creates_seven_badges_each_with_a_512_pixel_png(self) -> None:
        achievements = Achievement.objects.filter(org=self.org).select_related("current_version__image_png")
        self.assertEqual(achievements.count(), 7)
        for achievement in achievements:
            png = achievement.current_version.image_png
            image = Image.open(io.BytesIO(bytes(png.data)))
            self.assertEqual((image.format, image.size), ("PNG", (512, 512)), achievement.slug)

    def test_every_badge_speaks_both_languages_and_is_aligned(self) -> None:
        for achievement in Achievement.objects.filter(org=self.org):
            version = achievement.current_version
            for field in ("name", "description", "criteria", "alt_text"):
                self.assertTrue(getattr(version, f"{field}_ko"), f"{achievement.slug} {field}_ko")
                self.assertTrue(getattr(version, f"{field}_en"), f"{achievement.slug} {field}_en")
            self.assertGreaterEqual(len(version.alignments), 1, achievement.slug)
            self.assertTrue(version.skills, achievement.slug)
            self.assertTrue(all(a["targetUrl"].startswith("https://") for a in version.alignments))

    def test_badges_use_seven_different_achievement_types(self) -> None:
        types = set(
            Achievement.objects.filter(org=self.org).values_list(
                "current_version__achievement_type", flat=True
            )
        )
        self.assertEqual(
            types, {"Badge", "MicroCredential", "Competency", "Assignment", "Fieldwork", "Award", "Course"}
        )

    def test_some_badges_expire_and_one_requires_evidence(self) -> None:
        versions = [a.current_version for a in Achievement.objects.filter(org=self.org)]
        self.assertTrue(any(v.validity_days for v in versions))
        self.assertTrue(any(not v.validity_days for v in versions))
        self.assertEqual(sum(1 for v in versions if v.evidence_required), 1)

    def test_it_enrols_twelve_learners_with_student_ids(self) -> None:
        recipients = Recipient.objects.filter(org=self.org)
        self.assertEqual(recipients.count(), 12)
        self.assertTrue(all(r.student_id.startswith("2024") and len(r.student_id) == 8 for r in recipients))
        self.assertEqual(recipients.filter(email="student01@hanbit.example").count(), 1)
        self.assertGreaterEqual(recipients.filter(language="en").count(), 2)

    def test_some_learners_have_accounts_linked_to_their_awards(self) -> None:
        linked = Recipient.objects.filter(org=self.org, user__isnull=False)
        self.assertGreaterEqual(linked.count(), 2)
        for recipient in linked:
            self.assertEqual(recipient.user.email, recipient.email)

    def test_it_makes_thirty_awards_dated_in_2026(self) -> None:
        awards = Award.objects.filter(org=self.org, source=Award.Source.DEMO)
        self.assertEqual(awards.count(), 30)
        self.assertTrue(all(a.issued_on.year == 2026 for a in awards))
        self.assertEqual(awards.filter(revoked_at__isnull=False).count(), 0)
        self.assertGreater(awards.exclude(evidence_url="").exclude(evidence_narrative="").count(), 0)

    def test_awards_of_expiring_badges_carry_their_expiry_date(self) -> None:
        for award in Award.objects.filter(org=self.org).select_related("version"):
            days = award.version.validity_days
            expected = award.issued_on + datetime.timedelta(days=days) if days else None
            self.assertEqual(award.expires_on, expected)

    def test_evidence_is_attached_wherever_the_badge_requires_it(self) -> None:
        required = Award.objects.filter(org=self.org, version__evidence_required=True)
        self.assertGreater(required.count(), 0)
        self.assertFalse(required.filter(evidence_url="").exists())

    def test_staff_hold_every_role(self) -> None:
        roles = dict(Membership.objects.filter(org=self.org).values_list("user__email", "role"))
        self.assertEqual(roles["owner@hanbit.example"], "owner")
        self.assertEqual(roles["issuer@hanbit.example"], "issuer")
        self.assertEqual(sorted(roles.values()), ["issuer", "mentor", "mentor", "owner", "viewer"])

    def test_each_award_email_waits_in_the_outbox_for_the_worker(self) -> None:
        messages = OutboxMessage.objects.filter(org=self.org, kind=OutboxMessage.Kind.EMAIL)
        self.assertEqual(messages.count(), 32)  # with the course rule's two awards
        self.assertFalse(messages.exclude(status=OutboxMessage.Status.PENDING).exists())
        recipients = {m.payload["to"] for m in messages}
        self.assertTrue(recipients <= {f"student{n:02d}@hanbit.example" for n in range(1, 13)})
