from datetime import UTC, datetime, timedelta
from unittest import mock

from django.core import mail
from django.test import TestCase

from laurel.outbox import delivery
from laurel.outbox.delivery import MAX_ATTEMPTS, deliver_due
from laurel.outbox.models import OutboxMessage
from tests.outbox.helpers import queued_email

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def failing(payload: dict[str, str]) -> None:
    raise ConnectionRefusedError("smtp.hanbit.example refused the connection")


class DeliveryRetryTests(TestCase):
    def test_a_due_email_is_sent_once_and_recorded(self) -> None:
        message = queued_email(next_attempt_at=NOW)
        self.assertEqual(deliver_due(now=NOW), 1)
        self.assertEqual([m.subject for m in mail.outbox], ["배지가 발급되었습니다"])
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts, message.locked_until), ("sent", 1, None))
        self.assertIsNotNone(message.sent_at)
        self.assertEqual(deliver_due(now=NOW + timedelta(days=1)), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_message_not_yet_due_waits(self) -> None:
        queued_email(next_attempt_at=NOW + timedelta(seconds=1))
        self.assertEqual(deliver_due(now=NOW), 0)
        self.assertEqual(mail.outbox, [])

    def test_a_failure_backs_off_and_keeps_the_error(self) -> None:
        message = queued_email(next_attempt_at=NOW)
        with mock.patch.dict(delivery.SENDERS, {"email": failing}):
            self.assertEqual(deliver_due(now=NOW), 0)
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts, message.locked_until), ("pending", 1, None))
        self.assertEqual(message.next_attempt_at, NOW + timedelta(seconds=30))
        self.assertIn("ConnectionRefusedError: smtp.hanbit.example refused", message.last_error)
        # Not before the backoff, then it goes out.
        self.assertEqual(deliver_due(now=NOW + timedelta(seconds=29)), 0)
        self.assertEqual(deliver_due(now=NOW + timedelta(seconds=30)), 1)
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), ("sent", 2))

    def test_backoff_doubles_and_is_capped(self) -> None:
        self.assertEqual(
            [delivery.backoff(n).total_seconds() for n in (1, 2, 3, 4)], [30.0, 60.0, 120.0, 240.0]
        )
        self.assertEqual(delivery.backoff(40), timedelta(hours=6))

    def test_a_message_that_keeps_failing_goes_to_the_dead_letter(self) -> None:
        message = queued_email(next_attempt_at=NOW)
        when = NOW
        with mock.patch.dict(delivery.SENDERS, {"email": failing}):
            for _ in range(MAX_ATTEMPTS):
                deliver_due(now=when)
                when += timedelta(days=1)
            message.refresh_from_db()
            self.assertEqual((message.status, message.attempts), ("dead", MAX_ATTEMPTS))
            deliver_due(now=when + timedelta(days=30))
        message.refresh_from_db()
        self.assertEqual(message.attempts, MAX_ATTEMPTS)
        self.assertEqual(mail.outbox, [])

    def test_one_failing_message_does_not_hold_up_the_others(self) -> None:
        bad = queued_email(to="bad@hanbit.example", next_attempt_at=NOW)
        queued_email(to="good@hanbit.example", next_attempt_at=NOW)

        def picky(payload: dict[str, str]) -> None:
            if payload["to"].startswith("bad"):
                raise ValueError("mailbox unavailable")
            mail.send_mail(payload["subject"], payload["text"], payload["from"], [payload["to"]])

        with mock.patch.dict(delivery.SENDERS, {"email": picky}):
            self.assertEqual(deliver_due(now=NOW), 1)
        self.assertEqual([m.to for m in mail.outbox], [["good@hanbit.example"]])
        bad.refresh_from_db()
        self.assertEqual(bad.status, "pending")

    def test_a_kind_without_a_sender_is_retried_with_a_clear_error(self) -> None:
        hook = OutboxMessage.objects.create(kind=OutboxMessage.Kind.WEBHOOK, payload={}, next_attempt_at=NOW)
        with mock.patch.dict(delivery.SENDERS, {}, clear=True):
            deliver_due(now=NOW)
        hook.refresh_from_db()
        self.assertEqual(hook.status, "pending")
        self.assertIn("no sender for webhook messages", hook.last_error)

    def test_deliveries_are_dispatched_by_kind(self) -> None:
        seen: list[dict[str, str]] = []
        OutboxMessage.objects.create(
            kind=OutboxMessage.Kind.WEBHOOK, payload={"url": "https://lms.example/hook"}
        )
        with mock.patch.dict(delivery.SENDERS, {"webhook": seen.append}):
            self.assertEqual(deliver_due(), 1)
        self.assertEqual(seen, [{"url": "https://lms.example/hook"}])
        self.assertEqual(mail.outbox, [])
