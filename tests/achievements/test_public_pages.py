from django.test import override_settings

import laurel.settings
from laurel.achievements.actions import archive_achievement, update_achievement
from laurel.achievements.forms import validate_achievement
from laurel.achievements.images import prepare_upload, store_image
from laurel.core.actor import Actor
from laurel.test import BaseTestCase
from tests.achievements.helpers import award, badge_dict, make_badge

EXPECTED_SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


class PublicPageTests(BaseTestCase):
    language = "ko"  # these pages show the badge's Korean text to Korean readers

    def setUp(self) -> None:
        self.badge = make_badge(
            self.org,
            self.teammate,
            criteria_ko="",
            criteria_en="Submit a project. <script>alert(1)</script> [more](https://example.org/more)",
            skills=["Python", "데이터 분석"],
            alignments=[
                {
                    "targetName": "NCS 응용SW엔지니어링",
                    "targetUrl": "https://ncs.go.kr/unit/2001020201",
                    "targetCode": "2001020201",
                    "targetType": "CFItem",
                }
            ],
            achievement_type="ext:Hackathon",
        )
        self.url = f"/i/{self.badge.public_id}/"

    def test_anyone_sees_the_badge_in_korean_by_default(self) -> None:
        del self.client.defaults["HTTP_ACCEPT_LANGUAGE"]
        with override_settings(LANGUAGE_CODE=laurel.settings.LANGUAGE_CODE):
            response = self.client.get(self.url)
        self.assertContains(response, '<h1 lang="ko">파이썬 기초</h1>', html=False)
        self.assertContains(response, "한빛대학교")
        self.assertContains(response, 'alt="파란 원형 배지"')
        self.assertContains(response, "데이터 분석")
        self.assertContains(response, 'href="https://ncs.go.kr/unit/2001020201" rel="nofollow noopener"')
        self.assertContains(response, "Hackathon")

    def test_english_readers_get_english_and_missing_criteria_fall_back_marked_with_lang(self) -> None:
        self.client.cookies["django_language"] = "en"
        badge = make_badge(self.org, self.teammate, criteria_ko="과제를 제출합니다.", criteria_en="")
        response = self.client.get(f"/i/{badge.public_id}/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, '<h1 lang="en">Python Basics</h1>', html=False)
        self.assertContains(response, '<div class="markdown" lang="ko"><p>과제를 제출합니다.</p>')

    def test_criteria_are_rendered_without_the_script(self) -> None:
        self.client.cookies["django_language"] = "en"
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertNotContains(response, "<script>alert(1)")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_an_archived_badge_still_resolves(self) -> None:
        archive_achievement(Actor(self.owner), self.badge)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "파이썬 기초")

    def test_an_unknown_badge_is_404(self) -> None:
        self.assertEqual(self.client.get("/i/00000000-0000-4000-8000-000000000000/").status_code, 404)

    def test_an_old_version_keeps_its_page_after_a_new_one(self) -> None:
        award(self.badge)
        data = validate_achievement(badge_dict(name_ko="파이썬 중급"), org=self.org, achievement=self.badge)
        update_achievement(Actor(self.teammate), self.badge, data)
        self.assertContains(self.client.get(f"/i/{self.badge.public_id}/v/1/"), "파이썬 기초")
        self.assertContains(self.client.get(self.url), "파이썬 중급")


class PublicImageTests(BaseTestCase):
    def setUp(self) -> None:
        self.badge = make_badge(self.org, self.teammate)
        self.version = self.badge.current_version

    def test_the_designed_svg_is_served_with_a_strict_csp_and_nosniff(self) -> None:
        response = self.client.get(f"/i/{self.badge.public_id}/image")
        self.assertEqual(response["Content-Type"], "image/svg+xml")
        self.assertEqual(response["Content-Security-Policy"], EXPECTED_SVG_CSP)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response.content, bytes(self.version.image.data))

    @override_settings(MAX_IMAGE_BYTES=1024 * 1024)
    def test_an_uploaded_svg_by_hash_is_immutable_and_sandboxed(self) -> None:
        image = prepare_upload(
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            b'<rect width="10" height="10"/></svg>'
        )
        asset = store_image(image.data, image.content_type, image.width, image.height)
        response = self.client.get(f"/i/image/{asset.sha256}.svg")
        self.assertEqual(response["Content-Security-Policy"], EXPECTED_SVG_CSP)
        self.assertIn("immutable", response["Cache-Control"])
        self.assertEqual(self.client.get(f"/i/image/{asset.sha256}.png").status_code, 404)

    def test_the_png_rendering_is_served_as_png(self) -> None:
        response = self.client.get(f"/i/{self.badge.public_id}/v/1/image.png")
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertTrue(response.content.startswith(b"\x89PNG"))
        self.assertNotIn("sandbox", response["Content-Security-Policy"])

    def test_a_version_image_is_cached_for_long_only_once_awarded(self) -> None:
        url = f"/i/{self.badge.public_id}/v/1/image.svg"
        self.assertNotIn("immutable", self.client.get(url)["Cache-Control"])
        award(self.badge)
        self.assertIn("immutable", self.client.get(url)["Cache-Control"])

    def test_unknown_hash_or_extension_is_404(self) -> None:
        self.assertEqual(self.client.get("/i/image/" + "0" * 64 + ".png").status_code, 404)
        self.assertEqual(self.client.get(f"/i/{self.badge.public_id}/v/1/image.gif").status_code, 404)
        self.assertEqual(self.client.get(f"/i/{self.badge.public_id}/v/9/image.png").status_code, 404)
