"""`laurel manage outbox_status`: how much mail is waiting, sent or given up."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Min
from django.utils import timezone

from laurel.outbox.delivery import due
from laurel.outbox.models import OutboxMessage


class Command(BaseCommand):
    help = "Print outbox message counts by status (and by kind with --by-kind)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--by-kind", action="store_true", help="one line per kind and status")
        parser.add_argument(
            "--fail-on-dead", action="store_true", help="exit with status 1 when any message is dead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        messages = OutboxMessage.objects.all()
        counts = {status: 0 for status in OutboxMessage.Status.values}
        for row in messages.values("status").annotate(n=Count("id")):
            counts[row["status"]] = row["n"]
        width = max(len(status) for status in counts)
        for status, n in counts.items():
            self.stdout.write(f"{status:<{width}}  {n}")
        if options["by_kind"]:
            rows = messages.values("kind", "status").annotate(n=Count("id")).order_by("kind", "status")
            for row in rows:
                self.stdout.write(f"{row['kind']}.{row['status']}  {row['n']}")
        waiting = messages.filter(due(now))
        oldest = waiting.aggregate(oldest=Min("next_attempt_at"))["oldest"]
        in_flight = messages.filter(status=OutboxMessage.Status.PENDING, locked_until__gte=now).count()
        self.stdout.write(f"due now  {waiting.count()}")
        self.stdout.write(f"in flight  {in_flight}")
        self.stdout.write(f"oldest due  {oldest.isoformat() if oldest else '-'}")
        if options["fail_on_dead"] and counts[OutboxMessage.Status.DEAD]:
            raise CommandError(f"{counts[OutboxMessage.Status.DEAD]} outbox messages are dead")
