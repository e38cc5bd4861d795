from django.db.models import Count, OuterRef, QuerySet, Subquery

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


def status_of(delivery: Delivery) -> str:
    """pending, sent or dead, as its latest outbox message stands."""
    return delivery.message.status if delivery.message else "dead"
