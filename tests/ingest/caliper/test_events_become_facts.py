import datetime
from decimal import Decimal

from laurel.ingest.models import Fact, SourceIdentity
from laurel.orgs.models import Recipient
from tests.ingest.caliper import fixtures
from tests.ingest.caliper.helpers import CaliperTestCase

UTC = datetime.UTC


class EventsBecomeFactsTests(CaliperTestCase):
    def facts(self) -> dict[str, Fact]:
        return {fact.event_key: fact for fact in Fact.objects.filter(source=self.source)}

    def test_the_spec_mixed_payload_gives_a_submission_and_a_grade(self) -> None:
        response = self.send(fixtures.mixed_v1p1())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"")  # §6.1.1: the body SHOULD be empty
        facts = self.facts()
        # The Started event is a step of the attempt, not a fact.
        self.assertEqual(
            sorted(facts),
            [
                "urn:uuid:a50ca17f-5971-47bb-8fca-4e6e6879001d",
                "urn:uuid:dad88464-0c20-4a19-a1ba-ddf2f9c3ff33",
            ],
        )
        submitted = facts["urn:uuid:dad88464-0c20-4a19-a1ba-ddf2f9c3ff33"]
        self.assertEqual(submitted.type, "submission")
        # The spec's quiz was due on 2018-09-28; this attempt was handed in on 2018-11-15.
        self.assertEqual(submitted.status, "late")
        self.assertEqual(submitted.object_id, fixtures.QUIZ)
        self.assertEqual(submitted.object_name, "Quiz One")  # from the entity described beside it
        self.assertEqual(submitted.course, fixtures.SECTION)
        self.assertEqual(submitted.occurred_at, datetime.datetime(2018, 11, 15, 10, 25, 30, tzinfo=UTC))

    def test_a_grade_is_the_score_of_the_attempt_for_its_assignable_and_assignee(self) -> None:
        self.send(fixtures.mixed_v1p1())
        grade = self.facts()["urn:uuid:a50ca17f-5971-47bb-8fca-4e6e6879001d"]
        self.assertEqual(grade.type, "grade")
        self.assertEqual((grade.value, grade.max_value), (Decimal("10"), Decimal("15")))
        self.assertEqual(grade.object_id, fixtures.QUIZ)  # the quiz, not the learner's attempt
        # The learner is the attempt's assignee, not the autograder that acted.
        self.assertEqual((grade.identity.kind, grade.identity.value), ("openid", fixtures.STUDENT))

    def test_an_assignable_completed_event_is_a_completion(self) -> None:
        self.assertEqual(self.send(fixtures.envelope(fixtures.assignable_completed_v1p2())).status_code, 200)
        (fact,) = self.facts().values()
        self.assertEqual(
            (fact.type, fact.status, fact.object_name), ("completion", "completed", "Week 9 Reflection")
        )

    def test_a_submission_before_the_due_date_is_submitted(self) -> None:
        event = fixtures.assignable_completed_v1p2()
        event["action"] = "Submitted"  # at 2016-11-12T10:15Z, due 2016-11-14T11:59:59Z
        self.send(fixtures.envelope(event))
        (fact,) = self.facts().values()
        self.assertEqual((fact.type, fact.status), ("submission", "submitted"))

    def test_a_submission_after_the_due_date_is_late(self) -> None:
        event = fixtures.assignable_completed_v1p2()
        event["action"] = "Submitted"
        event["eventTime"] = "2016-11-15T08:00:00.000Z"  # dateToSubmit is 2016-11-14T11:59:59Z
        self.send(fixtures.envelope(event))
        (fact,) = self.facts().values()
        self.assertEqual((fact.type, fact.status), ("submission", "late"))

    def test_an_unsupported_event_is_accepted_and_ignored(self) -> None:
        response = self.send(fixtures.envelope(fixtures.tool_use_v1p2()))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Fact.objects.exists())

    def test_a_grade_without_a_score_given_is_ignored(self) -> None:
        body = fixtures.mixed_v1p1()
        del body["data"][6]["generated"]["scoreGiven"]
        self.assertEqual(self.send(body).status_code, 200)
        self.assertEqual([f.type for f in self.facts().values()], ["submission"])

    def test_sending_the_same_envelope_again_changes_nothing(self) -> None:
        self.send(fixtures.mixed_v1p1())
        before = {key: (f.pk, f.received_at) for key, f in self.facts().items()}
        self.assertEqual(self.send(fixtures.mixed_v1p1()).status_code, 200)
        self.assertEqual({key: (f.pk, f.received_at) for key, f in self.facts().items()}, before)

    def test_an_event_id_in_other_letter_case_is_the_same_event(self) -> None:
        self.send(fixtures.mixed_v1p1())
        body = fixtures.mixed_v1p1()
        body["data"][5]["id"] = body["data"][5]["id"].upper().replace("URN:UUID:", "urn:uuid:")
        self.assertEqual(self.send(body).status_code, 200)
        self.assertEqual(len(self.facts()), 2)

    def test_the_same_event_id_with_other_content_is_a_conflict(self) -> None:
        self.send(fixtures.mixed_v1p1())
        body = fixtures.mixed_v1p1()
        body["data"][6]["generated"]["scoreGiven"] = 14.0
        problem = self.assertProblem(self.send(body), 409)
        self.assertEqual(problem["ids"], ["urn:uuid:a50ca17f-5971-47bb-8fca-4e6e6879001d"])
        self.assertEqual(self.facts()["urn:uuid:a50ca17f-5971-47bb-8fca-4e6e6879001d"].value, Decimal("10"))

    def test_a_learner_unknown_to_the_org_is_parked(self) -> None:
        self.send(fixtures.mixed_v1p1())
        self.assertTrue(all(fact.recipient_id is None for fact in self.facts().values()))


