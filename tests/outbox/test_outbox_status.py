from datetime import timedelta
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from laurel.outbox.models import OutboxMessage
from tests.outbox.helpers import queued_email


def status(*args: str) -> dict[str, str]:
    out = StringIO()
    call_command("outbox_status", *args, stdout=out)
    lines = [line.rsplit("  ", 1) for line in out.getvalue().splitlines()]
    return {key.strip(): value.strip() for key, value in lines}


class OutboxStatusTests(TestCase):
    def test_it_counts_messages_by_status(self) -> None:
        now = timezone.now()
        queued_email(next_attempt_at=now - timedelta(minutes=5))
        queued_email(next_attempt_at=now + timedelta(hours=1))
        queued_email(next_attempt_at=now - timedelta(minutes=1), locked_until=now + timedelta(minutes=1))
        for _ in range(4):
            queued_email(status=OutboxMessage.Status.SENT)
        queued_email(status=OutboxMessage.Status.DEAD)
        report = status()
        self.assertEqual(
            {k: report[k] for k in ("pending", "sent", "dead", "due now", "in flight")},
            {"pending": "3", "sent": "4", "dead": "1", "due now": "1", "in flight": "1"},
        )
        self.assertEqual(report["oldest due"], (now - timedelta(minutes=5)).isoformat())

    def test_an_empty_outbox_shows_zeros(self) -> None:
        report = status()
        self.assertEqual((report["pending"], report["sent"], report["dead"]), ("0", "0", "0"))
        self.assertEqual(report["oldest due"], "-")

    def test_by_kind_splits_the_counts(self) -> None:
        queued_email()
        OutboxMessage.objects.create(kind=OutboxMessage.Kind.WEBHOOK, payload={}, status="dead")
        report = status("--by-kind")
        self.assertEqual((report["email.pending"], report["webhook.dead"]), ("1", "1"))

    def test_fail_on_dead_exits_with_an_error_only_when_something_died(self) -> None:
        queued_email()
        status("--fail-on-dead")
        queued_email(status=OutboxMessage.Status.DEAD)
        with self.assertRaisesMessage(CommandError, "1 outbox messages are dead"):
            status("--fail-on-dead")
