"""How sources name people, and which recipient each name belongs to.

Identities are read as plain rows rather than model instances: this runs for every batch
of statements an LRS sends.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.db import connections, router

from laurel.ingest.models import Fact, SourceIdentity
from laurel.orgs.models import Organization, Recipient

Key = tuple[str, str]  # (kind, normalized value)
T = TypeVar("T")
# Lookups go in slices so no query exceeds SQLite's or PostgreSQL's parameter limits.
CHUNK = 500


@dataclass
class Known:
    pk: int
    recipient_id: int | None
    name: str


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def matching_recipients(org: Organization, keys: Iterable[Key]) -> dict[Key, int]:
    """Recipient ids for email and student id identities that name a recipient of the org."""
    emails = sorted({value for kind, value in keys if kind == SourceIdentity.Kind.EMAIL})
    students = sorted({value for kind, value in keys if kind == SourceIdentity.Kind.STUDENT_ID})
    found: dict[Key, int] = {}
    for part in chunks(emails):
        for pk, email in Recipient.objects.filter(org=org, email__in=part).values_list("pk", "email"):
            found[(SourceIdentity.Kind.EMAIL, email)] = pk
    for part in chunks(students):
        rows = Recipient.objects.filter(org=org, student_id__in=part).values_list("pk", "student_id")
        for pk, student_id in rows:
            found[(SourceIdentity.Kind.STUDENT_ID, student_id)] = pk
    return found


def load(org: Organization, keys: Sequence[Key]) -> dict[Key, Known]:
    by_kind: dict[str, list[str]] = {}
    for kind, value in keys:
        by_kind.setdefault(kind, []).append(value)
    found: dict[Key, Known] = {}
    connection = connections[router.db_for_write(SourceIdentity)]
    quote = connection.ops.quote_name
    table = quote(SourceIdentity._meta.db_table)
    columns = ", ".join(quote(name) for name in ("id", "value", "recipient_id", "name"))
    where = " AND ".join(f"{quote(name)} = %s" for name in ("org_id", "kind"))
    with connection.cursor() as cursor:
        for kind, values in by_kind.items():
            for part in chunks(values):
                # Raw SQL: compiling the ORM's IN list costs more than the index lookup.
                marks = ", ".join(["%s"] * len(part))
                sql = f"SELECT {columns} FROM {table} WHERE {where} AND {quote('value')} IN ({marks})"  # noqa: S608
                cursor.execute(sql, [org.pk, kind, *part])
                for pk, value, recipient_id, name in cursor.fetchall():
                    found[(kind, value)] = Known(pk, recipient_id, name)
    return found


def known_identities(org: Organization, keys: Sequence[Key]) -> set[Key]:
    """Which identities name a recipient now: linked already, or matching one by email or student id."""
    known = {key for key, row in load(org, keys).items() if row.recipient_id is not None}
    return known | set(matching_recipients(org, [key for key in keys if key not in known]))


def resolve(org: Organization, names: dict[Key, str], now: datetime) -> tuple[dict[Key, Known], list[Known]]:
    """The identity rows for these keys, created when new; and those that became linked just now.

    Unlinked email and student id identities are matched against the org's recipients on the
    way; the caller attaches the parked facts of the newly linked ones.
    """
    keys = sorted(names)
    found = load(org, keys)
    matches = matching_recipients(org, [k for k in keys if k not in found or found[k].recipient_id is None])
    missing = [key for key in keys if key not in found]
    if missing:
        SourceIdentity.objects.bulk_create(
            [
                SourceIdentity(
                    org=org,
                    kind=kind,
                    value=value,
                    name=names[(kind, value)],
                    recipient_id=matches.get((kind, value)),
                    created_at=now,
                    linked_at=now if (kind, value) in matches else None,
                )
                for kind, value in missing
            ],
            batch_size=CHUNK,
            # Another request may create the same identity at the same moment; theirs is as good.
            ignore_conflicts=True,
        )
        found.update(load(org, missing))
    newly_linked: list[Known] = []
    renamed: list[SourceIdentity] = []
    for key in keys:
        row = found[key]
        if row.recipient_id is None and key in matches:
            # Only a still-unlinked row: a link someone made meanwhile is kept.
            updated = SourceIdentity.objects.filter(pk=row.pk, recipient=None).update(
                recipient_id=matches[key], linked_at=now
            )
            if updated:
                row.recipient_id = matches[key]
                newly_linked.append(row)
        if names[key] and row.name != names[key]:
            row.name = names[key]
            renamed.append(SourceIdentity(pk=row.pk, name=row.name))
    if renamed:
        SourceIdentity.objects.bulk_update(renamed, ["name"], batch_size=CHUNK)
    return found, newly_linked


def attach_parked(rows: Sequence[Known]) -> list[Fact]:
    """Give the parked facts of newly linked identities their recipient; returns those facts."""
    attached: list[Fact] = []
    for row in rows:
        parked = list(Fact.objects.filter(identity_id=row.pk, recipient=None))
        if parked:
            Fact.objects.filter(pk__in=[f.pk for f in parked]).update(recipient_id=row.recipient_id)
            for fact in parked:
                fact.recipient_id = row.recipient_id
            attached.extend(parked)
    return attached
