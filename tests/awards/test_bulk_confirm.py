import datetime

import time_machine
from django.core.exceptions import ValidationError

from laurel.audit.models import AuditEvent
from laurel.awards import pipeline
from laurel.awards.actions import cancel_batch, confirm_batch, upload_batch
from laurel.awards.models import Award, AwardBatch, AwardChunk
from laurel.outbox.models import OutboxMessage
from tests.awards.helpers import NOW, AwardsTestCase, csv_file, make_award

URL = "/orgs/hanbit/awards/bulk/"
GOOD = (
    "email,name,language,issued_on,evidence_narrative\n"
    'hong@example.com,홍길동,ko,2025-03-01,"발표 자료\n두 번째 줄"\n'
    "lee@example.com,Lee,en,,\n"
).encode()


@time_machine.travel(NOW, tick=False)
class BulkConfirmTests(AwardsTestCase):
    def batch(self, data: bytes = GOOD, **kwargs: object) -> AwardBatch:
        return upload_batch(self.actor, self.org, self.safety, data=data, filename="spring.csv", **kwargs)  # type: ignore[arg-type]

    def issue(self, batch: AwardBatch) -> AwardBatch:
        """Confirm, then do what the worker's tasks do, here in the test."""
        confirm_batch(self.actor, batch)
        pipeline.work(should_stop=lambda: False)
        return AwardBatch.objects.get(pk=batch.pk)

    def test_confirm_awards_every_row_from_the_file(self) -> None:
        batch = self.issue(self.batch())
        self.assertEqual(Award.objects.filter(batch=batch).count(), 2)
        hong = Award.objects.get(recipient__email="hong@example.com")
        self.assertEqual(hong.issued_on, datetime.date(2025, 3, 1))
        self.assertEqual(hong.expires_on, datetime.date(2026, 3, 1))
        self.assertEqual(hong.evidence_narrative, "발표 자료\n두 번째 줄")
        self.assertEqual(hong.source, Award.Source.BULK)
        lee = Award.objects.get(recipient__email="lee@example.com")
        self.assertEqual(lee.issued_on, datetime.date(2025, 3, 10))
        self.assertEqual(batch.status, AwardBatch.Status.ISSUED)

    def test_confirm_only_checks_and_queues_the_work(self) -> None:
        batch = confirm_batch(self.actor, self.batch())
        self.assertEqual(batch.status, AwardBatch.Status.ISSUING)
        self.assertFalse(Award.objects.exists())
        self.assertEqual(AwardChunk.objects.filter(batch=batch).count(), 1)
        self.assertEqual(batch.version, self.safety.current_version)
        self.assertEqual(batch.confirmed_by, self.actor.user)

    def test_each_recipient_gets_an_email_in_their_language(self) -> None:
        self.issue(self.batch())
        subjects = {m.payload["to"]: m.payload["subject"] for m in OutboxMessage.objects.all()}
        self.assertIn("실험실 안전", subjects["hong@example.com"])
        self.assertIn("Lab Safety", subjects["lee@example.com"])

    def test_confirming_twice_awards_nothing_the_second_time(self) -> None:
        batch = self.batch()
        confirm_batch(self.actor, batch)
        confirm_batch(self.actor, batch)
        self.assertEqual(AwardChunk.objects.count(), 1)
        self.issue(batch)
        self.assertEqual(Award.objects.count(), 2)
        self.assertEqual(OutboxMessage.objects.count(), 2)
        self.assertEqual(AuditEvent.objects.filter(action="awards.batch_confirm").count(), 1)

    def test_one_bad_row_means_nothing_is_awarded(self) -> None:
        batch = self.batch(GOOD + b"broken-email,Broken,,,\n")
        with self.assertRaises(ValidationError):
            confirm_batch(self.actor, batch)
        self.assertFalse(Award.objects.exists())
        self.assertFalse(AwardChunk.objects.exists())
        self.assertFalse(OutboxMessage.objects.exists())
        batch.refresh_from_db()
        self.assertEqual(batch.status, AwardBatch.Status.PREVIEW)
        self.assertEqual(batch.error_count, 1)

    def test_rows_are_checked_again_at_confirm_time(self) -> None:
        batch = self.batch()
        self.assertEqual(batch.error_count, 0)
        # Somebody awards Lee the same badge between preview and confirm.
        make_award(self.safety, "lee@example.com", "Lee")
        with self.assertRaises(ValidationError):
            confirm_batch(self.actor, batch)
        self.assertEqual(Award.objects.count(), 1)
        batch.refresh_from_db()
        self.assertEqual(batch.status, AwardBatch.Status.PREVIEW)
        lee_row = next(r for r in batch.rows if r["values"]["email"] == "lee@example.com")
        self.assertIn("already holds", lee_row["errors"]["email"][0])

    def test_an_archived_badge_cannot_be_confirmed(self) -> None:
        batch = self.batch()
        self.safety.archived_at = NOW
        self.safety.save()
        with self.assertRaises(ValidationError):
            confirm_batch(self.actor, batch)
        self.assertFalse(Award.objects.exists())

    def test_a_cancelled_batch_cannot_be_confirmed(self) -> None:
        batch = cancel_batch(self.actor, self.batch())
        with self.assertRaises(ValidationError):
            confirm_batch(self.actor, batch)
        self.assertFalse(Award.objects.exists())

    def test_a_confirmed_batch_cannot_be_cancelled(self) -> None:
        batch = self.batch()
        confirm_batch(self.actor, batch)
        with self.assertRaises(ValidationError):
            cancel_batch(self.actor, batch)
        self.assertEqual(AwardBatch.objects.get().status, AwardBatch.Status.ISSUING)


