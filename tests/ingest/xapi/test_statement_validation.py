"""Statements that break the xAPI data rules are refused with 400 and a message naming the property.

Cases follow the ADL LRS conformance suite's templates (test/v1_0_3 and test/v2_0 configs).
"""

import json
from typing import Any

from tests.ingest.xapi.helpers import ADL, XapiTestCase, new_id, statement

AGENT = {"objectType": "Agent", "mbox": "mailto:agent@example.com"}
GROUP_MEMBER = [
    {"mbox": "mailto:one@example.com"},
    {"account": {"homePage": "https://lms.example", "name": "2"}},
]


def with_object(obj: dict[str, Any]) -> dict[str, Any]:
    return statement(object=obj)


def with_context(context: dict[str, Any], obj: dict[str, Any] | None = None) -> dict[str, Any]:
    return statement(context=context, **({"object": obj} if obj else {}))


def with_result(result: dict[str, Any]) -> dict[str, Any]:
    return statement(result=result)


def substatement(**changes: Any) -> dict[str, Any]:
    inner = statement(**changes)
    inner["objectType"] = "SubStatement"
    return statement(object=inner)


def activity(**definition: Any) -> dict[str, Any]:
    return {"objectType": "Activity", "id": "http://example.com/activity", "definition": definition}


class StatementValidationTests(XapiTestCase):
    def refused(self, body: Any, where: str = "", version: str = "2.0.0") -> None:
        problem = self.assert_rejected(body, 400, version)
        if where:
            self.assertIn(where, problem["detail"])

    def test_it_refuses_statements_missing_actor_verb_or_object(self) -> None:
        for key in ("actor", "verb", "object"):
            with self.subTest(key=key):
                self.refused(statement(**{key: None}), f"needs “{key}”")

    def test_it_refuses_null_values_outside_extensions(self) -> None:
        self.refused(statement(actor={"mbox": "mailto:a@example.com", "name": None}), "actor.name")
        self.refused(statement(verb={"id": ADL + "attended", "display": {"en-US": None}}), "verb.display")
        self.refused(with_context({"registration": None}), "context.registration")
        self.refused(with_object(activity(moreInfo=None)), "object.definition.moreInfo")

    def test_it_accepts_null_empty_and_object_values_inside_extensions(self) -> None:
        ext = {
            "extensions": {
                "http://example.com/null": None,
                "http://example.com/empty": "",
                "http://example.com/o": {},
            }
        }
        self.assert_accepted(with_object(activity(**ext)))
        self.assert_accepted(with_result({"completion": True, **ext}))
        self.assert_accepted(with_context(ext))
        self.assert_accepted(substatement(result={"success": True, **ext}))
        self.assert_accepted(with_object(activity(extensions={})))

    def test_it_refuses_empty_objects_where_properties_are_expected(self) -> None:
        self.refused(with_result({}), "result")
        self.refused(with_context({}), "context")
        self.refused(with_result({"score": {}}), "result.score")

    def test_it_refuses_the_wrong_data_types(self) -> None:
        self.refused(with_result({"score": {"max": "one hundred"}}), "result.score.max")
        self.refused(with_result({"score": {"max": "100"}}), "result.score.max")
        self.refused(with_result({"success": "We regret to inform you"}), "result.success")
        self.refused(with_result({"completion": "false"}), "result.completion")
        self.refused(with_result({"response": 12}), "result.response")

    def test_it_refuses_values_that_do_not_follow_their_format(self) -> None:
        for bad in (
            12345,
            {"key": "should fail"},
            "AA97B177-9383-4934-8543-0F91A7A028368",
            "MA97B177-9383-4934-8543-0F91A7A02836",
            "",
        ):
            with self.subTest(id=bad):
                self.refused(statement(id=bad), "id")
        self.refused(
            statement(actor={"account": {"homePage": "https://lms.example", "name": {"key": "x"}}}),
            "account.name",
        )
        self.refused(
            statement(authority={"account": {"homePage": "https://lms.example", "name": 1}}), "authority"
        )

    def test_it_refuses_keys_in_the_wrong_case_or_not_in_the_specification(self) -> None:
        self.refused({**statement(), "Actor": statement()["actor"]}, "Actor")
        self.refused(statement(verb={"ID": ADL + "attended"}), "ID")
        self.refused({**statement(), "foo": "bar"}, "foo")
        self.refused(with_object({**activity(name={"en": "x"}), "Definition": {}}), "Definition")

    def test_it_refuses_enumerated_values_in_the_wrong_case(self) -> None:
        self.refused(
            statement(actor={"objectType": "agent", "mbox": "mailto:a@example.com"}), "actor.objectType"
        )
        self.refused(
            with_object({"objectType": "activity", "id": "http://example.com/a"}), "object.objectType"
        )
        self.refused(with_object(activity(interactionType="True-False")), "interactionType")

    def test_it_refuses_iris_without_a_scheme(self) -> None:
        self.refused(statement(verb={"id": "attended"}), "verb.id")
        self.refused(statement(verb={"id": "should fail"}), "verb.id")
        self.refused(with_object({"id": "example.com/activity"}), "object.id")
        self.refused(with_object(activity(type="meeting")), "definition.type")
        self.refused(with_object(activity(moreInfo="www.example.com")), "definition.moreInfo")
        self.refused(statement(actor={"openid": "not a uri"}), "actor.openid")
        self.refused(statement(actor={"account": {"homePage": "lms.example", "name": "1"}}), "homePage")

    def test_it_refuses_invalid_language_maps(self) -> None:
        self.refused(statement(verb={"id": ADL + "attended", "display": {"something": "x"}}), "verb.display")
        self.refused(with_object(activity(name={"en-US": "ok", "something": "x"})), "definition.name")
        self.refused(with_object(activity(description="a string")), "definition.description")
        self.refused(with_object(activity(name={"en": 1})), "definition.name.en")
        self.refused(with_context({"language": "not a tag!"}), "context.language")
        self.assert_accepted(
            with_object(activity(name={"ko": "출석", "zh-Hant-TW": "出席", "es-419": "asistió"}))
        )

    def test_it_refuses_actors_that_are_neither_agents_nor_groups(self) -> None:
        self.refused(
            statement(actor={"objectType": "Activity", "id": "http://example.com/a"}), "actor.objectType"
        )
        self.refused(statement(actor="mailto:a@example.com"), "actor")

    def test_it_requires_exactly_one_inverse_functional_identifier_on_agents(self) -> None:
        self.refused(statement(actor={"name": "nobody"}), "exactly one")
        self.refused(
            statement(actor={"mbox": "mailto:a@example.com", "openid": "http://example.com/a"}), "exactly one"
        )
        self.refused(statement(actor={"mbox": "a@example.com"}), "actor.mbox")
        self.refused(statement(actor={"mbox_sha1sum": "not-hex"}), "actor.mbox_sha1sum")
        self.refused(statement(actor={"account": {"homePage": "https://lms.example"}}), "needs a “name”")
        self.refused(statement(actor={"account": {"name": "1"}}), "needs a “homePage”")
        for ifi in (
            {"mbox": "mailto:a@example.com"},
            {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
            {"openid": "http://openid.example.org/12345"},
            {"account": {"homePage": "https://lms.example", "name": "a"}},
        ):
            with self.subTest(ifi=ifi):
                self.assert_accepted(statement(actor=ifi))

    def test_it_checks_groups_and_their_members(self) -> None:
        self.assert_accepted(statement(actor={"objectType": "Group", "member": GROUP_MEMBER}))
        self.assert_accepted(statement(actor={"objectType": "Group", "mbox": "mailto:team@example.com"}))
        self.refused(statement(actor={"objectType": "Group"}), "member")
        self.refused(statement(actor={"objectType": "Group", "member": []}), "member")
        self.refused(
            statement(
                actor={"objectType": "Group", "member": [{"objectType": "Group", "member": GROUP_MEMBER}]}
            ),
            "member[0]",
        )
        self.refused(statement(actor={"objectType": "Group", "member": [{"name": "no ifi"}]}), "member[0]")
        self.refused(statement(actor={**AGENT, "member": GROUP_MEMBER}), "member")

    def test_it_checks_the_verb(self) -> None:
        self.refused(statement(verb={"display": {"en": "attended"}}), "needs an “id”")
        self.refused(statement(verb={"id": ADL + "attended", "display": "attended"}), "verb.display")

    def test_it_checks_the_object_type(self) -> None:
        self.refused(with_object({"objectType": "Thing", "id": "http://example.com/a"}), "object.objectType")
        self.refused(with_object({"objectType": "Activity"}), "needs an “id”")
        self.refused(with_object({"mbox": "mailto:a@example.com"}), "object")  # an Agent needs objectType
        self.refused(
            with_object({"objectType": "Group", "member": GROUP_MEMBER, "id": "http://example.com/a"}),
            "object",
        )
        self.assert_accepted(with_object(AGENT))
        self.assert_accepted(with_object({"objectType": "Group", "member": GROUP_MEMBER}))
        self.assert_accepted(with_object({"id": "http://example.com/no-object-type"}))

    def test_it_checks_activity_definitions_and_interactions(self) -> None:
        self.refused(with_object(activity(interactionType="essay")), "interactionType")
        self.refused(with_object(activity(interactionType=5)), "interactionType")
        # A list or an object cannot be looked up among the types: still a 400, not a failure.
        self.refused(with_object(activity(interactionType=["choice"])), "interactionType")
        self.refused(with_object(activity(interactionType={"type": "choice"})), "interactionType")
        self.refused(with_object(activity(correctResponsesPattern=["true"])), "interactionType")
        self.refused(with_object(activity(choices=[{"id": "a"}])), "interactionType")
        self.refused(
            with_object(activity(interactionType="choice", correctResponsesPattern="a")),
            "correctResponsesPattern",
        )
        self.refused(
            with_object(activity(interactionType="choice", choices=[{"id": "a"}, {"id": "a"}])),
            "choices[1].id",
        )
        self.refused(
            with_object(activity(interactionType="choice", choices=[{"description": {"en": "a"}}])),
            "choices[0]",
        )
        self.refused(
            with_object(activity(interactionType="likert", scale=[{"id": "a", "description": "x"}])),
            "scale[0].description",
        )
        self.refused(with_object(activity(interactionType="matching", source="a")), "source")
        self.refused(with_object(activity(interactionType="performance", steps=[1])), "steps[0]")
        self.refused(
            with_object(activity(interactionType="matching", target=[{"id": "a", "extra": 1}])), "target[0]"
        )
        self.refused(with_object(activity(extensions={"not an iri": 1})), "extensions")
        self.refused(with_object(activity(extensions=[])), "extensions")
        for kind in (
            "true-false",
            "choice",
            "fill-in",
            "long-fill-in",
            "matching",
            "performance",
            "sequencing",
            "likert",
            "numeric",
            "other",
        ):
            with self.subTest(kind=kind):
                self.assert_accepted(
                    with_object(activity(interactionType=kind, correctResponsesPattern=["x"]))
                )

    def test_it_checks_statement_references(self) -> None:
        self.refused(with_object({"objectType": "StatementRef"}), "needs an “id”")
        self.refused(with_object({"objectType": "StatementRef", "id": "not-a-uuid"}), "object.id")
        self.refused(with_object({"id": new_id()}), "object.id")  # without objectType it is an Activity
        self.assert_accepted(with_object({"objectType": "StatementRef", "id": new_id()}))

    def test_it_checks_substatements(self) -> None:
        self.assert_accepted(substatement())
        for key, value in (
            ("id", new_id()),
            ("stored", "2025-01-01T00:00:00Z"),
            ("version", "1.0.0"),
            ("authority", AGENT),
        ):
            with self.subTest(key=key):
                self.refused(substatement(**{key: value}), key)
        nested = substatement()
        nested["object"]["object"] = substatement()["object"]
        self.refused(nested, "SubStatement")
        self.refused(substatement(verb={"id": "not an iri"}), "object.verb.id")
        no_type = statement()
        no_type["object"] = statement()
        self.refused(no_type, "object")

    def test_it_checks_scores(self) -> None:
        self.refused(with_result({"score": {"scaled": 1.5}}), "scaled")
        self.refused(with_result({"score": {"scaled": -1.01}}), "scaled")
        self.refused(with_result({"score": {"min": 10, "max": 5}}), "min")
        self.refused(with_result({"score": {"min": 5, "max": 5}}), "min")
        self.refused(with_result({"score": {"raw": 11, "min": 0, "max": 10}}), "raw")
        self.refused(with_result({"score": {"raw": -1, "min": 0}}), "raw")
        self.refused(with_result({"score": {"raw": True}}), "raw")
        self.refused(with_result({"score": {"grade": 5}}), "grade")
        self.assert_accepted(with_result({"score": {"scaled": -1, "raw": 0, "min": 0, "max": 1}}))
        self.assert_accepted(with_result({"score": {"raw": 1234.5}}))

    def test_it_checks_durations(self) -> None:
        for bad in ("1 hour", "PT", "P", "P0003-06-04T12:30:05", "PT1.5H30M", "T1H"):
            with self.subTest(duration=bad):
                self.refused(with_result({"duration": bad}), "duration")
        for good in ("PT1H30M", "P1DT2H", "P2W", "PT0.01S", "PT4.123456S", "P1Y2M3DT4H5M6S"):
            with self.subTest(duration=good):
                self.assert_accepted(with_result({"duration": good}))

    def test_it_checks_context_properties(self) -> None:
        self.refused(with_context({"registration": "not-a-uuid"}), "registration")
        self.refused(with_context({"instructor": {"name": "no ifi"}}), "instructor")
        self.refused(with_context({"team": AGENT}), "team")
        self.refused(with_context({"revision": 2}), "revision")
        self.refused(with_context({"platform": True}), "platform")
        self.refused(with_context({"statement": {"id": new_id()}}), "statement")
        self.refused(with_context({"statement": {"objectType": "StatementRef", "id": "x"}}), "statement.id")
        self.refused(with_context({"extensions": {"plain": 1}}), "extensions")
        self.assert_accepted(
            with_context(
                {
                    "registration": new_id(),
                    "instructor": AGENT,
                    "revision": "2",
                    "platform": "Moodle",
                    "language": "ko-KR",
                    "statement": {"objectType": "StatementRef", "id": new_id()},
                    "team": {"objectType": "Group", "member": GROUP_MEMBER},
                }
            )
        )

    def test_it_allows_revision_and_platform_only_for_activity_objects(self) -> None:
        for key in ("revision", "platform"):
            with self.subTest(key=key):
                self.refused(with_context({key: "x"}, AGENT), f"context.{key}")
                self.refused(
                    with_context({key: "x"}, {"objectType": "StatementRef", "id": new_id()}), f"context.{key}"
                )
                self.refused(substatement(context={key: "x"}, object=AGENT), f"object.context.{key}")
                self.assert_accepted(with_context({key: "x"}, {"id": "http://example.com/a"}))

    def test_it_checks_context_activities(self) -> None:
        one = {"id": "http://example.com/course"}
        self.refused(with_context({"contextActivities": {"course": [one]}}), "course")
        self.refused(with_context({"contextActivities": {"parent": [{"id": "not an iri"}]}}), "parent[0].id")
        self.refused(with_context({"contextActivities": {"parent": AGENT}}), "parent")
        self.refused(with_context({"contextActivities": {}}), "contextActivities")
        for key in ("parent", "grouping", "category", "other"):
            with self.subTest(key=key):
                self.assert_accepted(with_context({"contextActivities": {key: one}}))
                self.assert_accepted(
                    with_context({"contextActivities": {key: [one, {"id": "http://example.com/b"}]}})
                )

    def test_it_checks_context_agents_and_groups_in_xapi_2(self) -> None:
        good_agent = {
            "objectType": "contextAgent",
            "agent": AGENT,
            "relevantTypes": ["https://example.com/instructor"],
        }
        good_group = {
            "objectType": "contextGroup",
            "group": {"objectType": "Group", "mbox": "mailto:team@example.com"},
        }
        self.assert_accepted(with_context({"contextAgents": [good_agent], "contextGroups": [good_group]}))
        self.assert_accepted(substatement(context={"contextAgents": [good_agent]}))
        self.refused(
            with_context({"contextAgents": [{**good_agent, "objectType": "Should fail"}]}), "objectType"
        )
        self.refused(
            with_context({"contextAgents": [{**good_agent, "agent": {"key": "Should fail"}}]}), "agent"
        )
        self.refused(with_context({"contextAgents": [{**good_agent, "relevantTypes": []}]}), "relevantTypes")
        self.refused(
            with_context({"contextAgents": [{**good_agent, "relevantTypes": ["abc"]}]}), "relevantTypes[0]"
        )
        self.refused(
            with_context({"contextGroups": [{**good_group, "objectType": "Should fail"}]}), "objectType"
        )
        self.refused(
            with_context({"contextGroups": [{"objectType": "contextGroup", "group": {"key": "x"}}]}), "group"
        )
        self.refused(with_context({"contextGroups": [{**good_group, "relevantTypes": []}]}), "relevantTypes")
        self.refused(
            substatement(context={"contextGroups": [{**good_group, "relevantTypes": ["abc"]}]}),
            "relevantTypes[0]",
        )

    def test_it_refuses_context_agents_in_an_xapi_1_request(self) -> None:
        good_agent = {"objectType": "contextAgent", "agent": AGENT}
        self.refused(with_context({"contextAgents": [good_agent]}), "contextAgents", version="1.0.3")

    def test_it_checks_timestamps(self) -> None:
        for bad in (
            "should fail",
            "01/011/2015",
            "2008-09-15T15:53:00.601-00",
            "2008-09-15T15:53:00.601-0000",
            "2008-09-15T15:53:00.601-00:00",
            "2008-13-15T15:53:00Z",
            "2008-09-15T25:53:00Z",
            "2008-09-15",
        ):
            with self.subTest(timestamp=bad):
                self.refused(statement(timestamp=bad), "timestamp")
                self.refused(substatement(timestamp=bad), "object.timestamp")
        for good in (
            "2008-09-15T15:53:00.601Z",
            "2008-09-15T15:53:00.601+09:00",
            "2008-09-15T15:53:00+0900",
            "2008-09-15T15:53:00",
            "20080915T155300Z",
            "2008-09-15T15:53:00.123456789Z",
        ):
            with self.subTest(timestamp=good):
                self.assert_accepted(statement(timestamp=good))

    def test_it_accepts_rfc_3339_space_separated_timestamps_in_xapi_2_only(self) -> None:
        self.assert_accepted(statement(timestamp="2008-09-15 15:53:00.601+00:00"))
        self.refused(statement(timestamp="2008-09-15 15:53:00.601+00:00"), "timestamp", version="1.0.3")

    def test_it_checks_the_authority_sent_before_replacing_it(self) -> None:
        self.refused(statement(authority={"objectType": "Group", "member": [AGENT]}), "authority")
        three = [AGENT, {"mbox": "mailto:b@example.com"}, {"mbox": "mailto:c@example.com"}]
        self.refused(statement(authority={"objectType": "Group", "member": three}), "authority")
        self.refused(
            statement(authority={"objectType": "Activity", "id": "http://example.com/a"}), "authority"
        )
        two = [{"account": {"homePage": "http://example.com/oauth", "name": "app"}}, AGENT]
        self.assert_accepted(statement(authority={"objectType": "Group", "member": two}))

    def test_it_checks_the_stored_property_before_replacing_it(self) -> None:
        self.refused(statement(stored="yesterday"), "stored")

    def test_it_checks_attachment_metadata(self) -> None:
        good = {
            "usageType": "http://example.com/attachment-usage/test",
            "display": {"en-US": "A test attachment"},
            "contentType": "text/plain; charset=ascii",
            "length": 27,
            "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
            "fileUrl": "http://over.there.com/file.txt",
        }
        self.assert_accepted(statement(attachments=[good]))
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            with self.subTest(missing=key):
                self.refused(statement(attachments=[{k: v for k, v in good.items() if k != key}]), key)
        self.refused(statement(attachments=[{**good, "length": "27"}]), "length")
        self.refused(statement(attachments=[{**good, "sha2": "xyz"}]), "sha2")
        self.refused(statement(attachments=[{**good, "fileUrl": "file.txt"}]), "fileUrl")
        self.refused(statement(attachments=[{**good, "usageType": "usage"}]), "usageType")
        self.refused(statement(attachments=[{**good, "contentType": "text"}]), "contentType")
        self.refused(statement(attachments=[{**good, "display": {"something": "x"}}]), "display")
        self.refused(statement(attachments=good), "attachments")

    def test_it_checks_the_version_property(self) -> None:
        self.assert_accepted(statement(version="1.0.3"), version="1.0.3")
        self.assert_accepted(statement(version="1.0"), version="1.0.3")
        self.refused(statement(version="2.0.0"), "version", version="1.0.3")
        self.refused(statement(version="0.95"), "version", version="1.0.3")
        self.assert_accepted(statement(version="2.0.0"))
        self.assert_accepted(statement(version="1.0.3"))
        self.refused(statement(version="3.0.0"), "version")
        self.refused(statement(version=1.0), "version")

    def test_it_refuses_a_property_used_twice(self) -> None:
        text = json.dumps(statement())[:-1] + ', "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}'
        response = self.client.post(
            "/xapi/statements", text, content_type="application/json", **self.headers()
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("“verb” more than once", json.loads(response.content)["detail"])

    def test_it_refuses_json_nested_too_deeply_or_with_numbers_too_long_as_malformed(self) -> None:
        # Python's parser gives up on both (recursion, and its 4,300-digit limit for integers).
        nested = "[" * 100_000 + "]" * 100_000
        long_number = json.dumps(statement(result={"score": {"raw": 1}})).replace(
            '"raw": 1', '"raw": ' + "9" * 5000
        )
        for text in (nested, long_number):
            with self.subTest(text=text[:30]):
                response = self.client.post(
                    "/xapi/statements", text, content_type="application/json", **self.headers()
                )
                self.assertEqual(response.status_code, 400)
                self.assertIn("too deeply or holds a number too long", json.loads(response.content)["detail"])

    def test_it_names_the_statement_of_a_batch_that_is_invalid(self) -> None:
        problem = self.assert_rejected([statement(), statement(verb={"id": "nope"})])
        self.assertEqual(problem["property"], "statements[1].verb.id")
