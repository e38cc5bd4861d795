"""PUT, POST, GET and HEAD on /xapi/statements: what is stored, what comes back, and the headers."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from laurel.ingest.xapi.models import Statement
from tests.ingest.xapi.helpers import URL, XapiTestCase, new_id, statement


class StatementResourceTests(XapiTestCase):
    def test_post_stores_one_statement_and_returns_its_id_in_a_list(self) -> None:
        statement_id = new_id()
        self.assertEqual(self.assert_accepted(statement(id=statement_id)), [statement_id])
        self.assertEqual(self.fetch(statement_id)["id"], statement_id)

    def test_post_stores_a_batch_and_returns_ids_in_order(self) -> None:
        ids = [new_id() for _ in range(3)]
        self.assertEqual(self.assert_accepted([statement(id=i) for i in ids]), ids)
        self.assertEqual(Statement.objects.filter(org=self.org).count(), 3)

    def test_post_gives_an_id_to_a_statement_without_one(self) -> None:
        [assigned] = self.assert_accepted(statement())
        self.assertEqual(uuid.UUID(assigned).variant, uuid.RFC_4122)
        self.assertEqual(self.fetch(assigned)["id"], assigned)

    def test_put_stores_a_statement_under_statement_id_with_204(self) -> None:
        statement_id = new_id()
        response = self.put(statement(), statement_id)
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response.content, b"")
        self.assertEqual(self.fetch(statement_id)["id"], statement_id)

    def test_put_refuses_a_missing_or_malformed_statement_id(self) -> None:
        response = self.client.put(
            URL, json.dumps(statement()), content_type="application/json", **self.headers()
        )
        self.assertEqual(response.status_code, 400)
        for bad in ("true", "%7B%22key%22%3A1%7D", "not-a-uuid"):
            with self.subTest(statement_id=bad):
                self.assertEqual(self.put(statement(), bad).status_code, 400)

    def test_put_refuses_a_statement_whose_id_differs_from_statement_id(self) -> None:
        response = self.put(statement(id=new_id()), new_id())
        self.assertEqual(response.status_code, 400)
        self.assertIn("differs", json.loads(response.content)["detail"])

    def test_the_stored_statement_has_stored_authority_timestamp_and_version(self) -> None:
        before = datetime.now(UTC) - timedelta(seconds=1)
        [sid] = self.assert_accepted(
            statement(stored="2011-07-15T00:00:00Z", authority={"mbox": "mailto:x@example.com"})
        )
        stored = self.fetch(sid)
        moment = datetime.fromisoformat(stored["stored"].replace("Z", "+00:00"))
        self.assertGreaterEqual(moment, before)
        self.assertRegex(stored["stored"], r"\.\d{3}Z$")  # milliseconds kept
        self.assertEqual(stored["timestamp"], stored["stored"])
        self.assertEqual(stored["version"], "2.0.0")
        self.assertEqual(stored["authority"]["account"]["name"], self.source.public_id)
        self.assertEqual(stored["authority"]["objectType"], "Agent")

    def test_a_statement_keeps_its_own_timestamp_and_version(self) -> None:
        [sid] = self.assert_accepted(statement(timestamp="2015-06-10T15:31:41.123456+01:00", version="1.0.3"))
        stored = self.fetch(sid)
        self.assertEqual(stored["timestamp"], "2015-06-10T15:31:41.123456+01:00")
        self.assertEqual(stored["version"], "1.0.3")

    def test_a_1_0_request_gives_version_1_0_0_to_a_statement_without_one(self) -> None:
        [sid] = self.assert_accepted(statement(), version="1.0.3")
        self.assertEqual(self.fetch(sid)["version"], "1.0.0")

    def test_actor_verb_and_object_come_back_exactly_as_sent(self) -> None:
        sent = statement(id=new_id())
        sent["verb"]["display"] = {"ko": "참석함", "en-US": "attended"}
        self.assert_accepted(sent)
        stored = self.fetch(sent["id"])
        for key in ("actor", "verb", "object"):
            self.assertEqual(stored[key], sent[key])
        self.assertEqual(list(stored["verb"]["display"]), ["ko", "en-US"])

    def test_the_stored_text_is_compact_json_in_the_order_received(self) -> None:
        # On PostgreSQL the body reaches the table inside a JSON document of rows: its text
        # must still be the statement alone, compact, keys in order, escapes intact.
        tricky = 'say "hi" \\ back\\slash, 홍길동 🎓, tab\t, line\u2028sep, nul-ish \\u0000'
        sent = statement(id=new_id())
        sent["object"]["definition"]["name"] = {"ko": tricky, "en-US": "x"}
        self.assert_accepted(sent)
        response = self.get(f"statementId={sent['id']}&format=exact")
        text = response.content.decode()
        expected = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
        self.assertEqual(text, expected)
        stored = json.loads(text)
        self.assertEqual(list(stored)[:4], ["id", "actor", "verb", "object"])
        self.assertEqual(stored["object"]["definition"]["name"], {"ko": tricky, "en-US": "x"})

    def test_context_activities_come_back_as_lists(self) -> None:
        one = {"id": "http://example.com/course"}
        sent = statement(
            context={"contextActivities": {"parent": one, "grouping": one, "category": one, "other": [one]}}
        )
        inner = statement(context={"contextActivities": {"parent": one}})
        inner["objectType"] = "SubStatement"
        [sid, sub] = self.assert_accepted([sent, statement(object=inner)])
        stored = self.fetch(sid)["context"]["contextActivities"]
        self.assertEqual(stored, {k: [one] for k in ("parent", "grouping", "category", "other")})
        self.assertEqual(self.fetch(sub)["object"]["context"]["contextActivities"]["parent"], [one])

    def test_get_returns_consistent_through_last_modified_and_version_headers(self) -> None:
        [sid] = self.assert_accepted(statement())
        response = self.get(f"statementId={sid}")
        self.assertEqual(response["X-Experience-API-Version"], "2.0.0")
        self.assertEqual(response["Content-Type"], "application/json")
        stored = datetime.fromisoformat(json.loads(response.content)["stored"].replace("Z", "+00:00"))
        self.assertEqual(parsedate_to_datetime(response["Last-Modified"]), stored.replace(microsecond=0))
        through = datetime.fromisoformat(
            response["X-Experience-API-Consistent-Through"].replace("Z", "+00:00")
        )
        self.assertGreaterEqual(through, stored)

    def test_every_statement_response_carries_consistent_through(self) -> None:
        for response in (
            self.post(statement()),
            self.put(statement(), new_id()),
            self.get(f"statementId={new_id()}"),
        ):
            with self.subTest(status=response.status_code):
                self.assertIn("X-Experience-API-Consistent-Through", response)

    def test_get_of_an_unknown_statement_is_404(self) -> None:
        response = self.get(f"statementId={new_id()}")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], "application/problem+json")

    def test_head_answers_like_get_without_a_body(self) -> None:
        [sid] = self.assert_accepted(statement())
        get = self.get(f"statementId={sid}")
        head = self.client.head(f"{URL}?statementId={sid}", **self.headers())
        self.assertEqual(head.status_code, 200)
        self.assertEqual(head.content, b"")
        self.assertEqual(head["Content-Length"], str(len(get.content)))
        self.assertEqual(head["Last-Modified"], get["Last-Modified"])
        self.assertEqual(self.client.head(f"{URL}?statementId={new_id()}", **self.headers()).status_code, 404)

    def test_get_by_id_takes_only_format_and_attachments_besides(self) -> None:
        sid = new_id()
        self.assert_accepted(statement(id=sid))
        self.assertEqual(self.get(f"statementId={sid}&verb=http://example.com/v").status_code, 400)
        self.assertEqual(self.get(f"statementId={sid}&voidedStatementId={sid}").status_code, 400)
        self.assertEqual(self.get(f"statementId={sid}&format=exact&attachments=false").status_code, 200)
        self.assertEqual(self.get(f"statementId={sid}&format=everything").status_code, 400)
        self.assertEqual(self.get(f"statementId={sid}&attachments=yes").status_code, 400)
        self.assertEqual(self.get("statementId=not-a-uuid").status_code, 400)
        self.assertEqual(self.get("voidedStatementId=12345").status_code, 400)

    def test_format_ids_keeps_only_identifiers(self) -> None:
        [sid] = self.assert_accepted(statement())
        ids = json.loads(self.get(f"statementId={sid}&format=ids").content)
        self.assertEqual(ids["actor"], {"objectType": "Agent", "mbox": "mailto:xapi@adlnet.gov"})
        self.assertEqual(ids["verb"], {"id": "http://adlnet.gov/expapi/verbs/attended"})
        self.assertEqual(
            ids["object"],
            {"objectType": "Activity", "id": "http://www.example.com/meetings/occurances/34534"},
        )

    def test_format_canonical_returns_one_language_chosen_by_accept_language(self) -> None:
        sent = statement()
        sent["object"]["definition"]["name"] = {"en-US": "meeting", "ko-KR": "회의"}
        sent["verb"]["display"] = {"en-US": "attended", "ko": "참석함"}
        [sid] = self.assert_accepted(sent)
        canonical = json.loads(
            self.get(f"statementId={sid}&format=canonical", HTTP_ACCEPT_LANGUAGE="ko, en;q=0.5").content
        )
        self.assertEqual(canonical["object"]["definition"]["name"], {"ko-KR": "회의"})
        self.assertEqual(canonical["verb"]["display"], {"ko": "참석함"})
        self.assertEqual(canonical["actor"], sent["actor"])

    def test_attachments_true_answers_in_multipart_form(self) -> None:
        [sid] = self.assert_accepted(statement())
        response = self.get(f"statementId={sid}&attachments=true")
        self.assertTrue(response["Content-Type"].startswith("multipart/mixed; boundary="))
        boundary = response["Content-Type"].split("boundary=")[1]
        part = response.content.decode().split(f"--{boundary}")[1]
        self.assertIn("Content-Type: application/json", part)
        self.assertEqual(json.loads(part.split("\r\n\r\n", 1)[1])["id"], sid)

    def test_a_post_with_the_same_id_twice_in_one_batch_is_refused(self) -> None:
        sid = new_id()
        problem = self.assert_rejected([statement(id=sid), statement(id=sid)])
        self.assertEqual(problem["statement_ids"], [sid])
        self.assertFalse(Statement.objects.exists())

    def test_a_batch_with_one_invalid_statement_stores_nothing(self) -> None:
        good = new_id()
        self.assert_rejected([statement(id=good), statement(verb={"id": "should fail"})])
        self.assertEqual(self.get(f"statementId={good}").status_code, 404)

    def test_an_empty_batch_is_refused(self) -> None:
        self.assert_rejected([])

    def test_json_that_is_not_valid_is_refused(self) -> None:
        for body in ("{", "[1,", '{"actor": NaN}', b"\xff\xfe{}"):
            with self.subTest(body=body):
                response = self.client.post(URL, body, content_type="application/json", **self.headers())
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response["Content-Type"], "application/problem+json")

    def test_a_statement_that_is_not_an_object_is_refused(self) -> None:
        self.assert_rejected(["not a statement"])
        self.assert_rejected(42)

    def test_other_methods_are_not_allowed(self) -> None:
        response = self.client.delete(URL, **self.headers())
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response["Allow"], "GET, HEAD, POST, PUT")

    def test_unknown_parameters_and_parameters_in_another_case_are_refused(self) -> None:
        self.assertEqual(self.get("foo=bar").status_code, 400)
        self.assertEqual(self.get(f"StatementId={new_id()}").status_code, 400)
        self.assertEqual(self.get(f"VoidedStatementId={new_id()}").status_code, 400)
        for name in (
            "Agent",
            "Verb",
            "Activity",
            "Registration",
            "Related_Activities",
            "Related_Agents",
            "Since",
            "Until",
            "Limit",
            "Format",
            "Attachments",
            "Ascending",
        ):
            with self.subTest(name=name):
                self.assertEqual(self.get(f"{name}=1").status_code, 400)
        self.assertEqual(self.put(statement(), new_id()).status_code, 204)
        response = self.client.put(
            f"{URL}?StatementId={new_id()}",
            json.dumps(statement()),
            content_type="application/json",
            **self.headers(),
        )
        self.assertEqual(response.status_code, 400)
        response = self.client.post(
            f"{URL}?foo=bar", json.dumps(statement()), content_type="application/json", **self.headers()
        )
        self.assertEqual(response.status_code, 400)

    def test_numbers_keep_at_least_32_bit_float_precision(self) -> None:
        [sid] = self.assert_accepted(statement(result={"score": {"scaled": 0.123456789, "raw": 16777217}}))
        score = self.fetch(sid)["result"]["score"]
        self.assertEqual(score, {"scaled": 0.123456789, "raw": 16777217})

    def test_strings_are_utf_8_in_and_out(self) -> None:
        sent = statement()
        sent["object"]["definition"]["name"] = {"ko": "안전 교육 출석 ✓"}
        [sid] = self.assert_accepted(sent)
        response = self.get(f"statementId={sid}")
        self.assertIn("안전 교육 출석 ✓".encode(), response.content)
