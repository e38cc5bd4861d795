from datetime import UTC, datetime, timedelta
from unittest import mock

from django.conf import settings
from django.core import mail
from django.test import TestCase, override_settings

from laurel.outbox import delivery
from laurel.outbox.delivery import MAX_ATTEMPTS, claim, deliver_due
from laurel.outbox.models import OutboxMessage
from tests.outbox.helpers import queued_email

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


class LeaseTests(TestCase):
    def test_a_message_leased_by_another_worker_is_left_alone(self) -> None:
        message = queued_email(next_attempt_at=NOW, locked_until=NOW + timedelta(seconds=10))
        self.assertIsNone(claim(message.id, NOW))
        self.assertEqual(deliver_due(now=NOW), 0)
        self.assertEqual(mail.outbox, [])

    def test_an_expired_lease_makes_the_message_due_again(self) -> None:
        # A worker claimed it (attempt 1) and died before recording the outcome.
        message = queued_email(next_attempt_at=NOW, locked_until=NOW - timedelta(seconds=1), attempts=1)
        self.assertEqual(deliver_due(now=NOW), 1)
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), ("sent", 2))
        self.assertEqual(len(mail.outbox), 1)

    @override_settings(OUTBOX_LEASE_SECONDS=7)
    def test_the_lease_length_comes_from_settings(self) -> None:
        message = queued_email(next_attempt_at=NOW)
        self.assertEqual(claim(message.id, NOW), NOW + timedelta(seconds=7))
        message.refresh_from_db()
        self.assertEqual((message.locked_until, message.attempts), (NOW + timedelta(seconds=7), 1))
        self.assertIsNone(claim(message.id, NOW + timedelta(seconds=6)))

    def test_the_lease_is_two_minutes_when_not_configured(self) -> None:
        with self.settings():
            del settings.OUTBOX_LEASE_SECONDS
            self.assertEqual(delivery.lease(), timedelta(minutes=2))

    def test_a_message_that_kills_its_worker_every_time_is_given_up_unsent(self) -> None:
        message = queued_email(
            next_attempt_at=NOW, locked_until=NOW - timedelta(seconds=1), attempts=MAX_ATTEMPTS
        )
        self.assertEqual(deliver_due(now=NOW), 0)
        message.refresh_from_db()
        self.assertEqual(message.status, "dead")
        self.assertIn("stopped while sending", message.last_error)
        self.assertEqual(mail.outbox, [])

    def test_a_late_failure_does_not_undo_another_workers_success(self) -> None:
        message = queued_email(next_attempt_at=NOW)

        def slow_then_fail(payload: dict[str, str]) -> None:
            # Meanwhile our lease ran out and another worker sent the message.
            OutboxMessage.objects.filter(id=message.id).update(status="sent", locked_until=None)
            raise TimeoutError("too slow")

        with mock.patch.dict(delivery.SENDERS, {"email": slow_then_fail}):
            deliver_due(now=NOW)
        message.refresh_from_db()
        self.assertEqual((message.status, message.last_error), ("sent", ""))

    def test_a_stop_request_takes_no_new_message(self) -> None:
        for n in range(3):
            queued_email(subject=f"message {n}", next_attempt_at=NOW)
        calls = iter([False, True, True])
        self.assertEqual(deliver_due(now=NOW, should_stop=lambda: next(calls)), 1)
        self.assertEqual([m.subject for m in mail.outbox], ["message 0"])
        self.assertEqual(OutboxMessage.objects.filter(status="pending", attempts=0).count(), 2)
