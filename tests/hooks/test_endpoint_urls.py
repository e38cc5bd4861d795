from django.core.exceptions import ValidationError
from django.test import override_settings

from laurel.core.actor import Actor
from laurel.hooks.actions import create_endpoint
from laurel.hooks.guard import check_url
from laurel.hooks.models import Attempt, Delivery, Endpoint
from tests.hooks.helpers import HooksTestCase


class EndpointUrlTests(HooksTestCase):
    def refused(self, url: str) -> list[str]:
        with self.assertRaises(ValidationError) as raised:
            create_endpoint(Actor(self.owner), self.org, url=url, event_types=["award.issued"])
        return raised.exception.message_dict["url"]

    def test_loopback_private_and_link_local_addresses_are_refused_in_production(self) -> None:
        with override_settings(WEBHOOK_ALLOW_LOOPBACK=False):
            for url in (
                "https://127.0.0.1/hook",
                "https://localhost/hook",
                "https://[::1]/hook",
                "https://10.1.2.3/hook",
                "https://192.168.0.10/hook",
                "https://169.254.169.254/latest/meta-data/",
                "https://[::ffff:10.0.0.1]/hook",
                "https://100.64.0.1/hook",
            ):
                with self.subTest(url=url):
                    [message] = self.refused(url)
                    self.assertIn("private, loopback or link-local", message)

    def test_link_local_and_private_stay_refused_when_loopback_is_allowed(self) -> None:
        for url in ("http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/hook", "http://[fe80::1]/"):
            with self.subTest(url=url):
                self.assertIn("private, loopback or link-local", self.refused(url)[0])

    def test_plain_http_is_refused_in_production(self) -> None:
        with override_settings(WEBHOOK_ALLOW_LOOPBACK=False):
            self.assertEqual(
                self.refused("http://lms.example.ac.kr/hook"), ["The URL must start with https://."]
            )

    def test_urls_that_are_not_http_or_lack_a_host_or_carry_credentials_are_refused(self) -> None:
        for url in (
            "ftp://example.com/x",
            "file:///etc/passwd",
            "https://",
            "https://u:p@127.0.0.1/x",
            "hook",
        ):
            with self.subTest(url=url):
                self.assertTrue(self.refused(url))

    def test_a_host_name_that_does_not_resolve_is_refused(self) -> None:
        [message] = self.refused("https://no-such-host.invalid/hook")
        self.assertIn("could not be found", message)

    def test_unknown_or_no_event_types_are_refused_and_nothing_is_saved(self) -> None:
        before = Endpoint.objects.count()
        for types in ([], ["award.deleted"]):
            with self.subTest(types=types), self.assertRaises(ValidationError) as raised:
                create_endpoint(Actor(self.owner), self.org, url=self.receiver.url, event_types=types)
            self.assertIn("event_types", raised.exception.message_dict)
        self.assertEqual(Endpoint.objects.count(), before)

    def test_loopback_is_allowed_only_with_the_setting(self) -> None:
        self.assertEqual(check_url(f" {self.receiver.url} "), self.receiver.url)
        with override_settings(WEBHOOK_ALLOW_LOOPBACK=False), self.assertRaises(ValidationError):
            check_url(self.receiver.url)

    def test_a_send_is_refused_without_connecting_once_the_address_is_no_longer_allowed(self) -> None:
        self.award()
        with override_settings(WEBHOOK_ALLOW_LOOPBACK=False):
            self.deliver()
        self.assertEqual(self.receiver.received, [])
        [attempt] = Attempt.objects.filter(delivery__in=Delivery.objects.filter(endpoint=self.endpoint))
        self.assertIsNone(attempt.status_code)
        self.assertIn("scheme 'http' is not allowed", attempt.error)
