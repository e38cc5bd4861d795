"""Recording a Caliper envelope: its facts, then links suggested by the learners' other identifiers."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from laurel.core.actor import Actor
from laurel.ingest.caliper.envelope import Envelope
from laurel.ingest.caliper.mapping import map_envelope
from laurel.ingest.facts import RecordResult, link_identity, normalize_identity, record_facts
from laurel.ingest.models import Source, SourceIdentity
from laurel.orgs.models import Organization, Recipient

Kind = SourceIdentity.Kind
Key = tuple[str, str]


@transaction.atomic
def record_envelope(source: Source, envelope: Envelope, *, now: datetime) -> tuple[RecordResult, int]:
    """Facts of the supported events, all or nothing; returns the result and how many events were ignored."""
    mapped = map_envelope(envelope)
    result = record_facts(source, mapped.facts, received_at=now)
    if mapped.hints:
        link_by_other_names(source.org, mapped.hints, Actor(user=None, via="caliper"))
    return result, mapped.ignored


def _normal(key: Key) -> Key | None:
    try:
        return key[0], normalize_identity(key[0], key[1])
    except ValidationError:
        return None  # a malformed hint is only a missed link, never a rejected event


def link_by_other_names(org: Organization, hints: dict[Key, set[Key]], actor: Actor) -> int:
    """Link parked identities whose other names (email, student id, LTI user) point at one recipient.

    A Caliper actor is recorded under its Person IRI, which stays the same from one envelope
    to the next; an email or student id sent beside it only helps find the recipient once.
    Names that point at different recipients link nothing: better parked than wrong.
    """
    wanted: dict[Key, set[Key]] = {}
    for key, others in hints.items():
        normal = _normal(key)
        if normal is not None:
            wanted[normal] = {hint for hint in map(_normal, others) if hint is not None}
    parked = _parked(org, [key for key, others in wanted.items() if others])
    if not parked:
        return 0
    owners = _owners(org, {hint for key in parked for hint in wanted[key]})
    linked = 0
    for key, identity in parked.items():
        recipients = {owners[hint] for hint in wanted[key] if hint in owners}
        if len(recipients) == 1:
            link_identity(actor, identity, recipients.pop())
            linked += 1
    return linked


def _parked(org: Organization, keys: list[Key]) -> dict[Key, SourceIdentity]:
    by_kind: dict[str, list[str]] = {}
    for kind, value in keys:
        by_kind.setdefault(kind, []).append(value)
    found: dict[Key, SourceIdentity] = {}
    for kind, values in by_kind.items():
        for identity in SourceIdentity.objects.filter(org=org, kind=kind, value__in=values, recipient=None):
            found[(identity.kind, identity.value)] = identity
    return found


def _owners(org: Organization, hints: set[Key]) -> dict[Key, Recipient]:
    emails = [value for kind, value in hints if kind == Kind.EMAIL]
    students = [value for kind, value in hints if kind == Kind.STUDENT_ID]
    lti_users = [value for kind, value in hints if kind == Kind.LTI]
    owners: dict[Key, Recipient] = {}
    for recipient in Recipient.objects.filter(org=org, email__in=emails):
        owners[(Kind.EMAIL, recipient.email)] = recipient
    for recipient in Recipient.objects.filter(org=org, student_id__in=students).exclude(student_id=""):
        owners[(Kind.STUDENT_ID, recipient.student_id)] = recipient
    linked = SourceIdentity.objects.filter(org=org, kind=Kind.LTI, value__in=lti_users)
    for identity in linked.exclude(recipient=None).select_related("recipient"):
        assert identity.recipient is not None
        owners[(Kind.LTI, identity.value)] = identity.recipient
    return owners
