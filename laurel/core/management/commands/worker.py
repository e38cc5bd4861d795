"""`laurel worker`: runs background tasks and keeps the outbox moving.

Tasks are only nudges; the durable state is in our own tables (the outbox),
so a worker killed mid-task loses nothing: the sweep picks up whatever is due.
On SIGTERM or SIGINT the worker finishes the message or task at hand, takes no
new one, and exits with status 0.
"""

import logging
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from laurel.outbox.delivery import deliver_due, shutting_down

log = logging.getLogger(__name__)
# Long enough for one slow SMTP send (EMAIL_TIMEOUT) to finish and be recorded.
SHUTDOWN_GRACE_SECONDS = 30


def sweep_forever(interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            deliver_due(should_stop=stop.is_set)
        except Exception:
            log.exception("outbox sweep failed")
        finally:
            close_old_connections()
        stop.wait(interval)


class TaskWorker(Worker):
    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        # Tell the sweeper and any running delivery to stop taking messages.
        shutting_down.set()
        super().shutdown(signum, frame)


class Command(BaseCommand):
    help = "Run background tasks and deliver the outbox."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--sweep-interval", type=float, default=5.0, help="seconds between outbox sweeps")

    def handle(self, *args: Any, **options: Any) -> None:
        shutting_down.clear()
        sweeper = threading.Thread(
            target=sweep_forever,
            args=(options["sweep_interval"], shutting_down),
            name="outbox-sweeper",
            daemon=True,
        )
        sweeper.start()
        worker = TaskWorker(
            queue_names=["*"],
            interval=options["interval"],
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            self.stdout.write("worker started")
            self.stdout.flush()
            worker.run()
        finally:
            shutting_down.set()
            sweeper.join(SHUTDOWN_GRACE_SECONDS)
            self.stdout.write("worker stopped")
            self.stdout.flush()
