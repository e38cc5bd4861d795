import datetime
from decimal import Decimal

from laurel.ingest.models import Fact, SourceIdentity
from tests.ingest.webhooks.helpers import WebhookTestCase, mission

UTC = datetime.UTC


class EventSchemaTests(WebhookTestCase):
    def errors(self, body: object) -> dict[str, str]:
        problem = self.assertProblem(self.deliver(body), 422)
        return {error["pointer"]: error["message"] for error in problem["errors"]}

    def test_a_mission_event_becomes_a_mission_fact_of_the_recipient(self) -> None:
        self.deliver(mission())
        fact = Fact.objects.get()
        self.assertEqual(
            (fact.type, fact.status, fact.object_id, fact.object_name, fact.course),
            ("mission", "completed", "mission-recycling", "분리수거 미션", "환경 동아리"),
        )
        self.assertEqual(fact.recipient, self.kim)
        self.assertEqual(fact.occurred_at, datetime.datetime(2025, 3, 10, 0, 0, tzinfo=UTC))

    def test_a_grade_keeps_its_value_and_maximum_exactly(self) -> None:
        self.deliver(mission(type="grade", status="passed", value="8.25", max=10))
        fact = Fact.objects.get()
        self.assertEqual(
            (fact.value, fact.max_value, fact.status), (Decimal("8.25"), Decimal("10"), "passed")
        )

    def test_a_batch_is_stored_whole_with_a_key_per_event(self) -> None:
        body = {"events": [mission(), mission(activity={"id": "mission-2"}), mission(id="own-7")]}
        response = self.deliver(body, message_id="msg_batch")
        self.assertEqual(response.json()["created"], 3)
        self.assertEqual(
            set(Fact.objects.values_list("event_key", flat=True)),
            {"message:msg_batch#0", "message:msg_batch#1", "event:own-7"},
        )

    def test_an_event_with_its_own_id_is_the_same_fact_in_another_delivery(self) -> None:
        self.deliver(mission(id="own-7"), message_id="msg_a")
        response = self.deliver(mission(id="own-7"), message_id="msg_b")
        self.assertEqual(response.json()["unchanged"], 1)
        self.assertEqual(Fact.objects.count(), 1)

    def test_the_same_event_id_with_other_content_is_409_and_keeps_the_first(self) -> None:
        self.deliver(mission(id="own-7"), message_id="msg_a")
        problem = self.assertProblem(
            self.deliver(mission(id="own-7", course="Other"), message_id="msg_b"), 409
        )
        self.assertEqual(problem["keys"], ["event:own-7"])
        self.assertEqual(Fact.objects.get().course, "환경 동아리")

    def test_one_bad_event_in_a_batch_rejects_the_whole_batch(self) -> None:
        body = {"events": [mission(), mission(time="yesterday")]}
        self.assertEqual(list(self.errors(body)), ["/events/1/time"])
        self.assertFalse(Fact.objects.exists())

    def test_every_problem_is_named_by_its_pointer(self) -> None:
        event = mission(type="party", colour="red", max=0, value=True)
        event["learner"] = {"email": "kim@school.kr", "student_id": "2025017"}
        del event["activity"]
        errors = self.errors(event)
        self.assertEqual(set(errors), {"/type", "/colour", "/learner", "/activity", "/max", "/value"})
        self.assertIn("exactly one", errors["/learner"])

    def test_a_status_outside_the_types_vocabulary_lists_the_allowed_ones(self) -> None:
        errors = self.errors(mission(type="attendance", status="here"))
        self.assertIn("present", errors["/status"])
        self.assertIn("excused", errors["/status"])

    def test_a_time_without_an_offset_is_refused(self) -> None:
        self.assertIn("/time", self.errors(mission(time="2025-03-10T09:00:00")))

    def test_a_time_far_in_the_future_is_refused(self) -> None:
        self.assertIn("/time", self.errors(mission(time="2099-01-01T00:00:00Z")))

    def test_a_batch_with_other_fields_or_too_many_events_is_refused(self) -> None:
        self.assertIn("/source", self.errors({"events": [mission()], "source": "x"}))
        self.assertIn("500", self.errors({"events": [mission()] * 501})["/events"])

    def test_a_learner_id_is_unique_to_this_source(self) -> None:
        self.deliver(mission(learner={"id": "u-42", "name": "Player"}))
        identity = SourceIdentity.objects.get()
        self.assertEqual(identity.kind, "account")
        self.assertEqual(identity.value, f"urn:laurel:source:{self.source.public_id}|u-42")
        self.assertIsNone(Fact.objects.get().recipient)

    def test_a_student_id_links_to_the_recipient_with_that_student_id(self) -> None:
        self.deliver(mission(learner={"student_id": "2025017"}))
        self.assertEqual(Fact.objects.get().recipient, self.kim)

    def test_malformed_json_is_400(self) -> None:
        self.assertProblem(self.deliver(b'{"type": '), 400)
