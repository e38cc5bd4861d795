import json

from laurel.credentials.actions import credential_for
from tests.awards.helpers import make_achievement
from tests.awards.public_helpers import PublicTestCase


class IssuerProfilePageTests(PublicTestCase):
    def test_the_page_lists_the_public_badges_in_the_asked_language(self) -> None:
        make_achievement(self.org, "retired", name_en="Retired Badge", archived=True)
        english = self.client.get("/o/hanbit/?lang=en")
        self.assertContains(english, '<html lang="en">')
        self.assertContains(english, "Hanbit University")
        self.assertContains(english, "Design Thinking")
        self.assertContains(english, f'href="/i/{self.badge.public_id}/?lang=en"')
        self.assertNotContains(english, "Retired Badge")
        korean = self.client.get("/o/hanbit/?lang=ko")
        self.assertContains(korean, "한빛대학교")
        self.assertContains(korean, "디자인 씽킹")

    def test_other_organizations_badges_are_not_listed(self) -> None:
        make_achievement(self.other_org, "theirs", name_en="Other Academy Badge")
        self.assertNotContains(self.client.get("/o/hanbit/?lang=en"), "Other Academy Badge")
        self.assertContains(self.client.get("/o/other/?lang=en"), "Other Academy Badge")

    def test_the_json_profile_equals_the_issuer_inside_the_credential(self) -> None:
        for lang in ("ko", "en"):
            with self.subTest(lang=lang):
                issued = credential_for(self.award(), lang).json
                response = self.client.get(f"/o/hanbit/?lang={lang}", HTTP_ACCEPT="application/ld+json")
                self.assertEqual(response["Content-Type"], "application/ld+json")
                document = json.loads(response.content)
                self.assertEqual(document.pop("@context"), issued["@context"])
                self.assertEqual(document, issued["issuer"])
                self.assertEqual(document["url"], "http://127.0.0.1:8000/o/hanbit/")

    def test_format_json_works_without_an_accept_header(self) -> None:
        response = self.client.get("/o/hanbit/?format=json")
        document = json.loads(response.content)
        self.assertEqual(document["type"], ["Profile"])
        self.assertEqual(document["name"], "한빛대학교")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")

    def test_an_unknown_organization_is_404(self) -> None:
        self.assertEqual(self.client.get("/o/nobody/").status_code, 404)

    def test_the_did_document_and_status_lists_still_resolve_beside_the_page(self) -> None:
        credential = credential_for(self.award(), "ko").json
        status_url = credential["credentialStatus"]["statusListCredential"]
        self.assertEqual(self.client.get(status_url.removeprefix("http://127.0.0.1:8000")).status_code, 200)
        self.assertEqual(self.client.get("/o/hanbit/").status_code, 200)
