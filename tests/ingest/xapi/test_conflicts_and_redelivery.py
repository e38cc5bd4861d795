"""The same id with the same content is accepted again and changes nothing; other content is 409."""

import copy
import json
from datetime import UTC, datetime

from laurel.ingest.facts import FactInput, Identity, record_facts
from laurel.ingest.models import Fact
from laurel.ingest.xapi.canonical import comparison_hash, content_id, normalize_context_activities
from laurel.ingest.xapi.models import Statement
from tests.ingest.xapi.helpers import ADL, XapiTestCase, new_id, statement


def scored(sid: str | None = None, raw: int = 80) -> dict:
    body = statement(
        verb={"id": ADL + "scored", "display": {"en": "attained grade for"}},
        object={
            "id": "http://lms.example/mod/assign/view.php?id=7",
            "definition": {"type": "http://adlnet.gov/expapi/activities/assessment"},
        },
        result={"score": {"raw": raw, "min": 0, "max": 100}},
        timestamp="2025-03-10T09:00:00Z",
    )
    if sid:
        body["id"] = sid
    return body


class ConflictTests(XapiTestCase):
    def test_the_same_statement_again_is_accepted_without_changes(self) -> None:
        sid = new_id()
        self.assert_accepted(scored(sid))
        before = self.get(f"statementId={sid}").content
        self.assertEqual(self.assert_accepted(scored(sid)), [sid])
        self.assertEqual(self.put(scored(sid), sid).status_code, 204)
        self.assertEqual(self.get(f"statementId={sid}").content, before)
        self.assertEqual(Statement.objects.count(), 1)
        self.assertEqual(Fact.objects.count(), 1)

    def test_the_same_id_with_other_content_is_409_and_nothing_changes(self) -> None:
        sid = new_id()
        self.assert_accepted(scored(sid))
        before = self.get(f"statementId={sid}").content
        problem = self.assert_rejected(scored(sid, raw=10), 409)
        self.assertEqual(problem["statement_ids"], [sid])
        self.assertEqual(self.put(scored(sid, raw=10), sid).status_code, 409)
        changed_verb = scored(sid)
        changed_verb["verb"]["id"] = "http://example.com/different/verb/iri"
        self.assertEqual(self.post(changed_verb).status_code, 409)
        self.assertEqual(self.get(f"statementId={sid}").content, before)
        self.assertEqual(Fact.objects.get().value, 80)

    def test_a_batch_with_one_conflict_stores_none_of_its_statements(self) -> None:
        sid, fresh = new_id(), new_id()
        self.assert_accepted(scored(sid))
        self.assert_rejected([scored(fresh), scored(sid, raw=1)], 409)
        self.assertEqual(self.get(f"statementId={fresh}").status_code, 404)

    def test_differences_the_specification_ignores_are_not_conflicts(self) -> None:
        sid = new_id()
        sent = scored(sid)
        sent["actor"] = {
            "objectType": "Group",
            "member": [{"mbox": "mailto:a@example.com"}, {"mbox": "mailto:b@example.com"}],
        }
        self.assert_accepted(sent)
        again = copy.deepcopy(sent)
        again["id"] = sid.upper()
        again["actor"]["member"].reverse()
        again["verb"]["display"] = {"ko": "점수를 받음"}
        again["object"]["definition"] = {"name": {"en": "Essay"}}
        again["timestamp"] = "2030-01-01T00:00:00Z"
        again["version"] = "2.0.0"
        again["authority"] = {"mbox": "mailto:someone@example.com"}
        again["actor"]["member"][0]["mbox"] = "mailto:B@EXAMPLE.COM"
        again["result"]["score"]["raw"] = 80.0
        self.assertEqual(self.assert_accepted(again), [sid.upper()])
        self.assertEqual(Statement.objects.count(), 1)


class FactAlreadyThereTests(XapiTestCase):
    """A new statement's fact is inserted without looking first; one there after all still counts."""

    def test_a_new_statement_whose_fact_key_is_taken_with_other_content_is_a_conflict(self) -> None:
        sid = new_id()
        when = datetime(2025, 3, 10, 9, tzinfo=UTC)
        other = FactInput(
            sid, "attendance", Identity("email", "someone@example.com"), "x:y", when, status="late"
        )
        record_facts(self.source, [other])
        self.assert_rejected(scored(sid), 409)
        self.assertFalse(Statement.objects.exists())
        self.assertEqual(list(Fact.objects.values_list("status", flat=True)), ["late"])


class ComparisonTests(XapiTestCase):
    def digest(self, body: dict) -> str:
        normalize_context_activities(body)
        return comparison_hash(body)

    def test_key_order_case_durations_and_single_context_activities_do_not_matter(self) -> None:
        one = {"id": "http://example.com/course"}
        a = statement(
            result={"duration": "PT1.234S", "completion": True},
            context={"contextActivities": {"parent": one}},
        )
        b = json.loads(json.dumps(a, sort_keys=True))
        b["result"]["duration"] = "PT1.23999S"
        b["context"]["contextActivities"]["parent"] = [one]
        b["object"]["id"] = b["object"]["id"].upper()
        self.assertEqual(self.digest(a), self.digest(b))

    def test_what_the_statement_says_does_matter(self) -> None:
        base = self.digest(statement())
        self.assertNotEqual(base, self.digest(statement(result={"completion": True})))
        self.assertNotEqual(base, self.digest(statement(actor={"mbox": "mailto:other@example.com"})))
        self.assertNotEqual(base, self.digest(statement(result={"duration": "PT1.24S"})))
        self.assertNotEqual(
            self.digest(statement(result={"duration": "PT1.23S"})),
            self.digest(statement(result={"duration": "PT1.24S"})),
        )

    def test_content_ids_depend_on_the_source_and_on_every_part_including_the_timestamp(self) -> None:
        a = statement(timestamp="2025-03-10T09:00:00Z")
        self.assertEqual(content_id("s1", a), content_id("s1", copy.deepcopy(a)))
        self.assertNotEqual(content_id("s1", a), content_id("s2", a))
        self.assertNotEqual(
            content_id("s1", a), content_id("s1", statement(timestamp="2025-03-10T09:00:01Z"))
        )
