"""The endpoint over a real socket: keep-alive batches, Basic auth, HEAD, and concurrent senders."""

import http.client
import json
import threading
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection as database
from pytest_django.live_server_helper import LiveServer

from laurel.accounts.models import User
from laurel.core.actor import Actor
from laurel.ingest.models import Fact
from laurel.ingest.sources import create_source
from laurel.ingest.xapi.models import Statement
from laurel.orgs.models import Organization
from tests.ingest.xapi.helpers import ADL, basic, statement

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sender(live_server: LiveServer) -> dict[str, Any]:
    org = Organization.objects.create(slug="http", name_en="Over HTTP")
    user = User.objects.create_user("owner@http.example", "correct horse battery staple", name="Owner")
    _source, lines = create_source(Actor(user=user, via="web"), org, "xapi", "Moodle")
    parts = urlsplit(live_server.url)
    return {"host": parts.hostname, "port": parts.port, "auth": basic(lines["username"], lines["password"])}


def connect(sender: dict[str, Any]) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(sender["host"], sender["port"], timeout=30)


def send(
    connection: http.client.HTTPConnection, sender: dict[str, Any], method: str, path: str, body: Any = None
):  # type: ignore[no-untyped-def]
    headers = {
        "Authorization": sender["auth"],
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
    }
    connection.request(method, path, None if body is None else json.dumps(body).encode(), headers)
    response = connection.getresponse()
    return response, response.read()


def attended(n: int) -> dict[str, Any]:
    return statement(
        id=str(uuid.uuid4()),
        actor={"account": {"homePage": "https://moodle.example", "name": str(n)}},
        verb={"id": ADL + "attended"},
        timestamp="2025-03-10T09:00:00Z",
    )


def test_batches_go_in_over_one_keep_alive_connection_and_come_back(sender: dict[str, Any]) -> None:
    connection = connect(sender)
    batches = [[attended(n * 100 + k) for k in range(100)] for n in range(3)]
    for batch in batches:
        response, body = send(connection, sender, "POST", "/xapi/statements", batch)
        assert response.status == 200, body
        assert json.loads(body) == [s["id"] for s in batch]
        assert response.getheader("X-Experience-API-Version") == "1.0.3"
    first = batches[0][0]["id"]
    response, body = send(connection, sender, "GET", f"/xapi/statements?statementId={first}")
    assert response.status == 200
    assert json.loads(body)["id"] == first
    response, body = send(connection, sender, "HEAD", f"/xapi/statements?statementId={first}")
    assert response.status == 200
    assert body == b""
    assert Statement.objects.count() == 300
    assert Fact.objects.count() == 300


def test_wrong_credentials_get_401_with_a_basic_challenge(sender: dict[str, Any]) -> None:
    connection = connect(sender)
    response, body = send(
        connection, {**sender, "auth": basic("lx_nobody", "x")}, "POST", "/xapi/statements", attended(1)
    )
    assert response.status == 401
    assert response.getheader("WWW-Authenticate", "").startswith("Basic realm=")
    assert json.loads(body)["status"] == 401


def test_concurrent_senders_of_the_same_batch_store_it_once(sender: dict[str, Any]) -> None:
    batch = [attended(n) for n in range(50)]
    for one in batch:
        del one["id"]  # the Moodle way: no ids, the same content gets the same id
    statuses: list[int] = []

    def post() -> None:
        response, _body = send(connect(sender), sender, "POST", "/xapi/statements", batch)
        statuses.append(response.status)

    threads = [threading.Thread(target=post) for _ in range(3)]
    # The in-memory SQLite test database cannot take two writers at once ("table is locked");
    # a file database serializes them with BEGIN IMMEDIATE. So only PostgreSQL races them here.
    together = database.vendor == "postgresql"
    for thread in threads:
        thread.start()
        if not together:
            thread.join()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200, 200]
    assert Statement.objects.count() == 50
    assert Fact.objects.count() == 50
