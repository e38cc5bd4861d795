from django.test import SimpleTestCase

from laurel.audit.diff import diff
from laurel.test import BaseTestCase
from tests.audit.helpers import event


class AuditDetailPageTests(BaseTestCase):
    def test_changed_fields_are_highlighted_with_both_values(self) -> None:
        shown = event(
            self.org,
            "achievement.update",
            self.owner,
            object_type="achievement",
            object_id="3f2a",
            before={"name": {"ko": "파이썬 기초", "en": "Python basics"}, "hours": 10},
            after={"name": {"ko": "파이썬 입문", "en": "Python basics"}, "hours": 10, "level": "beginner"},
            ip="203.0.113.9",
            user_agent="Firefox/140",
        )
        self.login(self.owner)
        response = self.client.get(f"/orgs/hanbit/audit/{shown.id}/")
        self.assertContains(response, "<mark><code>name.ko</code></mark>", html=True)
        self.assertContains(response, "<del>파이썬 기초</del>", html=True)
        self.assertContains(response, "<ins>파이썬 입문</ins>", html=True)
        self.assertContains(response, "<mark><code>level</code></mark>", html=True)
        self.assertContains(response, "<ins>beginner</ins>", html=True)
        # Unchanged fields are listed but not marked.
        self.assertContains(response, "<code>name.en</code>")
        self.assertNotContains(response, "<mark><code>name.en</code></mark>", html=True)
        self.assertNotContains(response, "<mark><code>hours</code></mark>", html=True)
        self.assertContains(response, "203.0.113.9")
        self.assertContains(response, "Firefox/140")

    def test_an_event_without_snapshots_says_so(self) -> None:
        shown = event(self.org, "member.invite", self.owner)
        self.login(self.owner)
        response = self.client.get(f"/orgs/hanbit/audit/{shown.id}/")
        self.assertContains(response, "This event recorded no before or after values.")

    def test_a_missing_event_is_404(self) -> None:
        self.login(self.owner)
        self.assertEqual(self.client.get("/orgs/hanbit/audit/999999/").status_code, 404)


class DiffTests(SimpleTestCase):
    def test_a_type_change_is_a_change_shown_as_json(self) -> None:
        [row] = diff({"n": "1"}, {"n": 1})
        self.assertTrue(row.changed)
        self.assertEqual((row.before, row.after), ('"1"', "1"))

    def test_a_creation_has_only_after_values(self) -> None:
        rows = {row.key: row for row in diff(None, {"slug": "py", "tags": ["a", "b"]})}
        self.assertEqual(set(rows), {"slug", "tags"})
        self.assertFalse(rows["slug"].had_before)
        self.assertTrue(rows["slug"].changed)
        self.assertEqual(rows["tags"].after, '["a", "b"]')

    def test_a_removed_key_keeps_its_old_value(self) -> None:
        [row] = diff({"url": "https://hanbit.example"}, {})
        self.assertTrue(row.changed)
        self.assertFalse(row.has_after)
        self.assertEqual(row.before, "https://hanbit.example")

    def test_equal_values_are_not_changes(self) -> None:
        self.assertEqual([row.changed for row in diff({"a": {"b": [1, 2]}}, {"a": {"b": [1, 2]}})], [False])
