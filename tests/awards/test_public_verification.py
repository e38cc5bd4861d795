import re

import time_machine
from django.conf import settings
from django.utils import timezone

from laurel.core.qr import qr_svg
from laurel.credentials.actions import revoke, suspend
from laurel.events.models import DailyCount, Kind
from tests.awards.public_helpers import PublicTestCase


class VerificationPageTests(PublicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.granted = self.award()
        self.page = f"/a/{self.granted.public_id}/"
        self.verify_url = f"/a/{self.granted.public_id}/verify"

    def verify_json(self, lang: str = "en") -> dict:
        response = self.client.post(self.verify_url, {"lang": lang}, HTTP_ACCEPT="application/json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Language"], lang)
        return response.json()

    def test_the_page_speaks_the_language_asked_for_in_the_query(self) -> None:
        korean = self.client.get(self.page + "?lang=ko")
        self.assertContains(korean, '<html lang="ko">')
        self.assertContains(korean, "디자인 씽킹")
        self.assertContains(korean, "프로젝트 세 개를 마칩니다.")
        english = self.client.get(self.page + "?lang=en")
        self.assertContains(english, '<html lang="en">')
        self.assertContains(english, "Design Thinking")
        self.assertContains(english, "Finish three projects.")
        self.assertContains(english, 'href="?lang=ko"')

    def test_without_a_choice_the_page_uses_the_organizations_language(self) -> None:
        response = self.client.get(self.page)
        self.assertEqual(response["Content-Language"], self.org.default_language)
        self.assertContains(response, "디자인 씽킹")

    def test_the_visitors_language_choice_beats_the_organizations(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.assertContains(self.client.get(self.page), "Design Thinking")

    def test_a_badge_in_one_language_shows_it_inside_a_page_in_the_other(self) -> None:
        granted = self.award(self.korean_only)
        response = self.client.get(f"/a/{granted.public_id}/?lang=en")
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, '<h1 lang="ko">실험실 안전</h1>', html=False)

    def test_the_steps_speak_the_pages_language_even_to_a_korean_browser(self) -> None:
        response = self.client.post(
            self.verify_url + "?lang=en",
            {"lang": "en"},
            HTTP_ACCEPT="application/json",
            HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9",
        )
        labels = {step["id"]: (step["label"], step["status_label"]) for step in response.json()["checks"]}
        self.assertEqual(labels["proof"], ("Digital signature", "Passed"))
        self.assertIn("Digital signature", response.json()["html"])
        self.assertNotIn("전자 서명", response.json()["html"])

    def test_a_page_view_is_counted(self) -> None:
        self.client.get(self.page + "?lang=en")
        self.client.get(self.page + "?lang=en&src=qr")
        views = DailyCount.objects.get(award=self.granted, kind=Kind.PAGE_VIEW)
        self.assertEqual(views.count, 2)
        self.assertEqual(DailyCount.objects.get(award=self.granted, kind=Kind.QR_SCAN).count, 1)

    def test_the_page_has_a_qr_code_of_its_own_address(self) -> None:
        response = self.client.get(self.page + "?lang=en")
        # The page's address in its language, marked as reached through the code.
        expected = f"{settings.SITE_URL}/a/{self.granted.public_id}/?lang=en&src=qr"
        self.assertContains(response, qr_svg(expected, "QR code for this page"), html=False)

    def test_the_page_links_every_download_in_each_language(self) -> None:
        response = self.client.get(self.page + "?lang=en")
        for lang in ("ko", "en"):
            for fmt in ("json", "jwt", "png", "svg"):
                self.assertContains(
                    response, f'href="/a/{self.granted.public_id}/credential.{fmt}?lang={lang}"'
                )

    def test_the_verify_button_is_a_form_any_visitor_can_post(self) -> None:
        response = self.client.get(self.page + "?lang=en")
        self.assertContains(response, f'action="/a/{self.granted.public_id}/verify?lang=en"')
        self.assertContains(response, 'name="csrfmiddlewaretoken"')
        self.assertContains(response, 'aria-live="polite"')
        self.assertContains(response, '<script src="/static/laurel/verify.js" defer></script>')

    def test_a_fresh_award_passes_every_check(self) -> None:
        body = self.verify_json()
        self.assertTrue(body["valid"])
        ids = [check["id"] for check in body["checks"]]
        self.assertEqual(
            ids, ["input", "structure", "jsonld", "proof", "issuer", "validity", "status", "suspension"]
        )
        self.assertEqual({check["status"] for check in body["checks"]}, {"pass"})
        self.assertIn("This credential is valid.", body["html"])

    def test_the_checks_read_in_korean_on_the_korean_page(self) -> None:
        body = self.verify_json("ko")
        proof = next(check for check in body["checks"] if check["id"] == "proof")
        self.assertRegex(proof["message"], "[가-힣]")

    def test_after_revocation_the_status_check_fails_with_the_public_reason(self) -> None:
        revoke(self.actor, self.granted, "Plagiarised final project")
        body = self.verify_json()
        self.assertFalse(body["valid"])
        status = next(check for check in body["checks"] if check["id"] == "status")
        self.assertEqual(status["status"], "fail")
        self.assertIn("Plagiarised final project", status["note"])
        self.assertEqual(body["status"]["status"], "revoked")
        # The signature itself is still sound: only the status says no.
        self.assertEqual(next(c for c in body["checks"] if c["id"] == "proof")["status"], "pass")

    def test_a_suspension_fails_the_issuers_record_check(self) -> None:
        suspend(self.actor, self.granted, "Under review")
        body = self.verify_json()
        self.assertFalse(body["valid"])
        suspension = next(check for check in body["checks"] if check["id"] == "suspension")
        self.assertEqual(suspension["status"], "fail")
        self.assertIn("Under review", suspension["note"])

    def test_without_javascript_the_form_post_answers_with_the_page_and_the_steps(self) -> None:
        revoke(self.actor, self.granted, "Issued by mistake")
        response = self.client.post(self.verify_url + "?lang=en", {"lang": "en"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This credential is not valid.")
        self.assertContains(response, 'data-check="status" data-status="fail"')
        self.assertContains(response, "Issued by mistake")
        self.assertEqual(len(re.findall(r'class="verify-step ', response.content.decode())), 8)

    def test_the_verify_form_needs_the_csrf_token(self) -> None:
        self.client.handler.enforce_csrf_checks = True
        response = self.client.post(self.verify_url, {"lang": "en"})
        self.assertEqual(response.status_code, 403)
        page = self.client.get(self.page + "?lang=en")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        assert token is not None
        response = self.client.post(self.verify_url, {"lang": "en", "csrfmiddlewaretoken": token[1]})
        self.assertEqual(response.status_code, 200)

    def test_verifications_are_counted_by_result(self) -> None:
        self.verify_json()
        revoke(self.actor, self.granted, "Wrong person")
        self.verify_json()
        counts = dict(
            DailyCount.objects.filter(award=self.granted, kind=Kind.VERIFICATION).values_list(
                "detail", "count"
            )
        )
        self.assertEqual(counts, {"valid": 1, "invalid": 1})

    def test_verification_is_rate_limited_per_address(self) -> None:
        # Time stands still so a slow machine cannot refill the bucket between requests.
        with time_machine.travel(timezone.now(), tick=False):
            self.check_the_limit()

    def check_the_limit(self) -> None:
        for _ in range(20):
            self.assertEqual(
                self.client.post(self.verify_url, HTTP_ACCEPT="application/json").status_code, 200
            )
        limited = self.client.post(self.verify_url, HTTP_ACCEPT="application/json")
        self.assertEqual(limited.status_code, 429)
        self.assertEqual(limited["Content-Type"], "application/problem+json")
        self.assertTrue(int(limited["Retry-After"]) > 0)
        self.assertEqual(self.client.post(self.verify_url, REMOTE_ADDR="198.51.100.7").status_code, 200)

    def test_verify_only_accepts_posts(self) -> None:
        self.assertEqual(self.client.get(self.verify_url).status_code, 405)

    def test_the_status_banner_shows_the_reason_and_date(self) -> None:
        suspend(self.actor, self.granted, "Under review")
        response = self.client.get(self.page + "?lang=en")
        self.assertContains(response, 'data-status="suspended"')
        self.assertContains(response, "Under review")
        self.assertContains(response, "The issuer suspended this badge on")

    def test_open_graph_tags_follow_the_page_language(self) -> None:
        response = self.client.get(self.page + "?lang=en")
        self.assertContains(
            response, '<meta property="og:title" content="Design Thinking · Hanbit University">'
        )
        self.assertContains(
            response,
            f'<meta property="og:image" content="{settings.SITE_URL}/i/image/{self.png.sha256}.png">',
        )
        self.assertContains(response, '<meta property="og:locale" content="en_US">')
