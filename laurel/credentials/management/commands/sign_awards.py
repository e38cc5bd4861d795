"""`laurel manage sign_awards [--enqueue] [--limit N]`: sign every award that has no credentials."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from laurel.credentials.tasks import sign_unsigned, sign_unsigned_awards, unsigned_awards


class Command(BaseCommand):
    help = "Sign the awards that lack their credentials (after an upgrade, or for the demo)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="leave the work to `laurel worker`")
        parser.add_argument("--limit", type=int, default=None, help="sign at most this many awards")

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError(f"--limit must be a positive number, not {limit}")
        if options["enqueue"]:
            sign_unsigned_awards.enqueue()
            self.stdout.write("signing enqueued for the worker")
            return
        done = sign_unsigned(limit=limit)
        left = unsigned_awards().count()
        self.stdout.write(f"signed {done} awards; {left} left unsigned")
        if left and limit is None:
            raise CommandError(f"{left} awards could not be signed; see the log")
