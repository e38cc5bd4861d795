from laurel.ingest.models import Fact
from tests.ingest.caliper import fixtures
from tests.ingest.caliper.helpers import CaliperTestCase


class EnvelopeErrorTests(CaliperTestCase):
    def test_it_answers_401_with_a_bearer_challenge_without_a_token(self) -> None:
        response = self.client.post("/caliper/events", "{}", content_type="application/json")
        self.assertProblem(response, 401)
        self.assertTrue(response["WWW-Authenticate"].startswith("Bearer"))

    def test_it_answers_401_to_a_wrong_token(self) -> None:
        self.assertProblem(self.send(fixtures.mixed_v1p1(), token="lcs_" + "x" * 43), 401)

    def test_it_answers_401_to_the_token_of_a_deactivated_source(self) -> None:
        type(self.source).objects.filter(pk=self.source.pk).update(is_active=False)
        self.assertProblem(self.send(fixtures.mixed_v1p1()), 401)

    def test_it_answers_415_to_a_body_that_is_not_json(self) -> None:
        body = self.assertProblem(
            self.send("sensor=x", content_type="application/x-www-form-urlencoded"), 415
        )
        self.assertIn("application/json", body["detail"])

    def test_it_answers_400_to_events_sent_without_an_envelope(self) -> None:
        event = fixtures.mixed_v1p1()["data"][5]
        self.assertProblem(self.send(event), 400)
        self.assertProblem(self.send([event]), 400)

    def test_it_answers_400_naming_a_missing_envelope_property(self) -> None:
        body = fixtures.mixed_v1p1()
        del body["sendTime"]
        problem = self.assertProblem(self.send(body), 400)
        self.assertEqual(problem["pointer"], "/sendTime")

    def test_it_answers_400_to_a_custom_envelope_property(self) -> None:
        body = fixtures.mixed_v1p1()
        body["extensions"] = {}
        self.assertEqual(self.assertProblem(self.send(body), 400)["pointer"], "/extensions")

    def test_it_answers_400_to_a_send_time_without_a_time_zone(self) -> None:
        body = fixtures.mixed_v1p1()
        body["sendTime"] = "2018-11-15T11:05:01"
        self.assertEqual(self.assertProblem(self.send(body), 400)["pointer"], "/sendTime")

    def test_it_answers_400_to_an_empty_data_array(self) -> None:
        body = fixtures.envelope()
        self.assertEqual(self.assertProblem(self.send(body), 400)["pointer"], "/data")

    def test_it_answers_422_to_a_data_version_it_does_not_support(self) -> None:
        body = fixtures.mixed_v1p1()
        body["dataVersion"] = "http://purl.imsglobal.org/ctx/caliper/v1p0"
        problem = self.assertProblem(self.send(body), 422)
        self.assertEqual(problem["pointer"], "/dataVersion")

    def test_it_answers_400_to_an_event_id_that_is_not_a_urn_uuid(self) -> None:
        body = fixtures.mixed_v1p1()
        body["data"][5]["id"] = "event-1"
        self.assertEqual(self.assertProblem(self.send(body), 400)["pointer"], "/data/5/id")

    def test_it_answers_400_to_an_event_without_an_event_time(self) -> None:
        body = fixtures.envelope(fixtures.tool_use_v1p2())
        del body["data"][0]["eventTime"]
        self.assertEqual(self.assertProblem(self.send(body), 400)["pointer"], "/data/0/eventTime")

    def test_it_answers_400_to_malformed_json(self) -> None:
        self.assertProblem(self.send('{"sensor": '), 400)

    def test_a_rejected_envelope_stores_none_of_its_events(self) -> None:
        body = fixtures.mixed_v1p1()
        body["data"][6]["eventTime"] = "yesterday"  # the grade is malformed; the submission is fine
        self.assertProblem(self.send(body), 400)
        self.assertFalse(Fact.objects.exists())

    def test_it_answers_413_past_the_size_it_announces(self) -> None:
        body = fixtures.envelope(fixtures.tool_use_v1p2())
        body["data"][0]["padding"] = "x" * 2_000_001
        problem = self.assertProblem(self.send(body), 413)
        self.assertIn("2000000", problem["detail"])


class PingTests(CaliperTestCase):
    def test_a_ping_lists_the_supported_caliper_contexts(self) -> None:
        response = self.client.get("/caliper/events", headers={"Authorization": f"Bearer {self.token}"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json()["versions"],
            ["http://purl.imsglobal.org/ctx/caliper/v1p1", "http://purl.imsglobal.org/ctx/caliper/v1p2"],
        )

    def test_a_ping_without_a_token_is_401(self) -> None:
        self.assertProblem(self.client.get("/caliper/events"), 401)
