"""The one way activity becomes facts: every source (xAPI, Caliper, webhooks, LTI, CSV) calls here.

A fact is unique per (organization, source, event key). Recording the same fact again
changes nothing; the same key with other content is a conflict, unless the caller replaces
(a corrected gradebook). People are named by source identities; an identity not yet linked
to a recipient is "parked" with its facts until someone links it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.audit.actions import record
from laurel.core.actor import Actor
from laurel.ingest import identities, pending
from laurel.ingest.identities import Known, chunks, known_identities
from laurel.ingest.models import Fact, Source, SourceIdentity
from laurel.ingest.normal import (
    STATUSES,
    FactInput,
    Identity,
    Normal,
    normalize,
    normalize_all,
    normalize_identity,
)
from laurel.ingest.store import insert_facts
from laurel.orgs.models import Organization, Recipient

__all__ = [
    "STATUSES",
    "FactConflict",
    "FactInput",
    "Identity",
    "RecordResult",
    "current_facts",
    "known_identities",
    "link_identity",
    "link_known_identities",
    "normalize",
    "normalize_identity",
    "parked_identities",
    "record_facts",
    "resolve_identities",
    "void_facts",
    "void_queryset",
]


class FactConflict(ValidationError):
    """Facts already recorded under these event keys say something else."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = sorted(set(keys))
        shown = ", ".join(self.keys[:5]) + (" …" if len(self.keys) > 5 else "")
        super().__init__(
            _("Already recorded with different content: %(keys)s") % {"keys": shown}, code="conflict"
        )


@dataclass
class RecordResult:
    created: int = 0
    unchanged: int = 0
    updated: int = 0
    parked: int = 0  # facts of this call that no recipient claims yet
    fact_ids: list[int] = field(default_factory=list)  # one per distinct event key, in input order
    changed_ids: list[int] = field(default_factory=list)  # created or updated by this call


@dataclass
class _Stored:
    """What recording needs to know of a fact already there."""

    pk: int
    content_hash: str
    voided: bool
    recipient_id: int | None


def record_facts(
    source: Source,
    facts: Sequence[FactInput],
    *,
    received_at: datetime | None = None,
    replace: bool = False,
    fresh: bool = False,
) -> RecordResult:
    """Record facts all-or-nothing, in one transaction.

    Per fact: a new key is inserted; the same key with the same content is unchanged; the
    same key with other content raises FactConflict for the whole call, unless ``replace``,
    which updates the row (and brings a voided one back). Identities are created as needed
    and linked to recipients by email or student id; facts of unknown people are parked.
    Affected (recipient, badge) pairs are queued for evaluation. A bounded number of bulk
    queries whatever the number of facts.

    ``fresh`` says the caller knows no fact has these keys yet (the statements they come from
    were not stored before), so they are not looked for; a key recorded after all makes the
    insert fail, and the call runs again looking.
    """
    normals = normalize_all(list(facts))
    if not normals:
        return RecordResult()
    now = received_at or timezone.now()
    try:
        return _record(source, normals, now, replace, fresh)
    except IntegrityError:
        # Another request inserted one of these keys between our read and our insert;
        # running again sees its row and treats ours as a re-delivery or a conflict.
        return _record(source, normals, now, replace, False)


def _dedupe(normals: Sequence[Normal]) -> dict[str, Normal]:
    by_key: dict[str, Normal] = {}
    clashes: list[str] = []
    for normal in normals:
        seen = by_key.setdefault(normal.event_key, normal)
        if seen.content_hash != normal.content_hash:
            clashes.append(normal.event_key)
    if clashes:
        raise FactConflict(clashes)
    return by_key


def _existing(source: Source, keys: Sequence[str]) -> dict[str, _Stored]:
    found: dict[str, _Stored] = {}
    columns = ("event_key", "pk", "content_hash", "voided_at", "recipient_id")
    for part in chunks(keys):
        rows = Fact.objects.filter(org_id=source.org_id, source=source, event_key__in=part).values_list(
            *columns
        )
        for key, pk, digest, voided_at, recipient_id in rows:
            found[key] = _Stored(pk, digest, voided_at is not None, recipient_id)
    return found


def _row(source: Source, normal: Normal, who: Known, now: datetime) -> tuple:  # type: ignore[type-arg]
    return (
        source.org_id,
        source.pk,
        normal.event_key,
        who.pk,
        who.recipient_id,
        normal.type,
        normal.object_id,
        normal.object_name,
        normal.course,
        normal.value,
        normal.max_value,
        normal.status,
        normal.occurred_at,
        now,
        normal.content_hash,
    )


