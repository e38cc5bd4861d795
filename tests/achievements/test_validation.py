from typing import Any

from django.utils.translation import override

from laurel.achievements.forms import AchievementInvalid, validate_achievement
from laurel.achievements.models import Achievement
from laurel.test import BaseTestCase
from tests.achievements.helpers import badge_dict, form_post, make_badge


class ValidationTests(BaseTestCase):
    def errors_for(self, **overrides: Any) -> dict[str, list[str]]:
        with override("en"), self.assertRaises(AchievementInvalid) as caught:
            validate_achievement(badge_dict(**overrides), org=self.org)
        return caught.exception.message_dict

    def test_it_rejects_a_badge_with_no_name_in_any_language(self) -> None:
        errors = self.errors_for(name_ko="", name_en="")
        self.assertIn("Give a name and a description in Korean or in English", errors["non_field_errors"][0])
        self.assertIn("name_ko", errors)
        self.assertIn("name_en", errors)

    def test_it_rejects_a_name_without_a_description_in_any_language(self) -> None:
        errors = self.errors_for(description_ko="", description_en="")
        self.assertIn("description_ko", errors)

    def test_one_complete_language_is_enough(self) -> None:
        data = validate_achievement(badge_dict(name_en="", description_en="", alt_text_en=""), org=self.org)
        self.assertEqual(data.name_ko, "파이썬 기초")
        self.assertEqual(data.name_en, "")

    def test_it_requires_alt_text_in_each_language_that_has_a_name(self) -> None:
        errors = self.errors_for(alt_text_en="")
        self.assertIn("English", errors["alt_text_en"][0])
        self.assertNotIn("alt_text_ko", errors)

    def test_it_rejects_an_alignment_without_a_web_address(self) -> None:
        errors = self.errors_for(
            alignments=[
                {"targetName": "NCS 정보기술", "targetUrl": "https://ncs.go.kr/unit/1"},
                {"targetName": "Bad", "targetUrl": "javascript:alert(1)"},
            ]
        )
        self.assertEqual(list(errors), ["alignments[1].targetUrl"])
        self.assertIn("http:// or https://", errors["alignments[1].targetUrl"][0])

    def test_it_requires_an_alignment_name(self) -> None:
        errors = self.errors_for(alignments=[{"targetUrl": "https://example.org/c"}])
        self.assertIn("alignments[0].targetName", errors)

    def test_it_rejects_an_unknown_alignment_type(self) -> None:
        errors = self.errors_for(
            alignments=[{"targetName": "X", "targetUrl": "https://example.org", "targetType": "Competency"}]
        )
        self.assertIn("alignments[0].targetType", errors)

    def test_it_accepts_alignment_types_from_the_spec_and_extensions(self) -> None:
        alignments = [
            {"targetName": "A", "targetUrl": "https://example.org/a", "targetType": "ceasn:Competency"},
            {"targetName": "B", "targetUrl": "http://example.org/b", "targetType": "ext:LocalSkill"},
        ]
        data = validate_achievement(badge_dict(alignments=alignments), org=self.org)
        self.assertEqual(data.alignments, alignments)

    def test_it_rejects_a_custom_type_with_a_space(self) -> None:
        errors = self.errors_for(achievement_type="ext:Code Camp")
        self.assertIn("ext:Name", errors["achievement_type"][0])

    def test_it_rejects_a_type_outside_the_vocabulary(self) -> None:
        errors = self.errors_for(achievement_type="Trophy")
        self.assertIn("achievement_type", errors)

    def test_it_accepts_a_custom_type_written_in_the_editor_without_prefix(self) -> None:
        self.login(self.teammate)
        self.client.post(
            "/orgs/hanbit/achievements/new/", form_post(achievement_type="ext", custom_type="Hackathon")
        )
        self.assertEqual(Achievement.objects.get().current_version.achievement_type, "ext:Hackathon")

    def test_it_reports_a_bad_custom_type_on_the_custom_type_field(self) -> None:
        self.login(self.teammate)
        response = self.client.post(
            "/orgs/hanbit/achievements/new/", form_post(achievement_type="ext", custom_type="9lives")
        )
        self.assertIn("custom_type", response.context["form"].errors)
        self.assertEqual(Achievement.objects.count(), 0)

    def test_it_rejects_a_colour_not_written_as_hex(self) -> None:
        design = {"shape": "circle", "primary": "red", "secondary": "#fff", "icon": "star"}
        errors = self.errors_for(design=design)
        self.assertIn("#rrggbb", errors["design.primary"][0])
        self.assertIn("design.secondary", errors)

    def test_it_rejects_an_unknown_icon_and_shape(self) -> None:
        errors = self.errors_for(design={"icon": "skull", "shape": "blob"})
        self.assertIn("design.icon", errors)
        self.assertIn("design.shape", errors)

    def test_it_rejects_validity_outside_one_to_36500_days(self) -> None:
        self.assertIn("validity_days", self.errors_for(validity_days=0))
        self.assertIn("validity_days", self.errors_for(validity_days=36501))
        self.assertEqual(validate_achievement(badge_dict(validity_days=365), org=self.org).validity_days, 365)

    def test_skills_are_split_trimmed_and_deduplicated(self) -> None:
        data = validate_achievement(
            badge_dict(skills=" Python , 데이터 분석\nPython\n\n python ,SQL"), org=self.org
        )
        self.assertEqual(data.skills, ["Python", "데이터 분석", "SQL"])

    def test_it_rejects_a_slug_already_used_in_the_org(self) -> None:
        make_badge(self.org, self.teammate, slug="python")
        self.assertIn("slug", self.errors_for(slug="python"))

    def test_the_same_slug_is_free_in_another_org(self) -> None:
        make_badge(self.other_org, self.outsider, slug="python")
        self.assertEqual(validate_achievement(badge_dict(slug="python"), org=self.org).slug, "python")

    def test_invalid_form_changes_nothing_and_names_the_field(self) -> None:
        self.login(self.teammate)
        response = self.client.post(
            "/orgs/hanbit/achievements/new/",
            form_post(alt_text_ko="", **{"alignments-0-targetUrl": "ftp://x"}),
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Achievement.objects.count(), 0)
        self.assertContains(response, 'href="#id_alt_text_ko"')
        self.assertContains(response, 'href="#id_alignments-0-targetUrl"')
