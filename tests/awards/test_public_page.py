import datetime
import importlib.util

import time_machine
from django.conf import settings

from tests.awards.helpers import NOW, AwardsTestCase, make_achievement, make_award, png_asset


@time_machine.travel(NOW, tick=False)
class PublicAwardPageTests(AwardsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.image = png_asset()
        cls.badge = make_achievement(
            cls.org,
            "designer",
            name_ko="디자인 씽킹",
            name_en="Design Thinking",
            description_ko="문제를 정의하고 해결합니다.",
            description_en="Defines and solves problems.",
            criteria_en="Finish **three** projects.\n\n<script>alert(1)</script>",
            image=cls.image,
            validity_days=730,
        )
        cls.award = make_award(
            cls.badge,
            "hong@example.com",
            "홍길동",
            issued_on=datetime.date(2025, 3, 2),
            expires_on=datetime.date(2027, 3, 2),
            evidence_url="https://portfolio.example/hong",
            evidence_narrative="캡스톤 발표",
        )
        cls.url = f"/a/{cls.award.public_id}/"

    def test_anyone_sees_the_badge_recipient_issuer_and_dates(self) -> None:
        self.client.logout()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get(self.url)
        self.assertContains(response, "Design Thinking")
        self.assertContains(response, "Defines and solves problems.")
        self.assertContains(response, "홍길동")
        self.assertContains(response, "Hanbit University")
        self.assertContains(response, "2025-03-02")
        self.assertContains(response, "2027-03-02")
        self.assertContains(response, "https://portfolio.example/hong")
        self.assertContains(response, "캡스톤 발표")

    def test_it_never_shows_the_recipients_email(self) -> None:
        for user in (None, self.learner, self.outsider, self.teammate):
            with self.subTest(user=user and user.email):
                if user is None:
                    self.client.logout()
                else:
                    self.login(user)
                self.assertNotContains(self.client.get(self.url), "hong@example.com")

    def test_the_badge_reads_in_korean_for_korean_visitors(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
        response = self.client.get(self.url)
        self.assertContains(response, "디자인 씽킹")
        self.assertContains(response, "한빛대학교")

    def test_the_image_is_served_by_content_hash(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, f'src="/i/image/{self.image.sha256}.png"')

    def test_open_graph_tags_use_absolute_urls(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, '<meta property="og:title" content="Design Thinking')
        self.assertContains(
            response, f'<meta property="og:url" content="{settings.SITE_URL}/a/{self.award.public_id}/">'
        )
        self.assertContains(
            response,
            f'<meta property="og:image" content="{settings.SITE_URL}/i/image/{self.image.sha256}.png">',
        )
        self.assertContains(response, 'property="og:description"')

    def test_criteria_are_shown_without_running_markup(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "three")
        self.assertNotContains(response, "<script>alert(1)</script>")
        if importlib.util.find_spec("laurel.achievements.markdown"):
            self.assertContains(response, "<strong>three</strong>")

    def test_a_revoked_award_says_so(self) -> None:
        revoked = make_award(self.python, "kim@example.com", "김철수", revoked_at=NOW)
        response = self.client.get(f"/a/{revoked.public_id}/")
        self.assertContains(response, "This badge was revoked")

    def test_an_expired_award_says_so(self) -> None:
        expired = make_award(
            self.safety,
            "kim@example.com",
            "김철수",
            issued_on=datetime.date(2023, 1, 1),
            expires_on=datetime.date(2024, 1, 1),
        )
        self.assertContains(self.client.get(f"/a/{expired.public_id}/"), "This badge expired on 2024-01-01")

    def test_an_active_award_has_no_warning(self) -> None:
        self.assertNotContains(self.client.get(self.url), 'role="alert"')

    def test_an_unknown_id_is_404(self) -> None:
        self.assertEqual(self.client.get("/a/no-such-award/").status_code, 404)
        self.assertEqual(self.client.get(f"/a/{self.award.pk}/").status_code, 404)

    def test_the_page_sends_the_content_security_policy_and_no_inline_styles(self) -> None:
        response = self.client.get(self.url)
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
        self.assertNotContains(response, "style=")
        self.assertNotContains(response, "<script>")
