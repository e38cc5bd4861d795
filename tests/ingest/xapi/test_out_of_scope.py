"""Filtered queries, attachment data and the document resources get a clear problem, not silence."""

import json

from laurel.ingest.xapi.models import Statement
from tests.ingest.xapi.helpers import URL, XapiTestCase, new_id, statement

ATTACHMENT = {
    "usageType": "http://example.com/attachment-usage/test",
    "display": {"en-US": "A test attachment"},
    "contentType": "text/plain",
    "length": 27,
    "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
}
BOUNDARY = "-------314159265358979323846"


def multipart(*parts: tuple[str, str, bytes]) -> bytes:
    body = b""
    for content_type, extra, data in parts:
        body += f"--{BOUNDARY}\r\nContent-Type: {content_type}\r\n{extra}\r\n".encode() + data + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


class OutOfScopeTests(XapiTestCase):
    def test_filtered_queries_are_refused_with_403_saying_they_are_not_offered(self) -> None:
        for query in (
            "",
            "verb=http://adlnet.gov/expapi/verbs/attended",
            "since=2012-06-01T19:09:13.245Z",
            "limit=1",
            "agent=" + json.dumps({"mbox": "mailto:a@example.com"}),
            "ascending=true",
        ):
            with self.subTest(query=query):
                response = self.get(query)
                self.assertEqual(response.status_code, 403)
                problem = json.loads(response.content)
                self.assertIn("not offered", problem["detail"])
                self.assertIn("X-Experience-API-Consistent-Through", response)

    def test_document_resources_are_refused_with_403(self) -> None:
        for path in ("activities", "activities/state", "activities/profile", "agents", "agents/profile"):
            for method in ("get", "put", "post", "delete"):
                with self.subTest(path=path, method=method):
                    response = getattr(self.client, method)(f"/xapi/{path}", **self.headers())
                    self.assertEqual(response.status_code, 403)
                    self.assertEqual(response["X-Experience-API-Version"], "2.0.0")
                    self.assertIn("not offered", json.loads(response.content)["detail"])

    def test_document_resources_still_require_credentials_and_a_version(self) -> None:
        self.assertEqual(self.client.get("/xapi/activities/state").status_code, 401)
        self.assertEqual(
            self.client.get("/xapi/activities/state", **self.headers(version=None)).status_code, 400
        )

    def test_attachments_with_a_file_url_are_accepted_as_metadata(self) -> None:
        [sid] = self.assert_accepted(
            statement(attachments=[{**ATTACHMENT, "fileUrl": "http://over.there.com/file.txt"}])
        )
        self.assertEqual(self.fetch(sid)["attachments"][0]["fileUrl"], "http://over.there.com/file.txt")

    def test_attachments_without_a_file_url_in_json_are_refused(self) -> None:
        problem = self.assert_rejected(statement(attachments=[ATTACHMENT]))
        self.assertIn("fileUrl", problem["detail"])

    def test_signed_statements_are_refused_since_no_attachment_data_is_kept(self) -> None:
        signature = {
            **ATTACHMENT,
            "usageType": "http://adlnet.gov/expapi/attachments/signature",
            "contentType": "application/octet-stream",
            "fileUrl": "http://example.com/sig",
        }
        self.assert_rejected(statement(attachments=[signature]))

    def test_multipart_with_only_the_statement_part_is_accepted(self) -> None:
        sid = new_id()
        body = multipart(("application/json", "", json.dumps(statement(id=sid)).encode()))
        response = self.client.post(
            URL, body, content_type=f"multipart/mixed; boundary={BOUNDARY}", **self.headers()
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(json.loads(response.content), [sid])

    def test_multipart_with_attachment_data_is_refused_with_413(self) -> None:
        data = b"here is a simple attachment"
        sent = statement(attachments=[ATTACHMENT])
        body = multipart(
            ("application/json", "", json.dumps(sent).encode()),
            (
                "text/plain",
                f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {ATTACHMENT['sha2']}\r\n",
                data,
            ),
        )
        response = self.client.post(
            URL, body, content_type=f"multipart/mixed; boundary={BOUNDARY}", **self.headers()
        )
        self.assertEqual(response.status_code, 413)
        self.assertIn("0 bytes", json.loads(response.content)["detail"])
        self.assertFalse(Statement.objects.exists())

    def test_malformed_multipart_is_refused_with_400(self) -> None:
        no_boundary = self.client.post(URL, b"x", content_type="multipart/mixed", **self.headers())
        self.assertEqual(no_boundary.status_code, 400)
        wrong_first = multipart(("text/plain", "", b"hello"))
        response = self.client.post(
            URL, wrong_first, content_type=f"multipart/mixed; boundary={BOUNDARY}", **self.headers()
        )
        self.assertEqual(response.status_code, 400)

    def test_other_content_types_are_refused_with_400(self) -> None:
        for content_type in (
            "multipart/form-data; boundary=x",
            "text/plain",
            "application/x-www-form-urlencoded",
        ):
            with self.subTest(content_type=content_type):
                response = self.client.post(
                    URL, json.dumps(statement()), content_type=content_type, **self.headers()
                )
                self.assertEqual(response.status_code, 400)

    def test_the_alternate_request_syntax_is_refused_with_400(self) -> None:
        response = self.client.post(
            f"{URL}?method=PUT",
            "content=x",
            content_type="application/x-www-form-urlencoded",
            **self.headers(),
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("method", json.loads(response.content)["detail"])

    def test_oversized_requests_are_refused_with_413_stating_the_limit(self) -> None:
        with self.settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000):
            problem = self.assert_rejected([statement() for _ in range(10)], 413)
        self.assertIn("2000 bytes", problem["detail"])

    def test_batches_over_the_statement_limit_are_refused_with_413(self) -> None:
        problem = self.assert_rejected([statement() for _ in range(1001)], 413)
        self.assertIn("1000", problem["detail"])
