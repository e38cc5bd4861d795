"""Reading the audit log: one organization's events, searched and filtered."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from laurel.audit.models import AuditEvent
from laurel.orgs.models import Organization


def org_events(org: Organization) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(org=org).order_by("-created_at", "-id")


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def action_matches(prefix: str) -> Q:
    """`award` matches award and award.*, never awardee.*; `award.` matches award.*."""
    if prefix.endswith("."):
        return Q(action__startswith=prefix)
    return Q(action=prefix) | Q(action__startswith=f"{prefix}.")


def search(events: QuerySet[AuditEvent], filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Apply cleaned AuditFilterForm data; empty values filter nothing."""
    q = (filters.get("q") or "").strip()
    if q:
        events = events.filter(
            Q(action__icontains=q)
            | Q(actor_label__icontains=q)
            | Q(object_id__icontains=q)
            | Q(summary__icontains=q)
        )
    prefix = (filters.get("action") or "").strip()
    if prefix:
        events = events.filter(action_matches(prefix))
    actor = (filters.get("actor") or "").strip()
    if actor:
        events = events.filter(actor_label__iexact=actor)
    if filters.get("date_from"):
        events = events.filter(created_at__gte=start_of_day(filters["date_from"]))
    if filters.get("date_to"):
        # The end date is inclusive: everything before the next midnight.
        events = events.filter(created_at__lt=start_of_day(filters["date_to"] + timedelta(days=1)))
    return events


def suggestions(org: Organization) -> tuple[list[str], list[str]]:
    """Action prefixes and actor labels seen in this organization, for the filter inputs."""
    actions = set(AuditEvent.objects.filter(org=org).values_list("action", flat=True).distinct())
    prefixes = {a.split(".", 1)[0] for a in actions}
    actors = AuditEvent.objects.filter(org=org).values_list("actor_label", flat=True).distinct()
    return sorted(prefixes | actions), sorted(a for a in actors if a)
