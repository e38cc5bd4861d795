"""The webhook body (see the package docstring) read into facts, with every mistake named by a pointer."""

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from laurel.ingest.facts import STATUSES, FactInput, Identity
from laurel.ingest.models import Fact, Source, SourceIdentity

MAX_EVENTS = 500
MAX_TEXT = 500
MAX_ID = 200
# Clocks drift; a time further ahead than this is a mistake (milliseconds sent as seconds, a wrong year).
MAX_FUTURE = timedelta(days=1)

EVENT_KEYS = frozenset({"id", "type", "learner", "activity", "course", "value", "max", "status", "time"})
LEARNER_IDS = ("email", "student_id", "id")
LEARNER_KEYS = frozenset({*LEARNER_IDS, "name"})
ACTIVITY_KEYS = frozenset({"id", "name"})

Error = dict[str, str]


class SchemaError(ValueError):
    def __init__(self, errors: list[Error]) -> None:
        super().__init__(errors[0]["message"])
        self.errors = errors


def account_home(source: Source) -> str:
    """Where a learner's ``id`` is unique: this source only, whatever our site's address."""
    return f"urn:laurel:source:{source.public_id}"


def read_body(body: Any, source: Source, message_id: str, now: datetime) -> list[FactInput]:
    """One event (an object) or a batch (``{"events": [...]}``); raises SchemaError naming each problem."""
    if not isinstance(body, dict):
        raise SchemaError([{"pointer": "", "message": _("The body must be a JSON object.")}])
    if "events" in body:
        extra = sorted(body.keys() - {"events"})
        if extra:
            raise SchemaError([{"pointer": "/" + extra[0], "message": _("A batch has only “events”.")}])
        events = body["events"]
        if not isinstance(events, list) or not events:
            raise SchemaError([{"pointer": "/events", "message": _("events must be a non-empty array.")}])
        if len(events) > MAX_EVENTS:
            message = _("A batch may hold at most %(max)s events, not %(count)s.") % {
                "max": MAX_EVENTS,
                "count": len(events),
            }
            raise SchemaError([{"pointer": "/events", "message": message}])
        places = [(f"/events/{i}", event, f"{message_id}#{i}") for i, event in enumerate(events)]
    else:
        places = [("", body, message_id)]
    errors: list[Error] = []
    facts = []
    for where, event, default_key in places:
        fact = _event(event, where, default_key, source, now, errors)
        if fact is not None:
            facts.append(fact)
    if errors:
        raise SchemaError(errors)
    return facts


def _string(node: dict[str, Any], key: str, where: str, errors: list[Error], limit: int = MAX_TEXT) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value.strip():
        errors.append({"pointer": f"{where}/{key}", "message": _("Must be a non-empty string.")})
        return ""
    if len(value) > limit:
        message = _("May have at most %(n)s characters.") % {"n": limit}
        errors.append({"pointer": f"{where}/{key}", "message": message})
        return ""
    return value.strip()


def _unknown(node: dict[str, Any], allowed: frozenset[str], where: str, errors: list[Error]) -> None:
    for key in sorted(node.keys() - allowed):
        errors.append(
            {"pointer": f"{where}/{key}", "message": _("Unknown field “%(name)s”.") % {"name": key}}
        )


def _object(node: Any, key: str, where: str, errors: list[Error]) -> dict[str, Any] | None:
    value = node.get(key)
    if not isinstance(value, dict):
        errors.append({"pointer": f"{where}/{key}", "message": _("Must be a JSON object.")})
        return None
    return value


def _number(node: dict[str, Any], key: str, where: str, errors: list[Error]) -> Decimal | None:
    value = node.get(key)
    if value is None:
        return None
    number = None
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite():
        message = _("Must be a number (or a decimal number written as a string).")
        errors.append({"pointer": f"{where}/{key}", "message": message})
        return None
    return number


