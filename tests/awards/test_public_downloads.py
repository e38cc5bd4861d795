import json

from django.test import override_settings

from laurel.core.fetching import local_fetcher
from laurel.credentials.models import Credential
from laurel.events.models import DailyCount, Kind
from laurel.vc import baking
from laurel.vc.verify import verify
from tests.awards.public_helpers import PublicTestCase


class DownloadTests(PublicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.granted = self.award()
        self.base = f"/a/{self.granted.public_id}/credential"

    def stored(self, lang: str) -> Credential:
        return Credential.objects.get(award=self.granted, language=lang)

    def test_the_json_download_is_the_stored_credential_of_that_language(self) -> None:
        for lang in ("ko", "en"):
            with self.subTest(lang=lang):
                response = self.client.get(f"{self.base}.json?lang={lang}")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(json.loads(response.content), self.stored(lang).json)
                self.assertEqual(response["Content-Language"], lang)
                achievement = self.stored(lang).json["credentialSubject"]["achievement"]
                self.assertEqual(achievement["inLanguage"], lang)

    def test_json_ld_clients_get_the_json_ld_media_type(self) -> None:
        plain = self.client.get(f"{self.base}.json?lang=en")
        self.assertEqual(plain["Content-Type"], "application/json")
        linked = self.client.get(f"{self.base}.json?lang=en", HTTP_ACCEPT="application/ld+json")
        self.assertEqual(linked["Content-Type"], "application/ld+json")
        self.assertIn("Accept", linked["Vary"])

    def test_the_jwt_download_is_the_stored_compact_token(self) -> None:
        response = self.client.get(f"{self.base}.jwt?lang=ko")
        self.assertEqual(response["Content-Type"], "application/jwt")
        self.assertEqual(response.content.decode(), self.stored("ko").jwt)
        self.assertEqual(response.content.count(b"."), 2)

    def test_downloads_are_attachments_with_a_telling_name(self) -> None:
        for fmt in ("json", "jwt", "png", "svg"):
            with self.subTest(fmt=fmt):
                response = self.client.get(f"{self.base}.{fmt}?lang=en")
                self.assertEqual(
                    response["Content-Disposition"],
                    f'attachment; filename="design-thinking-{self.granted.public_id}-en.{fmt}"',
                )

    def test_the_baked_png_carries_exactly_the_stored_credential(self) -> None:
        response = self.client.get(f"{self.base}.png?lang=en")
        self.assertEqual(response["Content-Type"], "image/png")
        baked = baking.extract(response.content)
        self.assertEqual(json.loads(baked.payload), self.stored("en").json)
        self.assertTrue(verify(response.content, fetcher=local_fetcher()).valid)

    def test_the_baked_svg_carries_exactly_the_stored_credential(self) -> None:
        response = self.client.get(f"{self.base}.svg?lang=ko")
        self.assertEqual(response["Content-Type"], "image/svg+xml")
        self.assertIn("sandbox", response["Content-Security-Policy"])
        baked = baking.extract(response.content)
        self.assertEqual(json.loads(baked.payload), self.stored("ko").json)

    def test_a_badge_without_an_svg_image_has_no_baked_svg(self) -> None:
        granted = self.award(self.korean_only)
        response = self.client.get(f"/a/{granted.public_id}/credential.svg")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertNotContains(self.client.get(f"/a/{granted.public_id}/"), "credential.svg", status_code=200)

    def test_unknown_awards_and_formats_are_problem_404s(self) -> None:
        for path in ("/a/nope/credential.json", f"{self.base}.xml"):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response["Content-Type"], "application/problem+json")

    def test_any_origin_may_read_the_downloads(self) -> None:
        for fmt in ("json", "jwt", "png", "svg"):
            with self.subTest(fmt=fmt):
                response = self.client.get(f"{self.base}.{fmt}?lang=en", HTTP_ORIGIN="https://wallet.example")
                self.assertEqual(response["Access-Control-Allow-Origin"], "*")
                self.assertIn("ETag", response["Access-Control-Expose-Headers"])
        preflight = self.client.options(f"{self.base}.json", HTTP_ORIGIN="https://wallet.example")
        self.assertEqual(preflight.status_code, 204)
        self.assertIn("GET", preflight["Access-Control-Allow-Methods"])

    def test_a_credential_named_by_its_language_is_cached_for_good_and_revalidates(self) -> None:
        response = self.client.get(f"{self.base}.json?lang=en")
        self.assertEqual(response["Cache-Control"], "public, max-age=31536000, immutable")
        again = self.client.get(f"{self.base}.json?lang=en", HTTP_IF_NONE_MATCH=response["ETag"])
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")

    def test_without_a_language_the_organizations_language_is_served_briefly_cached(self) -> None:
        response = self.client.get(f"{self.base}.json")
        self.assertEqual(response["Content-Language"], "ko")
        self.assertEqual(json.loads(response.content), self.stored("ko").json)
        self.assertEqual(response["Cache-Control"], "public, max-age=300")

    def test_an_unknown_language_falls_back_to_the_organizations(self) -> None:
        response = self.client.get(f"{self.base}.json?lang=fr")
        self.assertEqual(response["Content-Language"], "ko")
        self.assertEqual(response["Cache-Control"], "public, max-age=300")

    @override_settings()
    def test_a_language_the_badge_lacks_falls_back_to_the_one_it_has(self) -> None:
        self.org.default_language = "en"
        self.org.save()
        granted = self.award(self.korean_only)
        response = self.client.get(f"/a/{granted.public_id}/credential.json?lang=en")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Language"], "ko")
        self.assertEqual(
            json.loads(response.content)["credentialSubject"]["achievement"]["name"], "실험실 안전"
        )

    def test_each_download_is_counted_by_format(self) -> None:
        for fmt in ("json", "json", "png"):
            self.client.get(f"{self.base}.{fmt}?lang=en")
        counts = dict(
            DailyCount.objects.filter(award=self.granted, kind=Kind.DOWNLOAD).values_list("detail", "count")
        )
        self.assertEqual(counts, {"json": 2, "png": 1})

    def test_downloading_signs_an_award_the_worker_has_not_reached(self) -> None:
        self.assertFalse(Credential.objects.filter(award=self.granted).exists())
        self.assertEqual(self.client.get(f"{self.base}.jwt?lang=en").status_code, 200)
        self.assertEqual(Credential.objects.filter(award=self.granted).count(), 2)


class CredentialIdTests(PublicTestCase):
    def test_the_credential_id_dereferences_to_the_credential_for_json_clients(self) -> None:
        granted = self.award()
        for lang in ("ko", "en"):
            with self.subTest(lang=lang):
                response = self.client.get(
                    f"/a/{granted.public_id}/?lang={lang}", HTTP_ACCEPT="application/ld+json"
                )
                stored = Credential.objects.get(award=granted, language=lang)
                self.assertEqual(json.loads(response.content), stored.json)
                self.assertEqual(stored.json["id"], f"{granted.public_url}?lang={lang}")
        browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        page = self.client.get(f"/a/{granted.public_id}/?lang=en", HTTP_ACCEPT=browser)
        self.assertContains(page, "<h1")
