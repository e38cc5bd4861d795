"""The stored form of a statement, and the two digests that tell statements apart.

``comparison_hash`` follows the specification's statement comparison rules: two statements with
the same id are "the same" when they differ only in what the LRS may change or need not keep
(id, authority, stored, timestamp, version, attachments, Activity Definitions, a Verb's display,
the order of a Group's members, upper and lower case, duration precision below 0.01 s, and the
order of keys). A re-sent statement with the same id and the same hash is accepted again.

``content_id`` gives a statement sent without an id an id derived from everything it says
(its timestamp included), so a batch re-sent after a failure — Moodle's logstore_xapi does
this, and sends no ids — lands on the same ids instead of new ones.
"""

import hashlib
import json
import uuid
from typing import Any

from laurel.ingest.xapi import formats

# Namespace for ids derived from content: uuid5(NAMESPACE, "<source public id>:<sha256>").
NAMESPACE = uuid.UUID("6f1b2b4e-3c1d-5a7e-9d2f-4c8b1a0e7d35")
# Statements come from parsed JSON, so they hold no cycles to look for (a quarter of the time).
_DUMPS = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, check_circular=False
).encode
_DUMPS_AS_IS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def dumps(statement: dict[str, Any]) -> str:
    """The stored (and returned) text of a statement: compact, keys in the order received."""
    return _DUMPS_AS_IS(statement)


def normalize_context_activities(statement: dict[str, Any]) -> None:
    """Every contextActivities value as a list, as the LRS must return them (in place)."""
    context = statement.get("context")
    if context is not None and "contextActivities" in context:
        activities = context["contextActivities"]
        for key, value in activities.items():
            if not isinstance(value, list):
                activities[key] = [value]
    target = statement.get("object")
    if isinstance(target, dict) and target.get("objectType") == "SubStatement":
        normalize_context_activities(target)


def content_id(source_key: str, statement: dict[str, Any]) -> str:
    """A deterministic id for a statement sent without one (``statement`` already normalized)."""
    body = {k: v for k, v in statement.items() if k not in ("id", "stored", "authority", "version")}
    digest = hashlib.sha256(_DUMPS(body).encode()).hexdigest()
    return str(uuid.uuid5(NAMESPACE, f"{source_key}:{digest}"))


def comparison_hash(statement: dict[str, Any]) -> str:
    """SHA-256 of the statement's comparison form (see the module's docstring)."""
    # Lower-casing the serialized text folds case in every string at once; the keys it also
    # lowers are fixed by the specification (checked before), so no two of them merge.
    text = _DUMPS(_comparable(statement)).lower()
    return hashlib.sha256(text.encode()).hexdigest()


def _comparable(statement: dict[str, Any]) -> dict[str, Any]:
    skip = ("id", "authority", "stored", "timestamp", "version", "attachments", "objectType")
    out: dict[str, Any] = {k: v for k, v in statement.items() if k not in skip}
    out["actor"] = _actor(statement["actor"])
    out["verb"] = {"id": statement["verb"]["id"]}
    out["object"] = _object(statement["object"])
    if "result" in statement:
        out["result"] = _result(statement["result"])
    if "context" in statement:
        out["context"] = _context(statement["context"])
    return out


def _result(value: dict[str, Any]) -> dict[str, Any]:
    out = dict(value)
    if "duration" in value:
        out["duration"] = formats.duration_for_comparison(value["duration"])
    if "score" in value:
        # 1 and 1.0 are the same score.
        out["score"] = {
            k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in value["score"].items()
        }
    return out


def _actor(value: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in value.items() if not (k == "objectType" and v == "Agent")}
    if "member" in out:
        members = [_actor(m) for m in out["member"]]
        out["member"] = sorted(members, key=lambda member: _DUMPS(member).lower())
    return out


def _activity(value: dict[str, Any]) -> dict[str, Any]:
    return {"id": value["id"]}


def _object(value: dict[str, Any]) -> dict[str, Any]:
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        return _activity(value)
    if kind in ("Agent", "Group"):
        return {**_actor(value), "objectType": kind}
    if kind == "SubStatement":
        return {**_comparable(value), "objectType": kind}
    return value


def _context(value: dict[str, Any]) -> dict[str, Any]:
    out = dict(value)
    if "contextActivities" in value:
        out["contextActivities"] = {
            key: [_activity(a) for a in items] for key, items in value["contextActivities"].items()
        }
    for key in ("instructor", "team"):
        if key in value:
            out[key] = _actor(value[key])
    if "contextAgents" in value:
        out["contextAgents"] = [{**item, "agent": _actor(item["agent"])} for item in value["contextAgents"]]
    if "contextGroups" in value:
        out["contextGroups"] = [{**item, "group": _actor(item["group"])} for item in value["contextGroups"]]
    return out
