"""Caliper envelopes (Caliper 1.1 §5.2, 1.2 §4.2): read, check and split into events and entities.

Pure functions over the parsed body; the view turns :class:`EnvelopeError` into a problem
response with the status the Caliper endpoint section asks for (400 for a missing or malformed
envelope, 422 for a ``dataVersion`` this endpoint does not support).
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

CONTEXT_V1P1 = "http://purl.imsglobal.org/ctx/caliper/v1p1"
CONTEXT_V1P2 = "http://purl.imsglobal.org/ctx/caliper/v1p2"
SUPPORTED_VERSIONS = (CONTEXT_V1P1, CONTEXT_V1P2)
ENVELOPE_KEYS = frozenset({"sensor", "sendTime", "dataVersion", "data"})
MAX_ITEMS = 1000

_URN_UUID = re.compile(r"^urn:uuid:[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class EnvelopeError(ValueError):
    """The body is not an envelope this endpoint accepts; ``pointer`` says where (RFC 6901)."""

    def __init__(self, status: int, detail: str, pointer: str = "") -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.pointer = pointer


@dataclass(frozen=True)
class Envelope:
    sensor: str
    send_time: datetime
    data_version: str
    events: list[tuple[int, dict[str, Any]]]  # (position in data, event)
    entities: list[dict[str, Any]]  # "describe" entities sent beside the events


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 date-time with an offset; None for anything else.

    The spec asks for ``YYYY-MM-DDTHH:mm:ss.SSSZ``; sensors that leave out the milliseconds
    or write ``+00:00`` mean the same moment, so only the time zone is insisted on.
    """
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def is_event(item: dict[str, Any]) -> bool:
    # Every Caliper event type is named "...Event"; entity types never are.
    kind = item.get("type")
    return isinstance(kind, str) and kind.endswith("Event")


def node_id(value: Any) -> str:
    """The IRI of an entity given inline (an object with ``id``) or by reference (a string)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"].strip()
    return ""


def parse_envelope(body: Any) -> Envelope:
    if not isinstance(body, dict):
        raise EnvelopeError(400, _("The body must be a Caliper envelope: a JSON object, not a bare list."))
    if "data" not in body and ("type" in body or "@context" in body):
        raise EnvelopeError(
            400,
            _("Events and entities must be sent inside an envelope (sensor, sendTime, dataVersion, data)."),
        )
    missing = sorted(ENVELOPE_KEYS - body.keys())
    if missing:
        raise EnvelopeError(
            400, _("The envelope lacks %(names)s.") % {"names": ", ".join(missing)}, "/" + missing[0]
        )
    extra = sorted(body.keys() - ENVELOPE_KEYS)
    if extra:
        raise EnvelopeError(
            400, _("An envelope has no property “%(name)s”.") % {"name": extra[0]}, "/" + extra[0]
        )
    sensor = body["sensor"]
    if not isinstance(sensor, str) or not sensor.strip():
        raise EnvelopeError(400, _("sensor must be a non-empty string, ideally an IRI."), "/sensor")
    send_time = parse_time(body["sendTime"])
    if send_time is None:
        raise EnvelopeError(
            400,
            _("sendTime must be an ISO 8601 date and time in UTC, e.g. 2018-11-15T10:15:00.000Z."),
            "/sendTime",
        )
    version = body["dataVersion"]
    if not isinstance(version, str):
        raise EnvelopeError(400, _("dataVersion must be a string (a Caliper context IRI)."), "/dataVersion")
    if version not in SUPPORTED_VERSIONS:
        raise EnvelopeError(
            422,
            _("dataVersion “%(version)s” is not supported; send %(supported)s.")
            % {"version": version[:200], "supported": " or ".join(SUPPORTED_VERSIONS)},
            "/dataVersion",
        )
    events, entities = _split_data(body["data"])
    return Envelope(sensor.strip(), send_time, version, events, entities)


def _split_data(data: Any) -> tuple[list[tuple[int, dict[str, Any]]], list[dict[str, Any]]]:
    if not isinstance(data, list) or not data:
        raise EnvelopeError(400, _("data must be an array of one or more events or entities."), "/data")
    if len(data) > MAX_ITEMS:
        raise EnvelopeError(
            413,
            _("data holds %(count)s items; send at most %(max)s per envelope.")
            % {"count": len(data), "max": MAX_ITEMS},
            "/data",
        )
    events: list[tuple[int, dict[str, Any]]] = []
    entities: list[dict[str, Any]] = []
    for index, item in enumerate(data):
        where = f"/data/{index}"
        if not isinstance(item, dict):
            raise EnvelopeError(400, _("Each item of data must be a JSON object."), where)
        if not isinstance(item.get("type"), str) or not item["type"]:
            raise EnvelopeError(400, _("Each event or entity needs a type."), where + "/type")
        if is_event(item):
            check_event(item, where)
            events.append((index, item))
        else:
            if not node_id(item):
                raise EnvelopeError(400, _("A described entity needs an id."), where + "/id")
            entities.append(item)
    return events, entities


def check_event(event: dict[str, Any], where: str) -> None:
    """The properties every Caliper event must carry, whatever its type."""
    event_id = event.get("id")
    if not isinstance(event_id, str) or not _URN_UUID.match(event_id):
        raise EnvelopeError(400, _("An event's id must be a UUID written as urn:uuid:<UUID>."), where + "/id")
    for name in ("actor", "object"):
        if not node_id(event.get(name)):
            raise EnvelopeError(
                400,
                _("An event's %(name)s must be an entity with an id or an IRI.") % {"name": name},
                f"{where}/{name}",
            )
    if not isinstance(event.get("action"), str) or not event["action"]:
        raise EnvelopeError(400, _("An event needs an action."), where + "/action")
    if parse_time(event.get("eventTime")) is None:
        raise EnvelopeError(
            400, _("eventTime must be an ISO 8601 date and time in UTC."), where + "/eventTime"
        )
