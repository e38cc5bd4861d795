from laurel.achievements.actions import (
    archive_achievement,
    create_achievement,
    unarchive_achievement,
    update_achievement,
)
from laurel.achievements.forms import AchievementInvalid, validate_achievement
from laurel.achievements.models import Achievement
from laurel.audit.models import AuditEvent
from laurel.core.actor import Actor
from laurel.test import BaseTestCase
from tests.achievements.helpers import award, badge_dict, form_post, make_badge


class VersioningTests(BaseTestCase):
    def setUp(self) -> None:
        self.badge = make_badge(self.org, self.teammate)
        self.first = self.badge.current_version

    def edit(self, **overrides: object):  # type: ignore[no-untyped-def]
        data = validate_achievement(badge_dict(**overrides), org=self.org, achievement=self.badge)
        return update_achievement(Actor(self.teammate), self.badge, data)

    def test_editing_an_unawarded_badge_changes_the_same_version(self) -> None:
        version = self.edit(name_en="Python Fundamentals")
        self.assertEqual(version.pk, self.first.pk)
        self.assertEqual(version.number, 1)
        self.assertEqual(self.badge.versions.count(), 1)
        self.first.refresh_from_db()
        self.assertEqual(self.first.name_en, "Python Fundamentals")

    def test_editing_an_awarded_badge_creates_version_two_and_the_award_keeps_version_one(self) -> None:
        given = award(self.badge)
        version = self.edit(name_en="Python Fundamentals", skills=["Python", "Testing"])
        self.assertEqual(version.number, 2)
        self.assertNotEqual(version.pk, self.first.pk)
        self.badge.refresh_from_db()
        self.assertEqual(self.badge.current_version_id, version.pk)
        given.refresh_from_db()
        self.assertEqual(given.version_id, self.first.pk)
        self.first.refresh_from_db()
        self.assertEqual(self.first.name_en, "Python Basics")
        self.assertEqual(self.first.skills, ["Python"])
        self.assertEqual(version.skills, ["Python", "Testing"])

    def test_a_second_edit_of_the_new_unawarded_version_stays_in_place(self) -> None:
        award(self.badge)
        second = self.edit(name_en="Python Fundamentals")
        self.badge.refresh_from_db()
        third = self.edit(name_en="Python Fundamentals II")
        self.assertEqual(third.pk, second.pk)
        self.assertEqual(self.badge.versions.count(), 2)

    def test_the_edit_is_audited_with_before_and_after_of_changed_fields(self) -> None:
        award(self.badge)
        self.edit(name_en="Python Fundamentals")
        event = AuditEvent.objects.filter(action="achievement.new_version").get()
        self.assertEqual(event.before, {"name_en": "Python Basics"})
        self.assertEqual(event.after, {"name_en": "Python Fundamentals"})
        self.assertEqual(event.actor, self.teammate)
        self.assertEqual(event.object_id, str(self.badge.public_id))

    def test_an_edit_that_changes_nothing_writes_nothing(self) -> None:
        before = AuditEvent.objects.count()
        version = self.edit()
        self.assertEqual(version.pk, self.first.pk)
        self.assertEqual(AuditEvent.objects.count(), before)

    def test_a_new_design_gives_the_new_version_a_new_image_and_keeps_the_old_one(self) -> None:
        award(self.badge)
        version = self.edit(
            design={"shape": "shield", "primary": "#1a7f37", "secondary": "#ffffff", "icon": "book"}
        )
        self.first.refresh_from_db()
        self.assertNotEqual(version.image.sha256, self.first.image.sha256)
        self.assertEqual(self.first.design["shape"], "circle")
        self.assertEqual(version.design["shape"], "shield")

    def test_editing_through_the_web_after_an_award_reports_the_new_version(self) -> None:
        award(self.badge)
        self.login(self.teammate)
        url = f"/orgs/hanbit/achievements/{self.badge.public_id}/edit/"
        self.assertContains(self.client.get(url), "notice")
        response = self.client.post(url, form_post(name_en="Python Fundamentals"), follow=True)
        self.assertEqual(self.badge.versions.count(), 2)
        message = next(str(m) for m in response.context["messages"])
        self.assertEqual(message.count("2"), 1)

    def test_archiving_and_restoring_are_audited_once_each(self) -> None:
        archive_achievement(Actor(self.owner), self.badge)
        archive_achievement(Actor(self.owner), self.badge)
        self.badge.refresh_from_db()
        self.assertIsNotNone(self.badge.archived_at)
        unarchive_achievement(Actor(self.owner), self.badge)
        self.badge.refresh_from_db()
        self.assertIsNone(self.badge.archived_at)
        actions = list(
            AuditEvent.objects.filter(action__startswith="achievement.").values_list("action", flat=True)
        )
        self.assertEqual(actions.count("achievement.archive"), 1)
        self.assertEqual(actions.count("achievement.unarchive"), 1)

    def test_archive_through_the_web(self) -> None:
        self.login(self.teammate)
        response = self.client.post(
            f"/orgs/hanbit/achievements/{self.badge.public_id}/archive/", {"archived": "1"}
        )
        self.assertEqual(response.status_code, 302)
        self.badge.refresh_from_db()
        self.assertIsNotNone(self.badge.archived_at)


class PlainDictTests(BaseTestCase):
    def test_actions_validate_a_plain_dict_and_refuse_bad_data(self) -> None:
        badge = create_achievement(Actor(self.teammate), self.org, badge_dict(skills="SQL, SQL, 통계"))
        self.assertEqual(badge.current_version.skills, ["SQL", "통계"])
        with self.assertRaises(AchievementInvalid):
            create_achievement(Actor(self.teammate), self.org, badge_dict(name_ko="", name_en=""))
        self.assertEqual(Achievement.objects.count(), 1)

    def test_an_update_that_says_nothing_about_the_image_keeps_it(self) -> None:
        badge = make_badge(self.org, self.teammate)
        sha = badge.current_version.image.sha256
        data = badge_dict(name_en="Renamed")
        del data["design"]
        version = update_achievement(Actor(self.teammate), badge, data)
        self.assertEqual(version.image.sha256, sha)
        self.assertEqual(version.name_en, "Renamed")
