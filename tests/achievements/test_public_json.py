import json

from laurel.credentials.actions import credential_for
from tests.awards.public_helpers import PublicTestCase


class AchievementDocumentTests(PublicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.granted = self.award()
        self.path = f"/i/{self.badge.public_id}/v/1/"

    def test_the_json_document_equals_the_achievement_inside_the_credential(self) -> None:
        for lang in ("ko", "en"):
            with self.subTest(lang=lang):
                inside = credential_for(self.granted, lang).json["credentialSubject"]["achievement"]
                response = self.client.get(f"{self.path}?lang={lang}", HTTP_ACCEPT="application/ld+json")
                self.assertEqual(response["Content-Type"], "application/ld+json")
                document = json.loads(response.content)
                self.assertEqual(
                    document.pop("@context"), credential_for(self.granted, lang).json["@context"]
                )
                self.assertEqual(document, inside)

    def test_format_json_in_the_query_asks_for_the_document_too(self) -> None:
        response = self.client.get(f"{self.path}?lang=en&format=json")
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(json.loads(response.content)["name"], "Design Thinking")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")

    def test_a_browser_asking_for_html_gets_the_page(self) -> None:
        accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        response = self.client.get(f"{self.path}?lang=en", HTTP_ACCEPT=accept)
        self.assertContains(response, "<h1")

    def test_the_page_follows_lang_in_the_query(self) -> None:
        korean = self.client.get(f"{self.path}?lang=ko")
        self.assertContains(korean, '<html lang="ko">')
        self.assertContains(korean, "디자인 씽킹")
        self.assertEqual(korean["Content-Language"], "ko")
        english = self.client.get(f"{self.path}?lang=en")
        self.assertContains(english, '<html lang="en">')
        self.assertContains(english, "Finish three projects.")

    def test_a_language_the_badge_lacks_gives_the_document_it_has(self) -> None:
        response = self.client.get(f"/i/{self.korean_only.public_id}/v/1/?lang=en&format=json")
        document = json.loads(response.content)
        self.assertEqual(response["Content-Language"], "ko")
        self.assertEqual(document["inLanguage"], "ko")
        self.assertEqual(document["name"], "실험실 안전")

    def test_the_document_revalidates_with_its_etag(self) -> None:
        first = self.client.get(f"{self.path}?lang=en&format=json")
        again = self.client.get(f"{self.path}?lang=en&format=json", HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(again.status_code, 304)
