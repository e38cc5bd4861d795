from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from laurel.audit.models import AuditEvent
from laurel.core.actor import Actor
from laurel.hooks.actions import disable_endpoint, replay_delivery, replay_range
from laurel.hooks.models import Attempt, Delivery
from tests.hooks.helpers import Answer, HooksTestCase


class ReplayTests(HooksTestCase):
    def test_a_replay_sends_the_same_webhook_id_and_body_signed_anew(self) -> None:
        self.award()
        self.deliver()
        delivery = Delivery.objects.get()
        replay_delivery(Actor(self.owner), delivery)
        self.deliver()
        first, again = self.receiver.received
        self.assertEqual(again.headers["webhook-id"], delivery.public_id)
        self.assertEqual(first.headers["webhook-id"], again.headers["webhook-id"])
        self.assertEqual(first.body, again.body)
        Webhook(self.secret).verify(again.body, again.headers)
        delivery.refresh_from_db()
        self.assertEqual(delivery.replays, 1)
        self.assertEqual(delivery.attempts.count(), 2)
        event = AuditEvent.objects.get(action="webhooks.replay")
        self.assertEqual(event.object_id, delivery.public_id)

    def test_replaying_a_dead_delivery_brings_it_back(self) -> None:
        self.award()
        self.receiver.answers.append(Answer(500))
        self.deliver()
        delivery = Delivery.objects.get()
        delivery.message.status = "dead"
        delivery.message.save()
        replay_delivery(Actor(self.owner), delivery)
        self.deliver()
        delivery.refresh_from_db()
        self.assertEqual(delivery.message.status, "sent")
        self.assertEqual(
            list(delivery.attempts.order_by("id").values_list("status_code", flat=True)), [500, 200]
        )

    def test_replaying_a_delivery_still_waiting_sends_it_now_not_twice(self) -> None:
        self.award()
        self.receiver.answers.append(Answer(500))
        self.deliver()  # failed once; next try in 30 s
        replay_delivery(Actor(self.owner), Delivery.objects.get())
        self.deliver()
        self.assertEqual(len(self.receiver.received), 2)
        self.assertEqual(len(self.webhook_messages()), 1)

    def test_a_time_range_replays_only_the_deliveries_made_in_it(self) -> None:
        for email in ("a@example.com", "b@example.com", "c@example.com"):
            self.award(email, email)
        self.deliver()
        old, middle, _new = Delivery.objects.order_by("id")
        now = timezone.now()
        Delivery.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=3))
        Delivery.objects.filter(pk=middle.pk).update(created_at=now - timedelta(days=2))
        self.receiver.received.clear()
        count = replay_range(
            Actor(self.owner), self.endpoint, now - timedelta(days=2, hours=1), now - timedelta(days=1)
        )
        self.assertEqual(count, 1)
        self.deliver()
        self.assertEqual([r.headers["webhook-id"] for r in self.receiver.received], [middle.public_id])

    def test_a_range_can_replay_only_the_deliveries_that_gave_up(self) -> None:
        self.award("a@example.com", "A")
        self.award("b@example.com", "B")
        self.deliver()
        gave_up, _fine = Delivery.objects.order_by("id")
        gave_up.message.status = "dead"
        gave_up.message.save()
        self.receiver.received.clear()
        now = timezone.now()
        count = replay_range(
            Actor(self.owner),
            self.endpoint,
            now - timedelta(hours=1),
            now + timedelta(hours=1),
            failed_only=True,
        )
        self.assertEqual(count, 1)
        self.deliver()
        self.assertEqual([r.headers["webhook-id"] for r in self.receiver.received], [gave_up.public_id])

    def test_a_range_that_ends_before_it_starts_is_refused(self) -> None:
        now = timezone.now()
        with self.assertRaises(ValidationError) as raised:
            replay_range(Actor(self.owner), self.endpoint, now, now - timedelta(hours=1))
        self.assertIn("until", raised.exception.message_dict)

    def test_nothing_is_replayed_to_a_disabled_endpoint(self) -> None:
        self.award()
        self.deliver()
        disable_endpoint(Actor(self.owner), self.endpoint)
        self.endpoint.refresh_from_db()
        with self.assertRaises(ValidationError):
            replay_delivery(Actor(self.owner), Delivery.objects.get())
        self.assertEqual(Attempt.objects.count(), 1)
