"""Every address Laurel writes into a credential answers, with and without its ?lang."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.test import override_settings

from laurel.credentials.actions import credential_for
from tests.awards.public_helpers import PublicTestCase

HTTPS_SITE = "https://badges.example.com"


def addresses(node: Any) -> Iterator[str]:
    """Every string under an "id" or "url" key, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("id", "url") and isinstance(value, str):
                yield value
            yield from addresses(value)
    elif isinstance(node, list):
        for item in node:
            yield from addresses(item)


class CredentialAddressesTests(PublicTestCase):
    def walk(self) -> set[str]:
        granted = self.award(evidence_url="https://portfolio.example/hong")
        seen: set[str] = set()
        for lang in ("ko", "en"):
            document = credential_for(granted, lang).json
            seen |= {a for a in addresses(document) if a.startswith(settings.SITE_URL)}
        return seen

    def assert_all_resolve(self, seen: set[str]) -> None:
        for address in sorted(seen):
            parts = urlsplit(address)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            with self.subTest(address=address):
                self.assertEqual(self.client.get(path, HTTP_HOST=parts.netloc).status_code, 200)

    def test_every_site_address_in_a_did_key_credential_resolves(self) -> None:
        seen = self.walk()
        # The credential, achievement (and criteria), the other language, the image, the
        # issuer's page and the status list: at least these kinds of address.
        paths = {urlsplit(a).path.split("/")[1] for a in seen}
        self.assertTrue({"a", "i", "o"} <= paths, paths)
        self.assertTrue(any("?lang=ko" in a for a in seen) and any("?lang=en" in a for a in seen))
        self.assertTrue(any("/status/" in a for a in seen))
        self.assert_all_resolve(seen)

    @override_settings(SITE_URL=HTTPS_SITE, ALLOWED_HOSTS=["testserver", "badges.example.com"])
    def test_every_site_address_in_a_did_web_credential_resolves(self) -> None:
        seen = self.walk()
        self.assertTrue(seen)
        self.assert_all_resolve(seen)
