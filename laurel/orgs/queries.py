"""Reads for organization pages."""

from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from laurel.achievements.models import Achievement
from laurel.awards.models import Award
from laurel.orgs.models import Invitation, Organization, Recipient


def _count(queryset: QuerySet) -> Coalesce:
    subquery = (
        queryset.filter(org=OuterRef("pk")).order_by().values("org").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))


def month_start(now: datetime) -> datetime:
    """Midnight on the first of this month, in the site's time zone."""
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def dashboard_counts(org: Organization, now: datetime | None = None) -> dict[str, int]:
    """Every number on the dashboard, in one query."""
    now = now or timezone.now()
    live_awards = Award.objects.filter(revoked_at=None)
    row = (
        Organization.objects.filter(pk=org.pk)
        .values("pk")
        .annotate(
            badges=_count(Achievement.objects.filter(archived_at=None)),
            awards_total=_count(live_awards),
            awards_month=_count(live_awards.filter(created_at__gte=month_start(now))),
            recipients=_count(Recipient.objects.all()),
            pending_invitations=_count(
                Invitation.objects.filter(accepted_at=None, revoked_at=None, expires_at__gt=now)
            ),
        )
        .get()
    )
    row.pop("pk")
    return row


def latest_awards(org: Organization, limit: int = 10) -> list[Award]:
    return list(
        Award.objects.filter(org=org)
        .select_related("version", "recipient")
        .order_by("-created_at", "-pk")[:limit]
    )
