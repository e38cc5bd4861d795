from django.utils import timezone

from laurel.achievements.models import Achievement
from laurel.audit.models import AuditEvent
from tests.api.helpers import ApiTestCase, make_achievement, make_award

NEW_BADGE = {
    "name_ko": "데이터 분석 입문",
    "name_en": "Intro to Data Analysis",
    "description_ko": "판다스로 데이터를 정리하고 분석했습니다.",
    "description_en": "Cleaned and analysed data with pandas.",
    "criteria_en": "Finish **all** four labs.",
    "alt_text_ko": "막대 그래프 배지",
    "alt_text_en": "A bar chart badge",
    "achievement_type": "Course",
    "tags": ["data", "python", "data"],
    "alignments": [{"targetName": "Data literacy", "targetUrl": "https://framework.example/data"}],
    "validity_days": 365,
    "design": {"shape": "hexagon", "icon": "code", "title": "데이터"},
}


class AchievementReadTests(ApiTestCase):
    def test_the_list_filters_by_archived_and_text(self) -> None:
        old = make_achievement(self.org, "old-course", "옛 과정", "Old Course")
        old.archived_at = timezone.now()
        old.save()
        make_achievement(self.other_org, "elsewhere", "", "Python Elsewhere")

        def slugs(**params: object) -> list[str]:
            response = self.api("get", "/orgs/hanbit/achievements", self.viewer_token, params)
            self.assertEqual(response.status_code, 200, response.content)
            return sorted(a["slug"] for a in response.json()["items"])

        self.assertEqual(slugs(), ["old-course", "python-basics"])
        self.assertEqual(slugs(archived="true"), ["old-course"])
        self.assertEqual(slugs(archived="false"), ["python-basics"])
        self.assertEqual(slugs(q="파이썬"), ["python-basics"])
        self.assertEqual(slugs(q="python"), ["python-basics"])

    def test_an_achievement_is_read_with_its_version(self) -> None:
        data = self.api(
            "get", f"/orgs/hanbit/achievements/{self.achievement.public_id}", self.viewer_token
        ).json()
        self.assertEqual(data["name_ko"], "파이썬 기초")
        self.assertEqual(data["version"], 1)
        self.assertFalse(data["archived"])

    def test_another_orgs_achievement_is_404(self) -> None:
        foreign = make_achievement(self.other_org, "elsewhere", "", "Elsewhere")
        response = self.api("get", f"/orgs/hanbit/achievements/{foreign.public_id}", self.viewer_token)
        self.assertProblem(response, 404)


class AchievementWriteTests(ApiTestCase):
    def test_an_issuer_defines_a_badge(self) -> None:
        response = self.api("post", "/orgs/hanbit/achievements", self.teammate_token, NEW_BADGE)
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        created = Achievement.objects.get(public_id=data["public_id"])
        self.assertEqual(created.org, self.org)
        self.assertEqual(data["slug"], "intro-to-data-analysis")
        self.assertEqual(data["version"], 1)
        self.assertEqual(data["tags"], ["data", "python"])
        self.assertEqual(data["design"]["shape"], "hexagon")
        self.assertEqual(created.current_version.validity_days, 365)
        event = AuditEvent.objects.get(action="achievement.create")
        self.assertEqual((event.via, event.actor), ("api", self.teammate))

    def test_an_incomplete_badge_is_422_with_every_problem(self) -> None:
        body = {
            "name_en": "Half a badge",
            "achievement_type": "Trophy",
            "alignments": [{"targetName": "X", "targetUrl": "not a url"}],
            "design": {"primary": "red"},
        }
        response = self.api("post", "/orgs/hanbit/achievements", self.teammate_token, body)
        problem = self.assertProblem(response, 422)
        pointers = {e["pointer"] for e in problem["errors"]}
        self.assertLessEqual(
            {
                "/description_en",
                "/alt_text_en",
                "/achievement_type",
                "/alignments/0/targetUrl",
                "/design/primary",
            },
            pointers,
        )
        self.assertEqual(Achievement.objects.filter(org=self.org).count(), 1)

    def test_an_unknown_field_is_422_naming_it(self) -> None:
        body = {**NEW_BADGE, "colour": "gold"}
        problem = self.assertProblem(
            self.api("post", "/orgs/hanbit/achievements", self.teammate_token, body), 422
        )
        self.assertEqual([e["pointer"] for e in problem["errors"]], ["/colour"])

    def test_editing_an_unawarded_badge_changes_it_in_place(self) -> None:
        path = f"/orgs/hanbit/achievements/{self.achievement.public_id}"
        response = self.api("patch", path, self.teammate_token, {"criteria_ko": "과제 3개 제출"})
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        self.assertEqual(data["version"], 1)
        self.assertEqual(data["criteria_ko"], "과제 3개 제출")
        self.assertEqual(data["name_en"], "Python Basics")  # fields not sent are kept

    def test_editing_an_awarded_badge_makes_a_new_version(self) -> None:
        award = make_award(self.achievement, "minji@student.example")
        path = f"/orgs/hanbit/achievements/{self.achievement.public_id}"
        response = self.api("patch", path, self.teammate_token, {"name_en": "Python Fundamentals"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["version"], 2)
        award.refresh_from_db()
        self.assertEqual(award.version.number, 1)
        self.assertEqual(award.version.name_en, "Python Basics")
        self.assertEqual(AuditEvent.objects.get(action="achievement.new_version").via, "api")

    def test_archiving_through_patch(self) -> None:
        path = f"/orgs/hanbit/achievements/{self.achievement.public_id}"
        data = self.api("patch", path, self.teammate_token, {"archived": True}).json()
        self.assertTrue(data["archived"])
        self.achievement.refresh_from_db()
        self.assertIsNotNone(self.achievement.archived_at)
        self.assertEqual(AuditEvent.objects.get(action="achievement.archive").via, "api")

    def test_a_bad_edit_is_422_and_changes_nothing(self) -> None:
        path = f"/orgs/hanbit/achievements/{self.achievement.public_id}"
        body = {"validity_days": 0, "name_en": "Changed"}
        problem = self.assertProblem(self.api("patch", path, self.teammate_token, body), 422)
        self.assertEqual([e["pointer"] for e in problem["errors"]], ["/validity_days"])
        self.achievement.current_version.refresh_from_db()
        self.assertEqual(self.achievement.current_version.name_en, "Python Basics")

    def test_a_viewer_cannot_edit(self) -> None:
        path = f"/orgs/hanbit/achievements/{self.achievement.public_id}"
        self.assertProblem(self.api("patch", path, self.viewer_token, {"name_en": "X"}), 403)