class OtherIdentifiersTests(CaliperTestCase):
    def test_an_email_among_other_identifiers_links_the_learner(self) -> None:
        jane = Recipient.objects.create(org=self.org, email="jane@example.edu", name="Jane")
        event = fixtures.assignable_completed_v1p2()
        event["actor"] = fixtures.person_v1p2()
        self.send(fixtures.envelope(event))
        (fact,) = Fact.objects.filter(source=self.source)
        self.assertEqual(fact.recipient, jane)
        identity = SourceIdentity.objects.get(kind="openid", value=fixtures.STUDENT)
        self.assertEqual((identity.recipient, identity.name), (jane, "Jane Doe"))

    def test_later_events_naming_the_learner_only_by_iri_reach_the_same_recipient(self) -> None:
        jane = Recipient.objects.create(org=self.org, email="jane@example.edu", name="Jane")
        first = fixtures.assignable_completed_v1p2()
        first["actor"] = fixtures.person_v1p2()
        self.send(fixtures.envelope(first))
        self.send(fixtures.mixed_v1p1())  # the actor is only the IRI here
        self.assertEqual(set(Fact.objects.values_list("recipient", flat=True)), {jane.pk})

    def test_a_canvas_sis_id_extension_links_by_student_id(self) -> None:
        kim = Recipient.objects.create(org=self.org, email="kim@example.edu", student_id="456-T45")
        event = fixtures.assignable_completed_v1p2()
        event["actor"] = {
            "id": "urn:instructure:canvas:user:21070000000000001",
            "type": "Person",
            "extensions": {"com.instructure.canvas": {"user_login": "kim", "user_sis_id": "456-T45"}},
        }
        self.send(fixtures.envelope(event))
        self.assertEqual(Fact.objects.get().recipient, kim)

    def test_identifiers_pointing_at_two_recipients_link_nobody(self) -> None:
        Recipient.objects.create(org=self.org, email="jane@example.edu")
        Recipient.objects.create(
            org=self.org,
            email="other@example.edu",
            student_id="example.edu:71ee7e42-f6d2-414a-80db-b69ac2defd4",
        )
        event = fixtures.assignable_completed_v1p2()
        event["actor"] = fixtures.person_v1p2()
        self.send(fixtures.envelope(event))
        self.assertIsNone(Fact.objects.get().recipient)

    def test_a_recipient_of_another_org_is_never_linked(self) -> None:
        Recipient.objects.create(org=self.other_org, email="jane@example.edu")
        event = fixtures.assignable_completed_v1p2()
        event["actor"] = fixtures.person_v1p2()
        self.send(fixtures.envelope(event))
        self.assertIsNone(Fact.objects.get().recipient)
