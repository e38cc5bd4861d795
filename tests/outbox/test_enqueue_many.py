"""Emails rendered in bulk go through the outbox like any other: queued with the change, sent once."""

from django.core import mail
from django.db import transaction
from django.utils import timezone

from laurel.outbox.actions import email_payload, enqueue_email, enqueue_emails
from laurel.outbox.delivery import deliver_due
from laurel.outbox.models import OutboxMessage
from laurel.test import BaseTestCase


def payloads(count: int) -> list[dict[str, str]]:
    return [
        email_payload(
            to=f"p{n}@example.com",
            subject=f"배지가\n  발급되었습니다 {n}",
            text=f"학생{n}님, 축하합니다.",
            html=f"<p>학생{n}님</p>",
        )
        for n in range(count)
    ]


class EnqueueManyTests(BaseTestCase):
    def test_each_queued_email_is_delivered_once_with_its_own_text(self) -> None:
        with transaction.atomic():
            self.assertEqual(enqueue_emails(self.org, payloads(3)), 3)
        self.assertEqual(deliver_due(now=timezone.now()), 3)
        sent = sorted(mail.outbox, key=lambda m: m.to[0])
        self.assertEqual([m.to for m in sent], [["p0@example.com"], ["p1@example.com"], ["p2@example.com"]])
        self.assertEqual(sent[1].subject, "배지가 발급되었습니다 1")
        self.assertEqual(sent[1].body, "학생1님, 축하합니다.")
        self.assertEqual(sent[1].alternatives[0][0], "<p>학생1님</p>")  # type: ignore[attr-defined]
        self.assertEqual(set(OutboxMessage.objects.values_list("status", "attempts")), {("sent", 1)})
        self.assertEqual(deliver_due(now=timezone.now()), 0)

    def test_messages_belong_to_the_organization_and_wait_as_pending(self) -> None:
        with transaction.atomic():
            enqueue_emails(self.org, payloads(2))
        rows = set(OutboxMessage.objects.values_list("org_id", "kind", "status", "locked_until"))
        self.assertEqual(rows, {(self.org.pk, "email", "pending", None)})

    def test_single_and_bulk_emails_in_one_transaction_wake_the_worker_once(self) -> None:
        with self.captureOnCommitCallbacks() as callbacks, transaction.atomic():
            enqueue_emails(self.org, payloads(2))
            enqueue_email(
                to="one@example.com",
                template="accounts/email/password_reset",
                context={"user": self.learner, "url": "https://x.example/"},
                language="en",
            )
            enqueue_emails(self.org, payloads(1))
        self.assertEqual(OutboxMessage.objects.count(), 4)
        self.assertEqual(len(callbacks), 1)

    def test_no_emails_queue_nothing_and_wake_nobody(self) -> None:
        with self.captureOnCommitCallbacks() as callbacks, transaction.atomic():
            self.assertEqual(enqueue_emails(self.org, []), 0)
        self.assertEqual(callbacks, [])
        self.assertFalse(OutboxMessage.objects.exists())
