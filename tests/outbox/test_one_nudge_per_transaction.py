from django.db import transaction

from laurel.outbox.actions import enqueue_email
from laurel.outbox.models import OutboxMessage
from laurel.test import BaseTestCase


class OneNudgePerTransactionTests(BaseTestCase):
    def test_many_emails_in_one_transaction_wake_the_worker_once(self) -> None:
        with self.captureOnCommitCallbacks() as callbacks:
            with transaction.atomic():
                for n in range(3):
                    enqueue_email(
                        to=f"p{n}@example.com",
                        template="accounts/email/password_reset",
                        context={"user": self.learner, "url": "https://x.example/"},
                        language="en",
                    )
        self.assertEqual(OutboxMessage.objects.count(), 3)
        self.assertEqual(len(callbacks), 1)
