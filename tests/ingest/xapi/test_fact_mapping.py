"""Which statements make which facts: verbs, objects, scores, courses and learners."""

from decimal import Decimal

from laurel.ingest.models import Fact, SourceIdentity
from laurel.ingest.xapi.models import Statement
from laurel.orgs.models import Recipient
from tests.ingest.xapi.helpers import ADL, XapiTestCase, new_id, statement

ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"


def said(
    verb: str, *, kind: str = "", result: dict | None = None, actor: dict | None = None, **extra
) -> dict:
    definition = {"type": kind, "name": {"en": "Thing", "ko": "것"}} if kind else {"name": {"en": "Thing"}}
    body = statement(
        id=new_id(),
        verb={"id": verb},
        object={"id": "http://lms.example/thing/1", "definition": definition},
        timestamp="2025-03-10T09:00:00+09:00",
        **extra,
    )
    if result is not None:
        body["result"] = result
    if actor is not None:
        body["actor"] = actor
    return body


class FactMappingTests(XapiTestCase):
    def fact(self, body: dict) -> Fact | None:
        self.assert_accepted(body)
        return Fact.objects.filter(event_key=body["id"]).first()

    def test_verbs_make_facts_of_their_type_and_status(self) -> None:
        cases = [
            (said(ADL + "attended"), "attendance", "present"),
            (said("http://activitystrea.ms/schema/1.0/attend"), "attendance", "present"),
            (said(ADL + "completed"), "completion", "completed"),
            (said(ADL + "completed", result={"completion": False}), "completion", "incomplete"),
            (said("https://w3id.org/xapi/adl/verbs/satisfied"), "completion", "completed"),
            (said(ADL + "mastered"), "completion", "completed"),
            (
                said(
                    ADL + "completed",
                    kind=ASSESSMENT,
                    result={"score": {"raw": 7, "max": 10}, "success": True},
                ),
                "quiz",
                "passed",
            ),
            (said(ADL + "completed", kind=ASSESSMENT), "submission", "submitted"),
            (said("http://activitystrea.ms/schema/1.0/submit", kind=ASSESSMENT), "submission", "submitted"),
            (said(ADL + "passed", kind=ASSESSMENT), "quiz", "passed"),
            (said(ADL + "failed", kind="http://adlnet.gov/expapi/activities/question"), "quiz", "failed"),
            (said(ADL + "passed", kind="http://adlnet.gov/expapi/activities/course"), "grade", "passed"),
            (said(ADL + "failed"), "grade", "failed"),
            (said(ADL + "scored", kind=ASSESSMENT, result={"score": {"raw": 3}}), "grade", ""),
            (said(ADL + "scored", result={"score": {"raw": 3}, "success": False}), "grade", "failed"),
            (
                said("https://w3id.org/xapi/acrossx/verbs/evaluated", result={"success": True}),
                "grade",
                "passed",
            ),
            (
                said(
                    ADL + "answered",
                    kind="http://adlnet.gov/expapi/activities/cmi.interaction",
                    result={"success": True},
                ),
                "quiz",
                "passed",
            ),
            (
                said(
                    ADL + "attempted",
                    kind="http://adlnet.gov/expapi/activities/question",
                    result={"score": {"scaled": 0.5}},
                ),
                "quiz",
                "",
            ),
            (
                said("http://id.tincanapi.com/verb/earned", kind="http://activitystrea.ms/schema/1.0/badge"),
                "badge",
                "",
            ),
            (said("http://id.tincanapi.com/verb/earned"), "mission", "completed"),
            (
                said(ADL + "completed", kind="https://laurel.example/activitytype/mission"),
                "mission",
                "completed",
            ),
        ]
        for body, kind, status in cases:
            with self.subTest(verb=body["verb"]["id"], kind=kind):
                fact = self.fact(body)
                self.assertIsNotNone(fact)
                self.assertEqual((fact.type, fact.status), (kind, status))

    def test_statements_that_mean_nothing_for_badges_are_stored_without_facts(self) -> None:
        for body in (
            said("http://id.tincanapi.com/verb/viewed"),
            said(ADL + "launched"),
            said(ADL + "attempted", kind=ASSESSMENT),  # started, not scored
            said(
                ADL + "attended", actor={"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]}
            ),
            statement(
                id=new_id(),
                verb={"id": ADL + "completed"},
                object={"objectType": "Agent", "mbox": "mailto:b@example.com"},
            ),
        ):
            with self.subTest(verb=body["verb"]["id"]):
                self.assertIsNone(self.fact(body))
                stored = Statement.objects.get(statement_id=body["id"])
                self.assertEqual(stored.fact_ids, [])
                self.assertEqual(self.fetch(body["id"])["verb"]["id"], body["verb"]["id"])

    def test_the_statement_remembers_the_fact_it_made(self) -> None:
        body = said(ADL + "attended")
        fact = self.fact(body)
        self.assertEqual(Statement.objects.get(statement_id=body["id"]).fact_ids, [fact.pk])

    def test_scores_become_value_and_maximum(self) -> None:
        raw = self.fact(
            said(ADL + "scored", result={"score": {"raw": 87.5, "min": 0, "max": 100, "scaled": 0.875}})
        )
        self.assertEqual((raw.value, raw.max_value), (Decimal("87.5"), Decimal("100")))
        scaled = self.fact(said(ADL + "scored", result={"score": {"scaled": 0.1}}))
        self.assertEqual((scaled.value, scaled.max_value), (Decimal("0.1"), Decimal("1")))
        bare = self.fact(said(ADL + "scored", result={"score": {"raw": 4}}))
        self.assertEqual((bare.value, bare.max_value), (Decimal("4"), None))

    def test_the_course_is_the_course_typed_parent_or_grouping_else_the_first_parent(self) -> None:
        course = {
            "id": "http://lms.example/course/9",
            "definition": {"type": "http://adlnet.gov/expapi/activities/course"},
        }
        site = {
            "id": "http://lms.example",
            "definition": {"type": "http://id.tincanapi.com/activitytype/lms"},
        }
        grouped = self.fact(
            said(ADL + "attended", context={"contextActivities": {"grouping": [site, course]}})
        )
        self.assertEqual(grouped.course, "http://lms.example/course/9")
        parent = self.fact(
            said(
                ADL + "attended",
                context={"contextActivities": {"parent": {"id": "http://lms.example/unit/2"}}},
            )
        )
        self.assertEqual(parent.course, "http://lms.example/unit/2")
        none = self.fact(said(ADL + "attended", context={"contextActivities": {"grouping": [site]}}))
        self.assertEqual(none.course, "")

    def test_the_object_name_prefers_korean_then_english(self) -> None:
        self.assertEqual(
            self.fact(said(ADL + "attended", kind="http://adlnet.gov/expapi/activities/meeting")).object_name,
            "것",
        )

    def test_learners_are_named_by_their_inverse_functional_identifier(self) -> None:
        cases = [
            ({"mbox": "mailto:Hong@Example.com", "name": "홍길동"}, "email", "hong@example.com"),
            (
                {"mbox_sha1sum": "EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"},
                "mbox_sha1",
                "ebd31e95054c018b10727ccffd2ef2ec3a016ee9",
            ),
            (
                {"account": {"homePage": "HTTPS://LMS.example", "name": "s-1"}},
                "account",
                "https://lms.example|s-1",
            ),
            ({"openid": "https://openid.example/u/1"}, "openid", "https://openid.example/u/1"),
        ]
        for actor, kind, value in cases:
            with self.subTest(kind=kind):
                fact = self.fact(said(ADL + "attended", actor=actor))
                self.assertEqual((fact.identity.kind, fact.identity.value), (kind, value))

    def test_a_known_email_links_the_fact_to_its_recipient_and_others_are_parked(self) -> None:
        hong = Recipient.objects.create(org=self.org, email="hong@example.com", name="홍길동")
        linked = self.fact(said(ADL + "attended", actor={"mbox": "mailto:hong@example.com"}))
        parked = self.fact(said(ADL + "attended", actor={"mbox": "mailto:nobody@example.com"}))
        self.assertEqual(linked.recipient, hong)
        self.assertIsNone(parked.recipient)
        self.assertTrue(SourceIdentity.objects.filter(value="nobody@example.com", recipient=None).exists())

    def test_the_fact_happens_at_the_statement_timestamp_or_when_stored(self) -> None:
        fact = self.fact(said(ADL + "attended"))
        self.assertEqual(fact.occurred_at.isoformat(), "2025-03-10T00:00:00+00:00")
        body = said(ADL + "attended")
        del body["timestamp"]
        fact = self.fact(body)
        self.assertEqual(fact.occurred_at, Statement.objects.get(statement_id=body["id"]).stored)

    def test_a_valid_statement_whose_fact_cannot_be_kept_is_stored_without_one(self) -> None:
        too_long = {"account": {"homePage": "https://lms.example", "name": "x" * 600}}
        body = said(ADL + "attended", actor=too_long)
        others = [said(ADL + "attended") for _ in range(2)]
        self.assert_accepted([body, *others])
        self.assertFalse(Fact.objects.filter(event_key=body["id"]).exists())
        self.assertEqual(Fact.objects.filter(event_key__in=[o["id"] for o in others]).count(), 2)
