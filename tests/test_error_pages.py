from django.test import override_settings

from laurel.test import BaseTestCase


class ErrorPageTests(BaseTestCase):
    def test_an_unknown_address_gets_the_site_404_page(self) -> None:
        response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, '<main id="main"', status_code=404)
        self.assertContains(response, "Page not found", status_code=404)

    def test_a_member_without_the_capability_gets_the_site_403_page(self) -> None:
        self.login(self.viewer)
        response = self.client.get("/orgs/hanbit/achievements/new/")
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "Not allowed", status_code=403)

    @override_settings(DEBUG=False)
    def test_the_500_page_stands_alone_in_both_languages(self) -> None:
        from django.template.loader import render_to_string

        html = render_to_string("500.html")
        self.assertIn("Something went wrong", html)
        self.assertIn("오류", html)