def _replacement(pk: int, source: Source, normal: Normal, who: Known, now: datetime) -> Fact:
    return Fact(
        pk=pk,
        org_id=source.org_id,
        source_id=source.pk,
        event_key=normal.event_key,
        identity_id=who.pk,
        recipient_id=who.recipient_id,
        type=normal.type,
        object_id=normal.object_id,
        object_name=normal.object_name,
        course=normal.course,
        value=normal.value,
        max_value=normal.max_value,
        status=normal.status,
        occurred_at=normal.occurred_at,
        received_at=now,
        voided_at=None,
        content_hash=normal.content_hash,
    )


REPLACED_FIELDS = [
    "identity",
    "recipient",
    "type",
    "object_id",
    "object_name",
    "course",
    "value",
    "max_value",
    "status",
    "occurred_at",
    "content_hash",
    "received_at",
    "voided_at",
]


@transaction.atomic
def _record(
    source: Source, normals: Sequence[Normal], now: datetime, replace: bool, fresh: bool
) -> RecordResult:
    org = source.org
    by_key = _dedupe(normals)
    existing = {} if fresh else _existing(source, list(by_key))
    conflicts = [k for k, n in by_key.items() if k in existing and existing[k].content_hash != n.content_hash]
    if conflicts and not replace:
        raise FactConflict(conflicts)

    names: dict[tuple[str, str], str] = {}
    for normal in by_key.values():
        if normal.name or normal.identity not in names:
            names[normal.identity] = normal.name
    people, newly_linked = identities.resolve(org, names, now)
    attached = identities.attach_parked(newly_linked)

    result = RecordResult()
    new_keys: list[str] = []
    new_rows: list[tuple] = []  # type: ignore[type-arg]
    replaced: list[Fact] = []
    recipients: dict[str, int | None] = {}
    for key, normal in by_key.items():
        who = people[normal.identity]
        stored = existing.get(key)
        if stored is None:
            new_keys.append(key)
            new_rows.append(_row(source, normal, who, now))
        elif replace and (stored.content_hash != normal.content_hash or stored.voided):
            replaced.append(_replacement(stored.pk, source, normal, who, now))
        else:
            result.unchanged += 1
        recipients[key] = (
            who.recipient_id if stored is None or stored.recipient_id is None else stored.recipient_id
        )
    ids = dict(zip(new_keys, insert_facts(new_rows), strict=True))
    if replaced:
        Fact.objects.bulk_update(replaced, REPLACED_FIELDS, batch_size=identities.CHUNK)
    result.created = len(new_rows)
    result.updated = len(replaced)
    result.fact_ids = [ids[key] if key in ids else existing[key].pk for key in by_key]
    result.changed_ids = [*ids.values(), *(fact.pk for fact in replaced)]
    result.parked = sum(1 for key in by_key if recipients[key] is None)
    if pending.has_finders():
        # Only facts that belong to somebody queue pairs (parked ones wait for their link).
        created = [
            _created(ids[key], source, by_key[key], people[by_key[key].identity], now)
            for key in new_keys
            if people[by_key[key].identity].recipient_id is not None
        ]
        pending.enqueue_for(org, [*attached, *created, *replaced])
    return result


_ATTNAMES = [f.attname for f in Fact._meta.concrete_fields]


def _created(pk: int, source: Source, normal: Normal, who: Known, now: datetime) -> Fact:
    """The Fact just inserted, as the ORM builds one from a row (far cheaper than keywords)."""
    values = {
        "id": pk,
        "org_id": source.org_id,
        "source_id": source.pk,
        "received_at": now,
        "voided_at": None,
        "import_batch_id": None,
        **_fields(normal, who),
    }
    return Fact.from_db(router.db_for_write(Fact), _ATTNAMES, [values[name] for name in _ATTNAMES])


def _fields(normal: Normal, who: Known) -> dict[str, object]:
    return {
        "event_key": normal.event_key,
        "identity_id": who.pk,
        "recipient_id": who.recipient_id,
        "type": normal.type,
        "object_id": normal.object_id,
        "object_name": normal.object_name,
        "course": normal.course,
        "value": normal.value,
        "max_value": normal.max_value,
        "status": normal.status,
        "occurred_at": normal.occurred_at,
        "content_hash": normal.content_hash,
    }


# --- voiding, linking, reading ---------------------------------------------------------------


def void_facts(source: Source, event_keys: Sequence[str], *, voided_at: datetime) -> int:
    """Mark the source's facts under these keys voided; returns how many were not already.

    Unknown keys are ignored. The pairs of the voided facts are queued again, since the
    learner's current facts changed.
    """
    keys = sorted(set(event_keys))
    with transaction.atomic():
        facts: list[Fact] = []
        for part in chunks(keys):
            facts.extend(
                Fact.objects.filter(org_id=source.org_id, source=source, event_key__in=part, voided_at=None)
            )
        return _void(source.org, facts, voided_at)


