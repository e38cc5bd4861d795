from django.test import RequestFactory, SimpleTestCase, override_settings

from laurel.core.http import client_ip


class ClientIpTests(SimpleTestCase):
    def request(self, forwarded: str = "") -> object:
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
        return RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", **extra)

    @override_settings(TRUSTED_PROXIES=0)
    def test_without_trusted_proxies_a_forged_header_is_ignored(self) -> None:
        self.assertEqual(client_ip(self.request("203.0.113.9")), "10.0.0.5")

    @override_settings(TRUSTED_PROXIES=1)
    def test_behind_one_proxy_the_last_forwarded_address_is_the_client(self) -> None:
        # The client forged "1.2.3.4"; our proxy appended the real address.
        self.assertEqual(client_ip(self.request("1.2.3.4, 198.51.100.7")), "198.51.100.7")

    @override_settings(TRUSTED_PROXIES=2)
    def test_behind_two_proxies_the_address_before_them_is_the_client(self) -> None:
        self.assertEqual(client_ip(self.request("1.2.3.4, 198.51.100.7, 10.0.0.2")), "198.51.100.7")

    @override_settings(TRUSTED_PROXIES=1)
    def test_a_missing_header_falls_back_to_the_connection(self) -> None:
        self.assertEqual(client_ip(self.request()), "10.0.0.5")
