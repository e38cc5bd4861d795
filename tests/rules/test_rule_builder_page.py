"""Staff build and edit a badge's rule with the form builder, pressing its buttons without a script."""

import re
from typing import Any

from django.http import QueryDict

from laurel.ingest.facts import record_facts
from laurel.rules.actions import save_rule
from laurel.rules.models import Rule
from tests.rules.form_fields import form_fields
from tests.rules.helpers import RulesTestCase, submitted


class BuilderPageTests(RulesTestCase):
    def setUp(self) -> None:
        self.login(self.teammate)
        self.url = f"/orgs/{self.org.slug}/rules/{self.badge.public_id}/build/"

    # A browser's view of the page: the fields it would post, and a button to press.

    def open(self, query: str = "") -> str:
        response = self.client.get(self.url + query)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def press(self, html: str, op: str, status: int = 200, **changes: Any) -> str:
        data = form_fields(html, "rule-builder")
        for name, value in changes.items():
            name = name.replace("__", "-")
            if isinstance(value, list):
                data.setlist(name, value)
            else:
                data[name] = value
        data["op"] = op
        # The test client would post only the last of repeated values from a QueryDict.
        response = self.client.post(self.url, {key: data.getlist(key) for key in data})
        alerts = re.findall(r'role="alert">(.*?)</div>', response.content.decode(), re.S)
        self.assertEqual(response.status_code, status, alerts)
        return response.content.decode() if status != 302 else ""

    def posted(self, html: str) -> QueryDict:
        return form_fields(html, "rule-builder")

    def node_ids(self, html: str) -> list[str]:
        return self.posted(html).getlist("node")

    def fieldset(self, html: str, node_id: str) -> str:
        """The node's own fieldset up to its first part (enough to find its fields and errors)."""
        start = html.index(f'id="rb-node-{node_id}"')
        end = html.find('<fieldset class="rule-node', start + 1)
        return html[start : end if end != -1 else len(html)]

    def test_an_issuer_builds_a_rule_from_nothing_and_saves_it_live(self) -> None:
        page = self.open()
        self.assertEqual(self.node_ids(page), ["n1"])  # an empty "all of these"
        page = self.press(page, "add:n1", n1__add="attendance")
        page = self.press(page, "add:n1", n1__add="submissions")
        page = self.press(page, "add:n1", n1__add="n_of")
        self.assertEqual(self.node_ids(page), ["n1", "n2", "n3", "n4"])
        page = self.press(page, "add:n4", n4__add="quiz")
        page = self.press(page, "add:n4", n4__add="completion")
        self.press(
            page,
            "save",
            status=302,
            n2__course="CS101",
            n2__sessions="14",
            n2__min_percent="80",
            n2__late_weight="0.5",
            n3__course="CS101",
            n3__items="A1\nA2\r\n\nA3",
            n4__n="1",
            n5__item="Q1",
            n5__min_percent="60",
            n6__course="CS101",
            window_start="2026-03-02",
            window_end="2026-06-19",
            window_grace_days="7",
            mentor_approval="on",
            live="on",
        )
        rule = Rule.objects.get()
        self.assertEqual(rule.state, "live")
        self.assertEqual(
            rule.definition,
            {
                "criteria": {
                    "all": [
                        {
                            "attendance": {
                                "course": "CS101",
                                "sessions": 14,
                                "min_percent": 80,
                                "late_weight": 0.5,
                            }
                        },
                        {"submissions": {"course": "CS101", "items": ["A1", "A2", "A3"]}},
                        {
                            "n_of": {
                                "n": 1,
                                "of": [
                                    {"quiz": {"item": "Q1", "min_percent": 60}},
                                    {"completion": {"course": "CS101"}},
                                ],
                            }
                        },
                    ]
                },
                "window": {"start": "2026-03-02", "end": "2026-06-19", "grace_days": 7},
                "mentor_approval": True,
            },
        )

    def test_parts_move_and_go_and_groups_wrap_and_unwrap(self) -> None:
        save_rule(
            self.actor,
            self.badge,
            {
                "criteria": {
                    "any": [{"quiz": {"item": "Q1"}}, {"quiz": {"item": "Q2"}}, {"quiz": {"item": "Q3"}}]
                }
            },
        )
        page = self.open()
        self.assertEqual(self.node_ids(page), ["n1", "n2", "n3", "n4"])
        page = self.press(page, "down:n2")  # Q2 Q1 Q3
        page = self.press(page, "up:n4")  # Q2 Q3 Q1
        self.assertEqual(
            [self.posted(page)[f"{n}-item"] for n in self.node_ids(page)[1:]], ["Q2", "Q3", "Q1"]
        )
        page = self.press(page, "remove:n4")  # Q2 Q1
        page = self.press(page, "wrap:n2")  # Q2, all of [Q1]
        fields = self.posted(page)
        group = fields["n2-parent"]
        self.assertNotEqual(group, "n1")
        self.assertEqual(fields[f"{group}-kind"], "all")
        self.assertEqual(fields[f"{group}-parent"], "n1")
        page = self.press(page, f"unwrap:{group}")
        self.assertEqual(self.posted(page)["n2-parent"], "n1")
        page = self.press(page, "remove:n2")
        page = self.press(page, "unwrap:n1")  # the lone quiz becomes the whole rule
        self.press(page, "save", status=302)
        self.assertEqual(
            Rule.objects.order_by("-number").first().definition, {"criteria": {"quiz": {"item": "Q2"}}}
        )

    def test_a_clause_changes_kind_keeping_the_fields_both_kinds_have(self) -> None:
        page = self.press(self.open(), "add:n1", n1__add="quiz")
        page = self.press(
            page, "refresh", n2__kind="score", n2__item="Q1", n2__course="CS101", n2__min_percent=""
        )
        fields = self.posted(page)
        self.assertEqual(
            (fields["n2-kind"], fields["n2-item"], fields["n2-course"]), ("score", "Q1", "CS101")
        )
        self.assertIn("Score", self.fieldset(page, "n2").split("</legend>")[0])

    def test_the_form_opens_on_the_revision_asked_for(self) -> None:
        save_rule(self.actor, self.badge, {"criteria": {"quiz": {"item": "first"}}})
        save_rule(self.actor, self.badge, {"criteria": {"quiz": {"item": "second"}}})
        self.assertEqual(self.posted(self.open())["n1-item"], "second")
        page = self.open("?from=1")
        self.assertEqual(self.posted(page)["n1-item"], "first")
        self.assertIn("Starting from revision 1.", page)
        self.assertEqual(self.client.get(self.url + "?from=9").status_code, 404)

    def test_an_impossible_threshold_is_shown_at_its_clause_and_nothing_is_saved(self) -> None:
        page = self.press(self.open(), "add:n1", n1__add="score")
        page = self.press(page, "add:n1", n1__add="n_of")
        page = self.press(page, "add:n3", n3__add="completion")
        page = self.press(
            page, "save", status=400, n2__course="CS101", n2__min_percent="150", n3__n="2", n4__course="X"
        )
        score = self.fieldset(page, "n2")
        self.assertIn('id="rb-n2-min_percent-errors"', score)
        self.assertIn("A percentage above 0 and at most 100 is needed, not 150.", score)
        self.assertIn('aria-describedby="rb-n2-min_percent-errors"', score)
        self.assertIn("2 of 1 clauses can never be met.", self.fieldset(page, "n3"))
        self.assertEqual(self.posted(page)["n2-min_percent"], "150")  # kept as typed
        self.assertFalse(Rule.objects.exists())

    def test_text_where_a_number_belongs_is_named_at_its_field(self) -> None:
        page = self.press(self.open(), "add:n1", n1__add="attendance")
        page = self.press(page, "save", status=400, n2__course="C", n2__sessions="many", n2__min_percent="8O")
        clause = self.fieldset(page, "n2")
        self.assertRegex(clause, r'id="rb-n2-sessions-errors"><li>Must be a whole number\.')
        self.assertRegex(clause, r'id="rb-n2-min_percent-errors"><li>Must be a number\.')

    def test_an_item_no_source_reported_is_shown_at_the_clause_that_names_it(self) -> None:
        record_facts(self.source, [submitted("h1", "A1"), submitted("h2", "A2")])
        page = self.press(self.open(), "add:n1", n1__add="submissions")
        page = self.press(page, "save", status=400, n2__course="CS101", n2__items="A1\nA9")
        clause = self.fieldset(page, "n2")
        self.assertIn("Never reported for CS101: A9 (reported: A1, A2).", clause)
        self.assertIn("Reported so far: A1, A2", clause)  # the hint under the items
        self.press(page, "save", status=302, allow_unseen="on")  # expected later, on purpose
        self.assertEqual(
            Rule.objects.get().definition["criteria"],
            {"all": [{"submissions": {"course": "CS101", "items": ["A1", "A9"]}}]},
        )

    def test_a_cycle_is_shown_at_the_badges_clause_that_closes_it(self) -> None:
        save_rule(
            self.actor,
            self.intro,
            {"criteria": {"badges": {"achievements": [str(self.badge.public_id)]}}},
            live=True,
        )
        page = self.press(self.open(), "add:n1", n1__add="quiz")
        page = self.press(page, "add:n1", n1__add="badges")
        page = self.press(
            page, "save", status=400, n2__item="Q1", n3__achievements=[str(self.intro.public_id)]
        )
        clause = self.fieldset(page, "n3")
        self.assertIn("Badges would require each other: data-analysis → intro → data-analysis.", clause)
        self.assertNotIn("require each other", self.fieldset(page, "n2"))
        self.assertEqual(Rule.objects.filter(achievement=self.badge).count(), 0)

    def test_window_problems_are_shown_at_the_window_they_belong_to(self) -> None:
        page = self.press(self.open(), "add:n1", n1__add="quiz")
        page = self.press(
            page, "save", status=400, n2__item="Q1", n2__window_grace_days="3", window_grace_days="2"
        )
        clause = self.fieldset(page, "n2")
        self.assertRegex(clause, r'<details class="rule-window" open>')
        self.assertRegex(clause, r'id="rb-n2-window_grace_days-errors"><li>A grace period needs an end\.')
        self.assertRegex(page, r'id="rb-window_grace_days-errors"><li>A grace period needs an end\.')
        self.assertFalse(Rule.objects.exists())

    def test_choices_come_from_known_badges_courses_and_items(self) -> None:
        record_facts(self.source, [submitted("h1", "A1"), submitted("h2", "A2")])
        page = self.press(self.open(), "add:n1", n1__add="badges")
        badges = self.fieldset(page, "n2")
        self.assertIn(f'value="{self.intro.public_id}"', badges)
        self.assertIn("Introduction", badges)
        self.assertNotIn(f'value="{self.badge.public_id}"', badges)  # not itself
        self.assertRegex(page, r'<datalist id="rb-courses"><option value="CS101">')
        self.assertRegex(page, r'<datalist id="rb-items-submission"><option value="A1"><option value="A2">')

    def test_the_json_box_loads_into_the_form_and_shows_the_form(self) -> None:
        page = self.press(self.open(), "load_json", json='{"criteria": {"completion": {"course": "C9"}}}')
        self.assertEqual(self.posted(page)["n1-course"], "C9")
        page = self.press(page, "show_json", n1__course="C10")
        self.assertIn("&quot;C10&quot;", page)
        bad = self.press(page, "load_json", status=400, json='{"criteria": {"score": {"course": "C"}}}')
        self.assertIn("criteria.score.min_percent: Required.", bad)
        self.assertIn("Not JSON", self.press(page, "load_json", status=400, json="{criteria"))

    def test_a_broken_form_is_refused_whole(self) -> None:
        page = self.open()
        response = self.client.post(
            self.url,
            {"node": ["n1", "n2"], "n1-kind": "all", "n2-kind": "quiz", "n2-parent": "n9", "op": "save"},
        )
        self.assertContains(response, "lost its group", status_code=400)
        response = self.client.post(self.url, {"node": "n1", "n1-kind": "exec", "op": "save"})
        self.assertContains(response, "unknown kind", status_code=400)
        self.assertFalse(Rule.objects.exists())
        self.assertTrue(page)

    def test_viewers_and_outsiders_cannot_open_it(self) -> None:
        self.login(self.viewer)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, {"op": "save"}).status_code, 403)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_in_korean_the_form_speaks_korean(self) -> None:
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ko"
        page = self.press(self.open(), "add:n1", n1__add="attendance")
        self.assertIn('<html lang="ko">', page)
        self.assertIn("출석", self.fieldset(page, "n2"))
        self.assertTrue(re.search("[가-힣]", self.fieldset(page, "n1")))