def void_queryset(org: Organization, facts: QuerySet[Fact], voided_at: datetime) -> int:
    """Void a set of facts chosen otherwise (a rolled-back import); same rules as void_facts."""
    with transaction.atomic():
        return _void(org, list(facts.filter(org=org, voided_at=None)), voided_at)


def _void(org: Organization, facts: list[Fact], voided_at: datetime) -> int:
    if not facts:
        return 0
    count = 0
    for part in chunks([fact.pk for fact in facts]):
        count += Fact.objects.filter(pk__in=part, voided_at=None).update(voided_at=voided_at)
    pending.enqueue_for(org, facts)
    return count


@transaction.atomic
def link_identity(actor: Actor, identity: SourceIdentity, recipient: Recipient) -> int:
    """Link an identity to a recipient and give them its facts; returns how many facts moved.

    Linking an identity that pointed at somebody else corrects a mistake: its facts move to
    the new recipient and both people's pairs are evaluated again.
    """
    if recipient.org_id != identity.org_id:
        raise ValidationError(_("The recipient belongs to another organization."), code="invalid")
    previous = identity.recipient_id
    if previous == recipient.pk:
        return 0
    now = timezone.now()
    SourceIdentity.objects.filter(pk=identity.pk).update(recipient=recipient, linked_at=now)
    identity.recipient = recipient
    identity.linked_at = now
    facts = list(Fact.objects.filter(identity=identity))
    moved = Fact.objects.filter(identity=identity).exclude(recipient=recipient).update(recipient=recipient)
    before = [Fact(pk=f.pk, org_id=f.org_id, recipient_id=f.recipient_id, type=f.type) for f in facts]
    for fact in facts:
        fact.recipient_id = recipient.pk
    pending.enqueue_for(identity.org, [*before, *facts])
    record(
        actor,
        identity.org,
        "source_identity.link",
        identity,
        object_id=str(identity.pk),
        summary=f"{identity.kind}:{identity.value} → {recipient.email}",
        before={"recipient": str(previous) if previous else None},
        after={"recipient": str(recipient.public_id), "facts": moved},
    )
    return moved


def resolve_identities(
    org: Organization, names: dict[tuple[str, str], str], now: datetime | None = None
) -> tuple[dict[tuple[str, str], SourceIdentity], list[SourceIdentity]]:
    """SourceIdentity rows for normalized (kind, value) keys, with display names; created when new.

    An unlinked email or student id identity that names a recipient of the org is linked on
    the way, and its parked facts attached. Returns the rows by key, and those linked now.
    """
    with transaction.atomic():
        rows, newly_linked = identities.resolve(org, names, now or timezone.now())
        pending.enqueue_for(org, identities.attach_parked(newly_linked))
        by_pk = SourceIdentity.objects.in_bulk([row.pk for row in rows.values()])
        return {key: by_pk[row.pk] for key, row in rows.items()}, [by_pk[row.pk] for row in newly_linked]


def link_known_identities(org: Organization) -> int:
    """Link every parked email or student id identity that now names a recipient; returns facts attached.

    For recipients added after their activity arrived (a roster imported late).
    """
    with transaction.atomic():
        parked = list(
            SourceIdentity.objects.filter(
                org=org,
                recipient=None,
                kind__in=[SourceIdentity.Kind.EMAIL, SourceIdentity.Kind.STUDENT_ID],
            )
        )
        if not parked:
            return 0
        names = {(i.kind, i.value): "" for i in parked}
        _people, newly_linked = identities.resolve(org, names, timezone.now())
        attached = identities.attach_parked(newly_linked)
        pending.enqueue_for(org, attached)
        return len(attached)


def current_facts(
    recipient: Recipient, *, types: Iterable[str] | None = None, course: str | None = None
) -> list[Fact]:
    """The latest non-voided fact per (type, course, object) of a recipient.

    Latest by occurrence time, so a late-arriving older fact never overrides a newer one and
    voiding the latest makes the previous one current. Equal times are settled by event key,
    then id, so replaying the same facts in any order gives the same answer.
    """
    facts = Fact.objects.filter(recipient=recipient, voided_at=None)
    if types is not None:
        facts = facts.filter(type__in=list(types))
    if course is not None:
        facts = facts.filter(course=course)
    ranked = facts.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("type"), F("course"), F("object_id")],
            order_by=[F("occurred_at").desc(), F("event_key").desc(), F("id").desc()],
        )
    ).filter(rank=1)
    return list(ranked.order_by("type", "course", "object_id"))


def parked_identities(org: Organization) -> QuerySet[SourceIdentity]:
    """Identities nobody has linked yet that have facts waiting."""
    return SourceIdentity.objects.filter(org=org, recipient=None, facts__isnull=False).distinct()
