from django.urls import reverse

from laurel.test import BaseTestCase


class HomeTests(BaseTestCase):
    def test_anonymous_visitor_sees_the_welcome_page(self) -> None:
        response = self.client.get("/")
        self.assertContains(response, reverse("accounts:login"))

    def test_single_org_member_is_taken_to_the_dashboard(self) -> None:
        self.login(self.teammate)
        response = self.client.get("/")
        self.assertRedirects(response, "/orgs/hanbit/", fetch_redirect_response=False)

    def test_outsider_gets_404_on_another_orgs_dashboard(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get("/orgs/hanbit/").status_code, 404)

    def test_owner_without_second_factor_is_sent_to_set_one_up(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.get("/orgs/hanbit/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/two-factor/", response["Location"])
