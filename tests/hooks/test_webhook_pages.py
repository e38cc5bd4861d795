import re
from datetime import timedelta

from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from laurel.hooks.models import Delivery, Endpoint
from tests.hooks.helpers import Answer, HooksTestCase

BASE = "/orgs/hanbit/settings/webhooks/"


class WebhookPageTests(HooksTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.owner)

    def page(self) -> str:
        return f"{BASE}{self.endpoint.public_id}/"

    def test_adding_an_endpoint_shows_the_secret_once(self) -> None:
        form = {
            "url": self.receiver.url,
            "event_types": ["award.issued", "award.revoked"],
            "description": "LMS",
        }
        response = self.client.post(f"{BASE}new/", form)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "no-store")
        secret = re.search(r'value="(whsec_[^"]+)"', response.content.decode()).group(1)
        endpoint = Endpoint.objects.get(description="LMS")
        self.assertEqual(endpoint.event_types, ["award.issued", "award.revoked"])
        detail = self.client.get(f"{BASE}{endpoint.public_id}/").content.decode()
        self.assertNotIn(secret, detail)
        self.assertNotIn(secret, self.client.get(BASE).content.decode())
        Endpoint.objects.filter(pk=self.endpoint.pk).update(is_active=False)
        self.award()
        self.deliver()
        [received] = self.receiver.received
        Webhook(secret).verify(received.body, received.headers)

    def test_a_private_address_is_a_form_error_and_nothing_is_saved(self) -> None:
        before = Endpoint.objects.count()
        response = self.client.post(
            f"{BASE}new/", {"url": "http://169.254.169.254/", "event_types": ["award.issued"]}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "private, loopback or link-local", status_code=400)
        self.assertEqual(Endpoint.objects.count(), before)

    def test_the_delivery_log_shows_each_attempt_and_a_replay_button_sends_it_again(self) -> None:
        self.award()
        self.receiver.answers.append(Answer(500, b"try later"))
        self.deliver()
        delivery = Delivery.objects.get()
        log = self.client.get(self.page())
        self.assertContains(log, "award.issued")
        self.assertContains(log, "HTTP 500")
        page = f"{self.page()}deliveries/{delivery.public_id}/"
        detail = self.client.get(page)
        self.assertContains(detail, "try later")
        self.assertContains(detail, f"{page}replay/")
        response = self.client.post(f"{page}replay/")
        self.assertRedirects(response, page)
        self.deliver()
        detail = self.client.get(page).content.decode()
        self.assertIn("HTTP 200", detail)
        self.assertEqual({r.headers["webhook-id"] for r in self.receiver.received}, {delivery.public_id})

    def test_a_time_range_is_sent_again_from_the_endpoint_page(self) -> None:
        self.award()
        self.deliver()
        now = timezone.localtime()
        form = {
            "since": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "until": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        }
        response = self.client.post(f"{self.page()}replay/", form, follow=True)
        self.assertContains(response, "1 deliveries will be sent again.")
        self.deliver()
        self.assertEqual(len(self.receiver.received), 2)

    def test_a_range_ending_before_it_starts_is_a_form_error(self) -> None:
        form = {"since": "2026-03-02T10:00", "until": "2026-03-01T10:00"}
        response = self.client.post(f"{self.page()}replay/", form)
        self.assertContains(response, "The end must come after the start.", status_code=400)

    def test_rotating_shows_a_new_secret_and_disabling_stops_deliveries(self) -> None:
        response = self.client.post(f"{self.page()}rotate/")
        new = re.search(r'value="(whsec_[^"]+)"', response.content.decode()).group(1)
        self.assertNotEqual(new, self.secret)
        self.client.post(f"{self.page()}disable/")
        self.endpoint.refresh_from_db()
        self.assertFalse(self.endpoint.is_active)
        self.award()
        self.assertFalse(Delivery.objects.exists())
        self.assertNotContains(self.client.get(self.page()), f"{self.page()}rotate/")

    def test_the_pages_speak_korean(self) -> None:
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ko"
        self.assertContains(self.client.get(BASE), "웹훅")

    def test_members_who_do_not_manage_the_organization_are_forbidden(self) -> None:
        for user in (self.teammate, self.mentor, self.viewer):
            self.login(user)
            for url in (BASE, self.page(), f"{BASE}new/"):
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 403)
            self.assertEqual(self.client.post(f"{self.page()}disable/").status_code, 403)
        self.endpoint.refresh_from_db()
        self.assertTrue(self.endpoint.is_active)
