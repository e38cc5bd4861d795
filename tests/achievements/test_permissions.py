from laurel.achievements.models import Achievement
from laurel.test import BaseTestCase
from tests.achievements.helpers import form_post, make_badge


class PermissionTests(BaseTestCase):
    language = "ko"  # these pages show the badge's Korean text to Korean readers

    def setUp(self) -> None:
        self.badge = make_badge(self.org, self.teammate)
        self.edit_url = f"/orgs/hanbit/achievements/{self.badge.public_id}/edit/"

    def test_outsider_gets_404_on_the_list_the_editor_and_the_badge(self) -> None:
        self.login(self.outsider)
        for url in ["/orgs/hanbit/achievements/", "/orgs/hanbit/achievements/new/", self.edit_url]:
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_outsider_cannot_reach_a_badge_through_their_own_org(self) -> None:
        self.login(self.outsider)
        response = self.client.get(f"/orgs/other/achievements/{self.badge.public_id}/edit/")
        self.assertEqual(response.status_code, 404)

    def test_learner_without_membership_gets_404(self) -> None:
        self.login(self.learner)
        self.assertEqual(self.client.get("/orgs/hanbit/achievements/").status_code, 404)

    def test_viewer_can_list_badges_but_not_open_the_editor(self) -> None:
        self.login(self.viewer)
        listing = self.client.get("/orgs/hanbit/achievements/")
        self.assertContains(listing, "파이썬 기초")
        self.assertNotContains(listing, "/orgs/hanbit/achievements/new/")
        self.assertEqual(self.client.get("/orgs/hanbit/achievements/new/").status_code, 403)
        self.assertEqual(self.client.get(self.edit_url).status_code, 403)

    def test_viewer_cannot_save_or_archive(self) -> None:
        self.login(self.viewer)
        response = self.client.post(self.edit_url, form_post(name_en="Hijacked"))
        self.assertEqual(response.status_code, 403)
        response = self.client.post(f"/orgs/hanbit/achievements/{self.badge.public_id}/archive/")
        self.assertEqual(response.status_code, 403)
        self.badge.refresh_from_db()
        self.assertEqual(self.badge.current_version.name_en, "Python Basics")
        self.assertIsNone(self.badge.archived_at)

    def test_mentor_cannot_define_badges(self) -> None:
        self.login(self.mentor)
        self.assertEqual(self.client.post("/orgs/hanbit/achievements/new/", form_post()).status_code, 403)
        self.assertEqual(Achievement.objects.count(), 1)

    def test_teammate_can_create_a_badge(self) -> None:
        self.login(self.teammate)
        response = self.client.post("/orgs/hanbit/achievements/new/", form_post(name_en="Data Analysis"))
        created = Achievement.objects.get(slug="data-analysis")
        self.assertRedirects(response, f"/orgs/hanbit/achievements/{created.public_id}/")
        self.assertEqual(created.org, self.org)
        self.assertEqual(created.current_version.created_by, self.teammate)

    def test_owner_can_edit_a_badge(self) -> None:
        self.login(self.owner)
        response = self.client.post(self.edit_url, form_post(name_en="Python Fundamentals"))
        self.assertEqual(response.status_code, 302)
        self.badge.refresh_from_db()
        self.assertEqual(self.badge.current_version.name_en, "Python Fundamentals")

    def test_anonymous_visitor_is_sent_to_sign_in(self) -> None:
        response = self.client.get("/orgs/hanbit/achievements/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
