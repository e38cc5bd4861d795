"""Caliper events as facts (the table is in the package docstring); pure, no database."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from laurel.ingest.caliper.envelope import Envelope, EnvelopeError, node_id, parse_time
from laurel.ingest.facts import FactInput, Identity, normalize
from laurel.ingest.models import Fact, SourceIdentity

Kind = SourceIdentity.Kind

# SystemIdentifier types (Caliper 1.2) that name the same person in a system we can match on.
_STUDENT_ID_TYPES = frozenset({"SisSourcedId", "LisSourcedId"})
# Keys that Canvas and others put under an actor's `extensions` (Caliper 1.1 has no otherIdentifiers).
_EXTENSION_STUDENT_IDS = ("user_sis_id", "sis_id", "sis_user_id")
_EXTENSION_EMAILS = ("email", "user_email", "user_login")


@dataclass
class Mapped:
    facts: list[FactInput] = field(default_factory=list)
    # Other names of the people behind the facts' identities (email, student id, LTI user),
    # used to link an identity that is not linked yet: (kind, value) → set of (kind, value).
    hints: dict[tuple[str, str], set[tuple[str, str]]] = field(default_factory=dict)
    ignored: int = 0


def entity_index(envelope: Envelope) -> dict[str, dict[str, Any]]:
    """Every entity given in full anywhere in the envelope, by id, later copies filling gaps."""
    index: dict[str, dict[str, Any]] = {}

    def visit(node: Any, depth: int) -> None:
        if depth > 4 or not isinstance(node, dict):
            return
        iri = node_id(node)
        if iri and "type" in node:
            merged = index.setdefault(iri, {})
            for key, value in node.items():
                merged.setdefault(key, value)
        for value in node.values():
            if isinstance(value, dict):
                visit(value, depth + 1)

    for entity in envelope.entities:
        visit(entity, 0)
    for _position, event in envelope.events:
        visit(event, 0)
    return index


def _resolve(value: Any, index: dict[str, dict[str, Any]]) -> dict[str, Any]:
    iri = node_id(value)
    found = dict(index.get(iri, {}))
    if isinstance(value, dict):
        found.update(value)
    if iri:
        found["id"] = iri
    return found


def _name(node: dict[str, Any]) -> str:
    name = node.get("name")
    return name.strip() if isinstance(name, str) else ""


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _person(value: Any, index: dict[str, dict[str, Any]]) -> tuple[Identity, set[tuple[str, str]]] | None:
    """The learner's identity (their Person IRI) and the other names they go by."""
    person = _resolve(value, index)
    iri = person.get("id", "")
    if not iri or iri.startswith("_:") or person.get("type", "Person") != "Person":
        return None  # a blank node names nobody outside this envelope; software is no learner
    return Identity(Kind.OPENID, iri, _name(person)), _other_names(person)


def _other_names(person: dict[str, Any]) -> set[tuple[str, str]]:
    names: set[tuple[str, str]] = set()
    others = person.get("otherIdentifiers")
    for other in others if isinstance(others, list) else []:
        if not isinstance(other, dict) or not isinstance(other.get("identifier"), str):
            continue
        kind, identifier = other.get("identifierType"), other["identifier"].strip()
        if not identifier:
            continue
        if kind == "EmailAddress":
            names.add((Kind.EMAIL, identifier))
        elif kind in _STUDENT_ID_TYPES:
            names.add((Kind.STUDENT_ID, identifier))
        elif kind == "LtiUserId" and node_id(other.get("source")):
            # An LTI user id is only unique per platform, which `source` names (its issuer).
            names.add((Kind.LTI, f"{node_id(other.get('source'))}|{identifier}"))
    extensions = person.get("extensions")
    for block in extensions.values() if isinstance(extensions, dict) else []:
        if not isinstance(block, dict):
            continue
        for key in _EXTENSION_STUDENT_IDS:
            if isinstance(block.get(key), str) and block[key].strip():
                names.add((Kind.STUDENT_ID, block[key].strip()))
        for key in _EXTENSION_EMAILS:
            if isinstance(block.get(key), str) and "@" in block[key]:
                names.add((Kind.EMAIL, block[key].strip()))
    return names


def _submission_status(event_time: datetime, resource: dict[str, Any]) -> str:
    due = parse_time(resource.get("dateToSubmit"))
    return "late" if due is not None and event_time > due else "submitted"


def map_envelope(envelope: Envelope) -> Mapped:
    index = entity_index(envelope)
    mapped = Mapped()
    for position, event in envelope.events:
        fact = _fact(event, index, mapped)
        if fact is None:
            mapped.ignored += 1
            continue
        try:
            normalize(fact)  # so a value that cannot be stored is named by its place in the envelope
        except ValidationError as error:
            raise EnvelopeError(400, " ".join(error.messages), f"/data/{position}") from None
        mapped.facts.append(fact)
    return mapped


def _fact(event: dict[str, Any], index: dict[str, dict[str, Any]], mapped: Mapped) -> FactInput | None:
    kind, action = event["type"], event["action"]
    occurred_at = parse_time(event["eventTime"])
    assert occurred_at is not None  # checked with the envelope
    value = maximum = None
    if (kind, action) in {("AssessmentEvent", "Submitted"), ("AssignableEvent", "Submitted")}:
        learner = _person(event["actor"], index)
        resource = _resolve(event["object"], index)
        fact_type, status = Fact.Type.SUBMISSION, _submission_status(occurred_at, resource)
    elif (kind, action) == ("AssignableEvent", "Completed"):
        learner = _person(event["actor"], index)
        resource = _resolve(event["object"], index)
        fact_type, status = Fact.Type.COMPLETION, "completed"
    elif (kind, action) == ("GradeEvent", "Graded"):
        # The grader is the actor; the learner is the attempt's assignee.
        attempt = _resolve(event["object"], index)
        learner = _person(attempt.get("assignee"), index)
        resource = _resolve(attempt.get("assignable"), index)
        score = _resolve(event.get("generated"), index)
        value, maximum = _number(score.get("scoreGiven")), _number(score.get("maxScore"))
        if value is None:
            return None  # a grade without a score says nothing a criterion can use
        fact_type, status = Fact.Type.GRADE, ""
    else:
        return None
    if learner is None or not resource.get("id"):
        return None
    identity, other_names = learner
    if other_names:
        mapped.hints.setdefault((identity.kind, identity.value), set()).update(other_names)
    return FactInput(
        event_key=event["id"].lower(),
        type=fact_type,
        actor=identity,
        object_id=resource["id"],
        object_name=_name(resource),
        course=_resolve(event.get("group"), index).get("id", ""),
        occurred_at=occurred_at,
        value=value,
        max_value=maximum,
        status=status,
    )
