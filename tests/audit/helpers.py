from datetime import datetime
from typing import Any

from laurel.accounts.models import User
from laurel.audit.models import AuditEvent
from laurel.orgs.models import Organization


def event(org: Organization, action: str, who: User | None = None, **fields: Any) -> AuditEvent:
    """An audit event as `record` would write it, with any field set directly."""
    fields.setdefault("actor_label", who.email if who else "cli")
    fields.setdefault("via", "web" if who else "cli")
    created_at: datetime | None = fields.pop("created_at", None)
    if created_at is not None:
        fields["created_at"] = created_at
    return AuditEvent.objects.create(org=org, actor=who, action=action, **fields)
