from django.test import Client, override_settings
from django.urls import reverse

import laurel.settings
from laurel.test import BaseTestCase


class LanguageSwitchTests(BaseTestCase):
    def setUp(self) -> None:
        self.login_url = reverse("accounts:login")

    def switch_to(self, language: str, next_url: str) -> None:
        response = self.client.post(reverse("set_language"), {"language": language, "next": next_url})
        self.assertRedirects(response, next_url, fetch_redirect_response=False)

    def test_sign_in_page_is_korean_for_a_browser_asking_for_korean(self) -> None:
        response = self.client.get(self.login_url, HTTP_ACCEPT_LANGUAGE="ko")
        self.assertContains(response, '<html lang="ko">')
        self.assertContains(response, "<h1>로그인</h1>", html=False)
        self.assertContains(response, "비밀번호")
        self.assertNotContains(response, "Sign in")

    def test_sign_in_page_is_korean_when_the_browser_states_no_language(self) -> None:
        # The production default, whatever the test settings choose.
        self.assertEqual(laurel.settings.LANGUAGE_CODE, "ko")
        # A plain client: the suite's default client may ask for a language.
        with override_settings(LANGUAGE_CODE=laurel.settings.LANGUAGE_CODE):
            response = Client().get(self.login_url)
        self.assertNotIn("HTTP_ACCEPT_LANGUAGE", response.request)
        self.assertContains(response, "<h1>로그인</h1>", html=False)

    def test_sign_in_page_is_english_for_a_browser_asking_for_english(self) -> None:
        response = self.client.get(self.login_url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "<h1>Sign in</h1>", html=False)
        self.assertNotContains(response, "로그인")

    def test_switching_to_english_overrides_a_korean_browser_and_switching_back_restores_korean(self) -> None:
        self.switch_to("en", self.login_url)
        response = self.client.get(self.login_url, HTTP_ACCEPT_LANGUAGE="ko")
        self.assertContains(response, "<h1>Sign in</h1>", html=False)
        self.assertContains(response, "Forgot your password?")

        self.switch_to("ko", self.login_url)
        response = self.client.get(self.login_url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "<h1>로그인</h1>", html=False)

    def test_teammate_sees_the_organization_menu_in_korean_then_in_english(self) -> None:
        self.login(self.teammate)
        dashboard = reverse("orgs:dashboard", kwargs={"slug": self.org.slug})
        response = self.client.get(dashboard, HTTP_ACCEPT_LANGUAGE="ko")
        for label in ("대시보드", "배지", "일괄 수여", "발급 이력", "구성원", "로그아웃"):
            self.assertContains(response, label)

        self.switch_to("en", dashboard)
        response = self.client.get(dashboard, HTTP_ACCEPT_LANGUAGE="ko")
        for label in ("Dashboard", "Badges", "Bulk award", "Issuance history", "Members", "Sign out"):
            self.assertContains(response, label)
        self.assertNotContains(response, "발급 이력")

    def test_owner_sees_the_audit_log_heading_in_korean(self) -> None:
        self.login(self.owner)
        response = self.client.get(
            reverse("audit:list", kwargs={"slug": self.org.slug}), HTTP_ACCEPT_LANGUAGE="ko"
        )
        self.assertContains(response, "감사 로그")
        self.assertNotContains(response, "Audit log")

    def test_outsider_still_gets_404_on_another_organization_in_either_language(self) -> None:
        self.login(self.outsider)
        dashboard = reverse("orgs:dashboard", kwargs={"slug": self.org.slug})
        self.assertEqual(self.client.get(dashboard, HTTP_ACCEPT_LANGUAGE="ko").status_code, 404)
        self.switch_to("en", "/")
        self.assertEqual(self.client.get(dashboard).status_code, 404)

    def test_learner_without_an_organization_sees_korean_account_links(self) -> None:
        self.login(self.learner)
        response = self.client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="ko")
        self.assertContains(response, "내 프로필")
        self.assertContains(response, "로그아웃")
        self.assertNotContains(response, "Sign out")
