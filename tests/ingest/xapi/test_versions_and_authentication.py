"""X-Experience-API-Version negotiation, HTTP Basic per source, and /xapi/about."""

import json

from django.utils import timezone

from laurel.core.actor import Actor
from laurel.ingest.sources import create_source, deactivate_source
from tests.ingest.xapi.helpers import URL, XapiTestCase, basic, new_id, statement


class VersionTests(XapiTestCase):
    def test_it_accepts_1_0_x_and_2_0_x_and_answers_with_the_latest_patch(self) -> None:
        for sent, answered in (
            ("1.0", "1.0.3"),
            ("1.0.0", "1.0.3"),
            ("1.0.3", "1.0.3"),
            ("1.0.9", "1.0.3"),
            ("2.0", "2.0.0"),
            ("2.0.0", "2.0.0"),
            ("2.0.1", "2.0.0"),
        ):
            with self.subTest(version=sent):
                response = self.post(statement(), version=sent)
                self.assertEqual(response.status_code, 200, response.content)
                self.assertEqual(response["X-Experience-API-Version"], answered)

    def test_it_refuses_a_missing_or_unsupported_version_header_with_400(self) -> None:
        for sent in (None, "", "0.95", "0.9", "1.1.0", "2.1.0", "3.0.0", "1.0.x", "latest"):
            with self.subTest(version=sent):
                for response in (
                    self.post(statement(), version=sent),
                    self.put(statement(), new_id(), version=sent),
                    self.get(f"statementId={new_id()}", version=sent),
                ):
                    self.assertEqual(response.status_code, 400)
                    self.assertEqual(response["X-Experience-API-Version"], "2.0.0")
                    self.assertIn("X-Experience-API-Version", json.loads(response.content)["detail"])

    def test_a_statement_keeps_the_version_it_was_accepted_with(self) -> None:
        [sid] = self.assert_accepted(statement(version="2.0.0"))
        self.assertEqual(self.fetch(sid)["version"], "2.0.0")
        sid = new_id()
        self.assertEqual(self.put(statement(version="1.0.1"), sid, version="1.0.3").status_code, 204)
        self.assertEqual(self.fetch(sid)["version"], "1.0.1")


class AuthenticationTests(XapiTestCase):
    def test_it_refuses_requests_without_credentials_with_401_and_www_authenticate(self) -> None:
        response = self.client.post(
            URL,
            json.dumps(statement()),
            content_type="application/json",
            HTTP_X_EXPERIENCE_API_VERSION="2.0.0",
        )
        self.assertEqual(response.status_code, 401)
        self.assertTrue(response["WWW-Authenticate"].startswith('Basic realm="'))
        self.assertEqual(response["Content-Type"], "application/problem+json")

    def test_it_refuses_wrong_or_malformed_credentials(self) -> None:
        for header in (
            basic(self.username, "wrong"),
            basic("lx_nobody", self.password),
            "Basic !!!",
            "Bearer " + self.password,
            basic(self.username, ""),
        ):
            with self.subTest(header=header):
                response = self.post(statement(), HTTP_AUTHORIZATION=header)
                self.assertEqual(response.status_code, 401)

    def test_a_deactivated_source_is_refused(self) -> None:
        deactivate_source(Actor(user=self.owner, via="web"), self.source)
        self.assertEqual(self.post(statement()).status_code, 401)

    def test_sources_of_other_kinds_cannot_use_basic_credentials(self) -> None:
        _source, lines = create_source(Actor(user=self.owner, via="web"), self.org, "caliper", "Canvas")
        self.assertEqual(
            self.post(statement(), HTTP_AUTHORIZATION=basic(lines["token"][:16], lines["token"])).status_code,
            401,
        )

    def test_an_outsider_source_cannot_read_another_organizations_statements(self) -> None:
        [sid] = self.assert_accepted(statement())
        _source, lines = create_source(
            Actor(user=self.outsider, via="web"), self.other_org, "xapi", "Other LMS"
        )
        response = self.client.get(
            f"{URL}?statementId={sid}",
            HTTP_X_EXPERIENCE_API_VERSION="2.0.0",
            HTTP_AUTHORIZATION=basic(lines["username"], lines["password"]),
        )
        self.assertEqual(response.status_code, 404)

    def test_the_source_is_marked_as_heard_from(self) -> None:
        self.assert_accepted(statement())
        self.source.refresh_from_db()
        self.assertIsNotNone(self.source.last_seen_at)
        self.assertLessEqual(self.source.last_seen_at, timezone.now())


class AboutTests(XapiTestCase):
    def test_about_lists_the_versions_without_credentials_or_version_header(self) -> None:
        response = self.client.get("/xapi/about")
        self.assertEqual(response.status_code, 200)
        about = json.loads(response.content)
        self.assertEqual(about["version"], ["1.0.3", "2.0.0"])
        valid = {"0.9", "0.95", "1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"}
        self.assertTrue(set(about["version"]) <= valid)
        self.assertEqual(response["X-Experience-API-Version"], "2.0.0")

    def test_about_answers_head_and_echoes_the_requested_major_version(self) -> None:
        head = self.client.head("/xapi/about", HTTP_X_EXPERIENCE_API_VERSION="1.0.3")
        self.assertEqual(head.status_code, 200)
        self.assertEqual(head.content, b"")
        self.assertEqual(head["X-Experience-API-Version"], "1.0.3")

    def test_about_refuses_writes(self) -> None:
        self.assertEqual(self.client.post("/xapi/about").status_code, 405)
