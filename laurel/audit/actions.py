from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from laurel.audit.models import AuditEvent
from laurel.core.actor import Actor
from laurel.core.inserts import insert
from laurel.orgs.models import Organization

# The columns record_many writes; the others (before, ip, ...) follow from the actor or are empty.
COLUMNS = (
    "org_id",
    "actor_id",
    "actor_label",
    "via",
    "action",
    "object_type",
    "object_id",
    "summary",
    "before",
    "after",
    "ip",
    "user_agent",
    "created_at",
)


@dataclass(frozen=True)
class Entry:
    """One event for :func:`record_many`: what was done to which object."""

    action: str
    obj: models.Model | None = None
    object_id: str = ""
    summary: str = ""
    before: Any = None
    after: Any = None


def _object(obj: models.Model | None, object_id: str) -> tuple[str, str]:
    """The (type, id) an event names its object by: its public id, slug or key."""
    if obj is None:
        return "", object_id
    if not object_id:
        object_id = str(getattr(obj, "public_id", None) or getattr(obj, "slug", None) or obj.pk)
    return obj._meta.model_name or "", object_id


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
    object_type, object_id = _object(obj, object_id)
    return AuditEvent.objects.create(
        org=org,
        actor=actor.user,
        actor_label=actor.label,
        via=actor.via,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:300],
        before=before,
        after=after,
        ip=actor.ip,
        user_agent=actor.user_agent,
    )


def record_many(actor: Actor, org: Organization | None, entries: Iterable[Entry]) -> int:
    """Append the events :func:`record` would, one per entry, in a few statements; how many.

    For changes made in bulk (a chunk of a CSV batch): call inside their transaction.
    """
    now = timezone.now()
    user_id = actor.user.pk if actor.user is not None else None
    org_id = org.pk if org is not None else None
    rows = []
    for entry in entries:
        object_type, object_id = _object(entry.obj, entry.object_id)
        rows.append(
            (
                org_id,
                user_id,
                actor.label,
                actor.via,
                entry.action,
                object_type,
                object_id,
                entry.summary[:300],
                entry.before,
                entry.after,
                actor.ip,
                actor.user_agent,
                now,
            )
        )
    insert(AuditEvent, COLUMNS, rows)
    return len(rows)


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
