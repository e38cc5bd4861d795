from typing import Any

from django.db import models

from laurel.audit.models import AuditEvent
from laurel.core.actor import Actor
from laurel.orgs.models import Organization


def record(
    actor: Actor,
    org: Organization | None,
    action: str,
    obj: models.Model | None = None,
    *,
    object_id: str = "",
    summary: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one audit event. Call inside the transaction of the change it reports."""
    if obj is not None and not object_id:
        object_id = str(getattr(obj, "public_id", None) or getattr(obj, "slug", None) or obj.pk)
    return AuditEvent.objects.create(
        org=org,
        actor=actor.user,
        actor_label=actor.label,
        via=actor.via,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=object_id,
        summary=summary[:300],
        before=before,
        after=after,
        ip=actor.ip,
        user_agent=actor.user_agent,
    )


def record_export(actor: Actor, org: Organization, fmt: str, filters: dict[str, Any]) -> AuditEvent:
    """Exporting the log is itself an event: who took a copy, of what, in which format."""
    shown = {key: str(value) for key, value in filters.items() if value}
    return record(
        actor,
        org,
        "audit.export",
        summary=" ".join([fmt, *(f"{k}={v}" for k, v in sorted(shown.items()))]),
        after={"format": fmt, "filters": shown},
    )
