import datetime
from typing import Any

from django.db.models import Q, QuerySet

from laurel.awards.models import Award, local_today
from laurel.orgs.models import Organization


def org_awards(org: Organization) -> QuerySet[Award]:
    return (
        Award.objects.filter(org=org)
        .select_related("org", "recipient", "version", "achievement")
        .order_by("-issued_on", "-created_at", "-pk")
    )


def filter_awards(
    awards: QuerySet[Award], filters: dict[str, Any], today: datetime.date | None = None
) -> QuerySet[Award]:
    """Apply the cleaned history filters; empty values filter nothing."""
    today = today or local_today()
    q = (filters.get("q") or "").strip()
    if q:
        awards = awards.filter(
            Q(recipient__email__icontains=q)
            | Q(recipient__name__icontains=q)
            | Q(recipient__student_id__icontains=q)
            | Q(version__name_ko__icontains=q)
            | Q(version__name_en__icontains=q)
        )
    if filters.get("achievement"):
        awards = awards.filter(achievement=filters["achievement"])
    if filters.get("source"):
        awards = awards.filter(source=filters["source"])
    if filters.get("date_from"):
        awards = awards.filter(issued_on__gte=filters["date_from"])
    if filters.get("date_to"):
        awards = awards.filter(issued_on__lte=filters["date_to"])
    status = filters.get("status")
    if status == Award.Status.REVOKED:
        awards = awards.filter(revoked_at__isnull=False)
    elif status == Award.Status.EXPIRED:
        awards = awards.filter(revoked_at__isnull=True, expires_on__lt=today)
    elif status == Award.Status.ACTIVE:
        awards = awards.filter(revoked_at__isnull=True).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today)
        )
    return awards