@time_machine.travel(NOW, tick=False)
class BulkConfirmPageTests(AwardsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.teammate)
        self.client.post(URL, {"achievement": self.safety.pk, "file": csv_file(GOOD)})
        self.batch = AwardBatch.objects.get()
        self.url = f"{URL}{self.batch.public_id}/"

    def test_the_issuer_confirms_and_follows_the_progress_on_the_batch_page(self) -> None:
        response = self.client.post(self.url, {"action": "confirm"}, follow=True)
        self.assertRedirects(response, self.url)
        self.assertContains(response, "being issued in the background")
        self.assertContains(response, "0 of 2 rows awarded")
        self.assertContains(response, "batch-progress.js")
        pipeline.work(should_stop=lambda: False)
        response = self.client.get(self.url)
        self.assertContains(response, "2 of 2 rows awarded")
        self.assertContains(response, "2 badges were awarded and signed")
        self.assertNotContains(response, "batch-progress.js")
        self.assertEqual(Award.objects.filter(batch=self.batch).count(), 2)

    def test_posting_confirm_twice_awards_once(self) -> None:
        self.client.post(self.url, {"action": "confirm"})
        self.client.post(self.url, {"action": "confirm"})
        pipeline.work(should_stop=lambda: False)
        self.assertEqual(Award.objects.count(), 2)

    def test_cancel_awards_nothing(self) -> None:
        response = self.client.post(self.url, {"action": "cancel"})
        self.assertRedirects(response, URL)
        self.assertEqual(AwardBatch.objects.get().status, AwardBatch.Status.CANCELLED)
        self.assertFalse(Award.objects.exists())

    def test_a_failed_confirm_shows_the_reason_on_the_preview(self) -> None:
        make_award(self.safety, "lee@example.com", "Lee")
        response = self.client.post(self.url, {"action": "confirm"}, follow=True)
        self.assertRedirects(response, self.url)
        self.assertContains(response, "nothing was awarded")
        self.assertContains(response, "already holds this badge")
        self.assertEqual(Award.objects.count(), 1)

    def test_a_viewer_cannot_confirm(self) -> None:
        self.login(self.viewer)
        self.assertEqual(self.client.post(self.url, {"action": "confirm"}).status_code, 403)
        self.assertFalse(Award.objects.exists())

    def test_an_outsider_cannot_confirm(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.post(self.url, {"action": "confirm"}).status_code, 404)
        self.assertFalse(Award.objects.exists())
