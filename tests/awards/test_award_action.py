import datetime

import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError

from laurel.audit.models import AuditEvent
from laurel.awards.actions import DuplicateAward, award
from laurel.awards.models import Award
from laurel.outbox.models import OutboxMessage
from tests.awards.helpers import NOW, TODAY, AwardsTestCase, make_achievement, make_award


@time_machine.travel(NOW, tick=False)
class AwardActionTests(AwardsTestCase):
    def test_it_awards_the_current_version_issued_today(self) -> None:
        result = award(self.actor, self.org, self.python, email=" Kim@Example.COM ", name="김민수")
        self.assertEqual(result.version, self.python.current_version)
        self.assertEqual(result.issued_on, TODAY)
        self.assertEqual(result.recipient.email, "kim@example.com")
        self.assertEqual(result.awarded_by, self.teammate)
        self.assertEqual(result.source, Award.Source.MANUAL)
        self.assertIsNone(result.expires_on)

    def test_today_is_the_date_in_seoul_not_utc(self) -> None:
        # 23:30 UTC on 9 March is already 10 March in Seoul.
        with time_machine.travel(datetime.datetime(2025, 3, 9, 23, 30, tzinfo=datetime.UTC), tick=False):
            result = award(self.actor, self.org, self.python, email="kim@example.com", name="김민수")
        self.assertEqual(result.issued_on, datetime.date(2025, 3, 10))

    def test_expiry_is_the_issue_date_plus_the_validity(self) -> None:
        result = award(
            self.actor,
            self.org,
            self.safety,
            email="kim@example.com",
            name="김민수",
            issued_on=datetime.date(2024, 2, 28),
        )
        # 2024 is a leap year: 365 days after 28 February 2024 is 27 February 2025.
        self.assertEqual(result.expires_on, datetime.date(2025, 2, 27))
        self.assertEqual(result.status, Award.Status.EXPIRED)

    def test_it_refuses_an_issue_date_in_the_future(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            award(
                self.actor,
                self.org,
                self.python,
                email="kim@example.com",
                name="김민수",
                issued_on=TODAY + datetime.timedelta(days=1),
            )
        self.assertIn("issued_on", caught.exception.message_dict)
        self.assertFalse(Award.objects.exists())

    def test_it_refuses_an_archived_badge(self) -> None:
        archived = make_achievement(self.org, "old", name_en="Old", archived=True)
        with self.assertRaises(ValidationError) as caught:
            award(self.actor, self.org, archived, email="kim@example.com", name="김민수")
        self.assertIn("archived", caught.exception.message_dict["achievement"][0])
        self.assertFalse(Award.objects.exists())

    def test_it_refuses_a_badge_without_a_version(self) -> None:
        draft = make_achievement(self.org, "draft", with_version=False)
        with self.assertRaises(ValidationError) as caught:
            award(self.actor, self.org, draft, email="kim@example.com", name="김민수")
        self.assertIn("achievement", caught.exception.message_dict)

    def test_it_refuses_another_organizations_badge(self) -> None:
        with self.assertRaises(ValidationError):
            award(self.actor, self.org, self.foreign, email="kim@example.com", name="김민수")
        self.assertFalse(Award.objects.exists())

    def test_a_second_award_of_the_same_badge_is_a_duplicate(self) -> None:
        first = award(self.actor, self.org, self.python, email="kim@example.com", name="김민수")
        with self.assertRaises(DuplicateAward) as caught:
            award(self.actor, self.org, self.python, email="KIM@example.com", name="김민수")
        self.assertEqual(caught.exception.existing, first)
        self.assertEqual(Award.objects.count(), 1)

    def test_a_duplicate_is_awarded_when_allowed(self) -> None:
        award(self.actor, self.org, self.python, email="kim@example.com", name="김민수")
        award(self.actor, self.org, self.python, email="kim@example.com", name="김민수", allow_duplicate=True)
        self.assertEqual(Award.objects.filter(recipient__email="kim@example.com").count(), 2)

    def test_a_revoked_award_is_not_a_duplicate(self) -> None:
        make_award(self.python, "kim@example.com", "김민수", revoked_at=NOW)
        award(self.actor, self.org, self.python, email="kim@example.com", name="김민수")
        self.assertEqual(Award.objects.filter(revoked_at__isnull=True).count(), 1)

    def test_another_badge_is_not_a_duplicate(self) -> None:
        award(self.actor, self.org, self.python, email="kim@example.com", name="김민수")
        award(self.actor, self.org, self.safety, email="kim@example.com", name="김민수")
        self.assertEqual(Award.objects.count(), 2)

    def test_it_refuses_evidence_urls_that_are_not_http(self) -> None:
        for url in ("javascript:alert(1)", "ftp://example.com/x", "example.com/x"):
            with self.subTest(url=url), self.assertRaises(ValidationError) as caught:
                award(
                    self.actor,
                    self.org,
                    self.python,
                    email="kim@example.com",
                    name="김민수",
                    evidence_url=url,
                )
            self.assertIn("evidence_url", caught.exception.message_dict)
        self.assertFalse(Award.objects.exists())

    def test_it_refuses_an_invalid_email_and_a_missing_name(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            award(self.actor, self.org, self.python, email="not-an-email", name=" ")
        self.assertEqual(set(caught.exception.message_dict), {"email", "name"})

    def test_it_records_an_audit_event(self) -> None:
        result = award(self.actor, self.org, self.python, email="kim@example.com", name="김민수")
        event = AuditEvent.objects.get(action="awards.create")
        self.assertEqual(event.object_id, result.public_id)
        self.assertEqual(event.actor, self.teammate)
        self.assertEqual(event.org, self.org)

    def test_the_email_is_in_korean_for_a_korean_recipient(self) -> None:
        result = award(
            self.actor, self.org, self.python, email="kim@example.com", name="김민수", language="ko"
        )
        payload = OutboxMessage.objects.get().payload
        self.assertEqual(payload["to"], "kim@example.com")
        self.assertIn("파이썬 기초", payload["subject"])
        self.assertNotIn("Python Basics", payload["subject"])
        self.assertIn("한빛대학교", payload["text"])
        self.assertIn(f"{settings.SITE_URL}/a/{result.public_id}/", payload["text"])
        self.assertIn(f"/a/{result.public_id}/", payload["html"])

    def test_the_email_is_in_english_for_an_english_recipient(self) -> None:
        award(self.actor, self.org, self.python, email="lee@example.com", name="Lee", language="en")
        payload = OutboxMessage.objects.get().payload
        self.assertIn("Python Basics", payload["subject"])
        self.assertIn("Hanbit University", payload["text"])
        self.assertNotIn("파이썬 기초", payload["text"])

    def test_without_a_language_the_organization_default_is_used(self) -> None:
        self.org.default_language = "en"
        self.org.save()
        award(self.actor, self.org, self.python, email="lee@example.com", name="Lee")
        self.assertIn("Python Basics", OutboxMessage.objects.get().payload["subject"])

    def test_the_email_links_to_the_organizations_public_base_url(self) -> None:
        self.org.public_base_url = "https://badges.hanbit.example/"
        self.org.save()
        result = award(self.actor, self.org, self.python, email="lee@example.com", name="Lee")
        self.assertIn(
            f"https://badges.hanbit.example/a/{result.public_id}/",
            OutboxMessage.objects.get().payload["text"],
        )

    def test_a_refused_award_sends_no_email_and_writes_no_audit(self) -> None:
        award(self.actor, self.org, self.python, email="kim@example.com", name="김민수")
        with self.assertRaises(DuplicateAward):
            award(self.actor, self.org, self.python, email="kim@example.com", name="김민수")
        self.assertEqual(OutboxMessage.objects.count(), 1)
        self.assertEqual(AuditEvent.objects.filter(action="awards.create").count(), 1)

    def test_the_subject_and_text_are_plain_text_and_the_html_is_escaped(self) -> None:
        lab = make_achievement(self.org, "rnd", name_en="R&D <Lab>")
        award(self.actor, self.org, lab, email="kim@example.com", name="Kim & <Co>", language="en")
        payload = OutboxMessage.objects.get().payload
        self.assertIn("R&D <Lab>", payload["subject"])
        self.assertNotIn("&amp;", payload["text"])
        self.assertIn("Kim &amp; &lt;Co&gt;", payload["html"])
