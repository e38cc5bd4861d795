import re

from laurel.test import BaseTestCase
from tests.achievements.helpers import make_badge


class SlugTests(BaseTestCase):
    def test_the_slug_comes_from_the_english_name(self) -> None:
        self.assertEqual(
            make_badge(self.org, self.teammate, name_en="Data Analysis 101").slug, "data-analysis-101"
        )

    def test_a_taken_slug_gets_a_number(self) -> None:
        make_badge(self.org, self.teammate)
        self.assertEqual(make_badge(self.org, self.teammate).slug, "python-basics-2")
        self.assertEqual(make_badge(self.org, self.teammate).slug, "python-basics-3")

    def test_a_korean_only_badge_gets_a_generated_slug(self) -> None:
        badge = make_badge(self.org, self.teammate, name_en="", description_en="", alt_text_en="")
        self.assertRegex(badge.slug, re.compile(r"^badge-[0-9a-f]{6}$"))

    def test_an_explicit_slug_is_kept(self) -> None:
        self.assertEqual(make_badge(self.org, self.teammate, slug="py-1").slug, "py-1")


class DetailPageTests(BaseTestCase):
    language = "ko"  # these pages show the badge's Korean text to Korean readers

    def setUp(self) -> None:
        self.badge = make_badge(self.org, self.teammate)
        self.url = f"/orgs/hanbit/achievements/{self.badge.public_id}/"

    def test_a_viewer_sees_the_badge_without_edit_or_archive_controls(self) -> None:
        self.login(self.viewer)
        response = self.client.get(self.url)
        self.assertContains(response, "파이썬 기초")
        self.assertContains(response, f"/i/{self.badge.public_id}/")
        self.assertNotContains(response, f"{self.url}edit/")
        self.assertNotContains(response, f"{self.url}archive/")

    def test_a_teammate_sees_edit_and_archive(self) -> None:
        self.login(self.teammate)
        response = self.client.get(self.url)
        self.assertContains(response, f"{self.url}edit/")
        self.assertContains(response, f"{self.url}archive/")

    def test_an_outsider_gets_404(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)
