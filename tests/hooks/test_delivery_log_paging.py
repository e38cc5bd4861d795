"""The delivery log pages back through older deliveries and filters them by status."""

from unittest import mock

from laurel.hooks import queries
from laurel.hooks.models import Delivery
from tests.hooks.helpers import Answer, HooksTestCase

BASE = "/orgs/hanbit/settings/webhooks/"


class DeliveryLogPagingTests(HooksTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.owner)
        for n in range(3):
            self.award(f"learner{n}@student.example", f"학생{n}")

    def page(self, query: str = "") -> str:
        return f"{BASE}{self.endpoint.public_id}/{query}"

    def shown(self, html: str) -> set[str]:
        return {d.public_id for d in Delivery.objects.all() if f"deliveries/{d.public_id}/" in html}

    def test_older_deliveries_are_reached_through_a_before_cursor(self) -> None:
        newest_first = list(Delivery.objects.order_by("-created_at", "-id"))
        with mock.patch.object(queries, "LOG_LIMIT", 2):
            first = self.client.get(self.page()).content.decode()
            self.assertEqual(self.shown(first), {d.public_id for d in newest_first[:2]})
            self.assertIn(f'?before={newest_first[1].public_id}"', first)
            second = self.client.get(self.page(f"?before={newest_first[1].public_id}")).content.decode()
        self.assertEqual(self.shown(second), {newest_first[2].public_id})
        self.assertNotIn("Older deliveries", second)

    def test_the_log_is_filtered_by_delivered_failing_and_gave_up(self) -> None:
        self.receiver.answers.append(Answer(500, b"try later"))
        self.deliver()
        failing = Delivery.objects.get(message__status="pending")
        delivered = {d.public_id for d in Delivery.objects.filter(message__status="sent")}
        self.assertEqual(len(delivered), 2)
        self.assertEqual(
            self.shown(self.client.get(self.page("?status=failing")).content.decode()), {failing.public_id}
        )
        self.assertEqual(
            self.shown(self.client.get(self.page("?status=delivered")).content.decode()), delivered
        )
        self.assertEqual(self.shown(self.client.get(self.page("?status=gave_up")).content.decode()), set())
        failing.message.status = "dead"
        failing.message.save(update_fields=["status"])
        self.assertEqual(
            self.shown(self.client.get(self.page("?status=gave_up")).content.decode()), {failing.public_id}
        )

    def test_an_unknown_status_or_cursor_is_a_clear_error(self) -> None:
        self.assertContains(
            self.client.get(self.page("?status=lost")), "Select a valid choice", status_code=400
        )
        response = self.client.get(self.page("?before=nosuchdelivery"))
        self.assertContains(response, "That page of the log does not exist", status_code=400)
