from standardwebhooks.webhooks import Webhook

from laurel.hooks.models import Attempt, Delivery
from laurel.outbox.delivery import MAX_ATTEMPTS, backoff
from tests.hooks.helpers import Answer, HooksTestCase


class RetryTests(HooksTestCase):
    def message(self) -> object:
        [message] = self.webhook_messages()
        message.refresh_from_db()
        return message

    def test_a_500_is_retried_after_the_backoff_with_the_same_webhook_id(self) -> None:
        self.award()
        self.receiver.answers.append(Answer(500, b"database is down"))
        self.deliver()
        message = self.message()
        self.assertEqual((message.status, message.attempts), ("pending", 1))
        self.assertIn("HTTP 500", message.last_error)
        # Not before the backoff (30 s after the first failure), then once more.
        self.deliver(after=backoff(1).total_seconds() - 5)
        self.assertEqual(len(self.receiver.received), 1)
        self.deliver(after=backoff(1).total_seconds() + 1)
        first, second = self.receiver.received
        self.assertEqual(first.headers["webhook-id"], second.headers["webhook-id"])
        self.assertEqual(first.body, second.body)
        Webhook(self.secret).verify(second.body, second.headers)
        self.assertEqual(self.message().status, "sent")
        attempts = Attempt.objects.filter(delivery__endpoint=self.endpoint).order_by("id")
        self.assertEqual(
            [(a.status_code, a.succeeded, a.response_excerpt) for a in attempts],
            [(500, False, "database is down"), (200, True, "ok")],
        )

    def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(self) -> None:
        self.award()
        self.receiver.answers.append(Answer(200, delay=1.5))  # the timeout is 1 s in these tests
        self.deliver()
        [attempt] = Attempt.objects.filter(delivery__endpoint=self.endpoint)
        self.assertFalse(attempt.succeeded)
        self.assertIsNone(attempt.status_code)
        self.assertIn("timed out", attempt.error)
        self.assertGreaterEqual(attempt.duration_ms, 900)
        self.assertEqual(self.message().status, "pending")

    def test_a_redirect_is_not_followed_and_counts_as_a_failure(self) -> None:
        self.award()
        self.receiver.answers.append(Answer(301, b""))
        self.deliver()
        self.assertEqual(len(self.receiver.received), 1)
        [attempt] = Attempt.objects.filter(delivery__endpoint=self.endpoint)
        self.assertEqual((attempt.status_code, attempt.succeeded), (301, False))

    def test_a_delivery_that_keeps_failing_goes_to_the_dead_letter(self) -> None:
        self.award()
        self.receiver.answers.extend(Answer(503, b"busy") for _ in range(MAX_ATTEMPTS + 2))
        elapsed = 0.0
        for n in range(1, MAX_ATTEMPTS + 3):
            self.deliver(after=elapsed)
            elapsed += backoff(n).total_seconds() + 1
        message = self.message()
        self.assertEqual((message.status, message.attempts), ("dead", MAX_ATTEMPTS))
        self.assertEqual(len(self.receiver.received), MAX_ATTEMPTS)
        self.assertEqual(Attempt.objects.filter(delivery__endpoint=self.endpoint).count(), MAX_ATTEMPTS)

    def test_a_huge_answer_is_cut_short_and_the_delivery_still_succeeds(self) -> None:
        self.award()
        self.receiver.answers.append(Answer(200, b"x" * 500_000))
        self.deliver()
        [attempt] = Attempt.objects.filter(delivery__endpoint=self.endpoint)
        self.assertTrue(attempt.succeeded)
        self.assertEqual(len(attempt.response_excerpt), 1000)
        self.assertEqual(Delivery.objects.get().message.status, "sent")
