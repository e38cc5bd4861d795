from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from laurel.hooks.models import Attempt, Delivery, Endpoint
from laurel.orgs.models import Organization

LOG_LIMIT = 100


def endpoints_of(org: Organization) -> list[Endpoint]:
    return list(Endpoint.objects.filter(org=org).order_by("-is_active", "-created_at", "id"))


def delivery_log(endpoint: Endpoint) -> QuerySet[Delivery]:
    """The endpoint's deliveries, newest first, each with its attempt count and latest answer."""
    latest = Attempt.objects.filter(delivery=OuterRef("pk")).order_by("-attempted_at", "-id")
    return (
        Delivery.objects.filter(endpoint=endpoint)
        .select_related("message")
        .defer("body")
        .annotate(
            attempt_count=Count("attempts"),
            last_status=Subquery(latest.values("status_code")[:1]),
            last_error=Subquery(latest.values("error")[:1]),
        )
        .order_by("-created_at", "-id")
    )


def _has_attempts() -> Exists:
    return Exists(Attempt.objects.filter(delivery=OuterRef("pk")))


# The log's status filter: delivered, still being retried after a failure, given up.
LOG_STATUSES = {
    "delivered": lambda: Q(message__status="sent"),
    "failing": lambda: Q(message__status="pending") & Q(_has_attempts()),
    "gave_up": lambda: Q(message__status="dead") | Q(message__isnull=True),
}


def log_page(
    endpoint: Endpoint, status: str = "", before: Delivery | None = None
) -> tuple[list[Delivery], bool]:
    """One page of the log, newest first, older than the ``before`` delivery; and whether more follow."""
    log = delivery_log(endpoint)
    if status:
        log = log.filter(LOG_STATUSES[status]())
    if before is not None:
        log = log.filter(
            Q(created_at__lt=before.created_at) | Q(created_at=before.created_at, id__lt=before.pk)
        )
    rows = list(log[: LOG_LIMIT + 1])
    return rows[:LOG_LIMIT], len(rows) > LOG_LIMIT


def status_of(delivery: Delivery) -> str:
    """pending, sent or dead, as its latest outbox message stands."""
    return delivery.message.status if delivery.message else "dead"
