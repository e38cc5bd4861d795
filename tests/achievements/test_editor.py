import json

from django.utils.translation import override

from laurel.achievements.models import Achievement
from laurel.test import BaseTestCase
from tests.achievements.helpers import award, form_post, make_badge


class EditorPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.teammate)

    def test_the_new_badge_page_has_a_label_for_every_input(self) -> None:
        response = self.client.get("/orgs/hanbit/achievements/new/")
        html = response.content.decode()
        self.assertContains(response, 'src="/static/laurel/designer.js"')
        self.assertNotIn("style=", html)
        self.assertNotIn("<script>", html)
        for name in [
            "name_ko",
            "name_en",
            "alt_text_ko",
            "design-primary",
            "alignments-0-targetUrl",
            "image_file",
        ]:
            self.assertIn(f'for="id_{name}"', html, name)

    def test_preview_without_javascript_shows_the_image_and_saves_nothing(self) -> None:
        response = self.client.post(
            "/orgs/hanbit/achievements/new/", form_post(preview="1", save="", name_ko="미리보기 배지")
        )
        self.assertEqual(Achievement.objects.count(), 0)
        self.assertContains(response, 'src="data:image/svg+xml;base64,')
        self.assertContains(response, "미리보기 배지")

    def test_preview_warns_about_low_contrast_colours(self) -> None:
        with override("en"):
            response = self.client.post(
                "/orgs/hanbit/achievements/new/",
                form_post(
                    preview="1", save="", **{"design-primary": "#777777", "design-secondary": "#888888"}
                ),
            )
        self.assertContains(response, "contrast of 1.")

    def test_saving_low_contrast_colours_is_allowed_with_a_warning(self) -> None:
        with override("en"):
            response = self.client.post(
                "/orgs/hanbit/achievements/new/",
                form_post(**{"design-primary": "#ffffff", "design-secondary": "#ffff00"}),
                follow=True,
            )
        self.assertEqual(Achievement.objects.count(), 1)
        self.assertTrue(any("contrast" in str(m) for m in response.context["messages"]))

    def test_design_preview_endpoint_returns_svg_and_contrast(self) -> None:
        response = self.client.get(
            "/orgs/hanbit/achievements/design-preview/",
            {
                "design-shape": "hexagon",
                "design-primary": "#000000",
                "design-secondary": "#ffffff",
                "design-icon": "code",
            },
        )
        body = json.loads(response.content)
        self.assertTrue(body["image"].startswith("data:image/svg+xml;base64,"))
        self.assertEqual(body["warning"], "")

    def test_design_preview_endpoint_names_a_bad_colour(self) -> None:
        response = self.client.get(
            "/orgs/hanbit/achievements/design-preview/",
            {
                "design-shape": "circle",
                "design-primary": "blue",
                "design-secondary": "#ffffff",
                "design-icon": "star",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("primary", json.loads(response.content)["errors"])

    def test_the_edit_page_is_filled_from_the_current_version(self) -> None:
        badge = make_badge(
            self.org,
            self.teammate,
            achievement_type="ext:Hackathon",
            skills=["Python", "SQL"],
            alignments=[{"targetName": "NCS", "targetUrl": "https://ncs.go.kr/"}],
        )
        response = self.client.get(f"/orgs/hanbit/achievements/{badge.public_id}/edit/")
        self.assertContains(response, 'value="Hackathon"')
        self.assertContains(response, "Python\nSQL")
        self.assertContains(response, 'value="https://ncs.go.kr/"')
        self.assertNotContains(response, "notice")

    def test_an_alignment_can_be_removed(self) -> None:
        badge = make_badge(
            self.org, self.teammate, alignments=[{"targetName": "NCS", "targetUrl": "https://ncs.go.kr/"}]
        )
        post = form_post(
            **{
                "alignments-TOTAL_FORMS": "1",
                "alignments-INITIAL_FORMS": "1",
                "alignments-0-targetName": "NCS",
                "alignments-0-targetUrl": "https://ncs.go.kr/",
                "alignments-0-DELETE": "on",
            }
        )
        self.client.post(f"/orgs/hanbit/achievements/{badge.public_id}/edit/", post)
        badge.refresh_from_db()
        self.assertEqual(badge.current_version.alignments, [])


class ListTests(BaseTestCase):
    language = "ko"  # these pages show the badge's Korean text to Korean readers

    def setUp(self) -> None:
        self.active = make_badge(self.org, self.teammate, name_ko="활성 배지", slug="active")
        self.archived = make_badge(self.org, self.teammate, name_ko="보관 배지", slug="archived")
        self.archived.archived_at = self.archived.created_at
        self.archived.save()
        make_badge(self.other_org, self.outsider, name_ko="다른 기관 배지")
        award(self.active, "a@student.example")
        award(self.active, "b@student.example")
        self.login(self.viewer)

    def test_the_list_shows_active_badges_of_this_org_with_award_counts(self) -> None:
        response = self.client.get("/orgs/hanbit/achievements/")
        rows = response.context["rows"]
        self.assertEqual([r["name"].text for r in rows], ["활성 배지"])
        self.assertEqual(rows[0]["achievement"].award_count, 2)
        self.assertNotContains(response, "다른 기관 배지")
        self.assertContains(response, f"/i/image/{self.active.current_version.image_png.sha256}.png")

    def test_the_archived_filter_shows_only_archived_badges(self) -> None:
        response = self.client.get("/orgs/hanbit/achievements/?show=archived")
        self.assertEqual([r["name"].text for r in response.context["rows"]], ["보관 배지"])

    def test_all_shows_both(self) -> None:
        response = self.client.get("/orgs/hanbit/achievements/?show=all")
        self.assertEqual(len(response.context["rows"]), 2)


class AlignmentRowTests(BaseTestCase):
    def test_previewing_with_a_filled_last_row_offers_a_new_empty_row(self) -> None:
        self.login(self.teammate)
        post = form_post(
            preview="1",
            save="",
            **{"alignments-0-targetName": "NCS", "alignments-0-targetUrl": "https://ncs.go.kr/"},
        )
        response = self.client.post("/orgs/hanbit/achievements/new/", post)
        self.assertEqual(len(response.context["alignments"].forms), 2)
        self.assertContains(response, 'name="alignments-1-targetName"')
