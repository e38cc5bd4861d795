"""A real webhook receiver on loopback, and the personas with a badge and an endpoint."""

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.test import override_settings
from django.utils import timezone

from laurel.achievements.models import Achievement, AchievementVersion
from laurel.awards.actions import award
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.hooks.actions import create_endpoint
from laurel.outbox.delivery import deliver_due
from laurel.outbox.models import OutboxMessage
from laurel.test import BaseTestCase


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b"ok"
    delay: float = 0.0


class Receiver:
    """An HTTP server on 127.0.0.1 in a thread that records every POST and answers from a queue
    (then 200 "ok" once the queue is empty)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: deque[Answer] = deque()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.received.append(Received(self.path, headers, body))
                answer = receiver.answers.popleft() if receiver.answers else Answer()
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except OSError:
                    pass  # the client gave up waiting

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/laurel/events"

    def start(self) -> "Receiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@override_settings(WEBHOOK_ALLOW_LOOPBACK=True, WEBHOOK_TIMEOUT=1.0)
class HooksTestCase(BaseTestCase):
    """The personas, a badge with a version, and a receiver with an endpoint for every event."""

    badge: Achievement
    receiver: Receiver

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.receiver = Receiver().start()
        cls.addClassCleanup(cls.receiver.stop)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.badge = Achievement.objects.create(org=cls.org, slug="data-analysis")
        version = AchievementVersion.objects.create(
            achievement=cls.badge, number=1, name_ko="데이터 분석", name_en="Data Analysis"
        )
        cls.badge.current_version = version
        cls.badge.save(update_fields=["current_version"])

    def setUp(self) -> None:
        self.receiver.received.clear()
        self.receiver.answers.clear()
        with override_settings(WEBHOOK_ALLOW_LOOPBACK=True):
            self.endpoint, self.secret = create_endpoint(
                Actor(self.owner),
                self.org,
                url=self.receiver.url,
                event_types=["award.issued", "award.revoked", "progress.changed"],
            )

    def award(self, email: str = "hong@student.example", name: str = "홍길동") -> Award:
        return award(Actor(self.teammate), self.org, self.badge, email=email, name=name)

    def deliver(self, after: float = 0) -> int:
        """Run the outbox worker's sweep as if ``after`` seconds had passed."""
        return deliver_due(now=timezone.now() + timedelta(seconds=after))

    def webhook_messages(self) -> list[OutboxMessage]:
        return list(OutboxMessage.objects.filter(kind=OutboxMessage.Kind.WEBHOOK).order_by("id"))