def _learner(node: dict[str, Any], where: str, source: Source, errors: list[Error]) -> Identity | None:
    learner = _object(node, "learner", where, errors)
    if learner is None:
        return None
    where += "/learner"
    _unknown(learner, LEARNER_KEYS, where, errors)
    given = [key for key in LEARNER_IDS if key in learner]
    if len(given) != 1:
        message = _("Give exactly one of email, student_id or id (always the same one for a learner).")
        errors.append({"pointer": where, "message": message})
        return None
    value = _string(learner, given[0], where, errors)
    name = learner.get("name", "")
    if not isinstance(name, str):
        errors.append({"pointer": where + "/name", "message": _("Must be a string.")})
        name = ""
    if not value:
        return None
    if given[0] == "email":
        if "@" not in value:
            errors.append({"pointer": where + "/email", "message": _("Must be an email address.")})
        return Identity(SourceIdentity.Kind.EMAIL, value, name)
    if given[0] == "student_id":
        return Identity(SourceIdentity.Kind.STUDENT_ID, value, name)
    return Identity(SourceIdentity.Kind.ACCOUNT, f"{account_home(source)}|{value}", name)


def _time(node: dict[str, Any], where: str, now: datetime, errors: list[Error]) -> datetime | None:
    value = node.get("time")
    moment = None
    if isinstance(value, str) and "T" in value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if moment is None or moment.tzinfo is None:
        message = _("Must be an RFC 3339 date and time with an offset, e.g. 2025-03-10T09:00:00+09:00.")
        errors.append({"pointer": where + "/time", "message": message})
        return None
    if moment - now > MAX_FUTURE:
        errors.append({"pointer": where + "/time", "message": _("Lies more than a day in the future.")})
        return None
    return moment


def _status(node: dict[str, Any], fact_type: str, where: str, errors: list[Error]) -> str:
    status = node.get("status", "")
    allowed = STATUSES.get(fact_type)
    if not isinstance(status, str) or (allowed is not None and status not in allowed):
        choices = ", ".join(sorted(s for s in allowed or () if s))
        message = _("A %(type)s event's status is one of: %(choices)s.") % {
            "type": fact_type,
            "choices": choices,
        }
        if allowed is not None and "" in allowed:
            message += " " + _("It may also be left out.")
        errors.append({"pointer": where + "/status", "message": message})
        return ""
    return status


def _event(
    event: Any, where: str, default_key: str, source: Source, now: datetime, errors: list[Error]
) -> FactInput | None:
    if not isinstance(event, dict):
        errors.append({"pointer": where, "message": _("An event must be a JSON object.")})
        return None
    before = len(errors)
    _unknown(event, EVENT_KEYS, where, errors)
    fact_type = event.get("type")
    if fact_type not in Fact.Type.values:
        message = _("type must be one of: %(types)s.") % {"types": ", ".join(Fact.Type.values)}
        errors.append({"pointer": where + "/type", "message": message})
        fact_type = None
    learner = _learner(event, where, source, errors)
    activity = _object(event, "activity", where, errors)
    activity_id = activity_name = ""
    if activity is not None:
        _unknown(activity, ACTIVITY_KEYS, where + "/activity", errors)
        activity_id = _string(activity, "id", where + "/activity", errors)
        if "name" in activity:
            activity_name = _string(activity, "name", where + "/activity", errors)
    course = _string(event, "course", where, errors) if "course" in event else ""
    key = (
        f"event:{_string(event, 'id', where, errors, MAX_ID)}" if "id" in event else f"message:{default_key}"
    )
    value, maximum = _number(event, "value", where, errors), _number(event, "max", where, errors)
    if maximum is not None and maximum <= 0:
        errors.append({"pointer": where + "/max", "message": _("Must be greater than zero.")})
    occurred_at = _time(event, where, now, errors)
    status = _status(event, fact_type, where, errors) if fact_type else ""
    if len(errors) > before or fact_type is None or learner is None or occurred_at is None:
        return None
    return FactInput(
        event_key=key,
        type=fact_type,
        actor=learner,
        object_id=activity_id,
        object_name=activity_name,
        course=course,
        value=value,
        max_value=maximum,
        status=status,
        occurred_at=occurred_at,
    )
