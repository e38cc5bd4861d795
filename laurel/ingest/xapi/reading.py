"""A stored statement in the format a GET asks for: exact, ids or canonical (xAPI 2.0, 4.1.6.1)."""

import json
from typing import Any

from laurel.ingest.xapi.canonical import dumps

IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
_LANGUAGE_MAPS = ("name", "description")
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


def as_format(body: str, fmt: str, accept_language: str) -> str:
    if fmt == "exact":
        return body  # byte for byte as stored
    statement = json.loads(body)
    if fmt == "ids":
        return dumps(_ids_statement(statement))
    return dumps(_canonical_statement(statement, _preferences(accept_language)))


# --- ids ---------------------------------------------------------------------------------------


def _ids_actor(value: dict[str, Any]) -> dict[str, Any]:
    out = {k: value[k] for k in ("objectType", *IFIS) if k in value}
    if "member" in value and not any(k in value for k in IFIS):
        out["member"] = [_ids_actor(m) for m in value["member"]]
    return out


def _ids_activity(value: dict[str, Any]) -> dict[str, Any]:
    return {k: value[k] for k in ("objectType", "id") if k in value}


def _ids_object(value: dict[str, Any]) -> dict[str, Any]:
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        return _ids_activity(value)
    if kind in ("Agent", "Group"):
        return _ids_actor(value)
    if kind == "SubStatement":
        return _ids_statement(value)
    return value


def _ids_context(value: dict[str, Any]) -> dict[str, Any]:
    out = dict(value)
    for key in ("instructor", "team"):
        if key in value:
            out[key] = _ids_actor(value[key])
    if "contextActivities" in value:
        out["contextActivities"] = {
            k: [_ids_activity(a) for a in items] for k, items in value["contextActivities"].items()
        }
    if "contextAgents" in value:
        out["contextAgents"] = [{**i, "agent": _ids_actor(i["agent"])} for i in value["contextAgents"]]
    if "contextGroups" in value:
        out["contextGroups"] = [{**i, "group": _ids_actor(i["group"])} for i in value["contextGroups"]]
    return out


def _ids_statement(value: dict[str, Any]) -> dict[str, Any]:
    out = dict(value)
    out["actor"] = _ids_actor(value["actor"])
    out["verb"] = {"id": value["verb"]["id"]}
    out["object"] = _ids_object(value["object"])
    if "authority" in value:
        out["authority"] = _ids_actor(value["authority"])
    if "context" in value:
        out["context"] = _ids_context(value["context"])
    return out


# --- canonical ---------------------------------------------------------------------------------


def _preferences(header: str) -> list[str]:
    """Language ranges from Accept-Language, best first (RFC 9110 quality values)."""
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate(header.split(",")):
        tag, _semi, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, n, tag.lower()))
    return [tag for _q, _n, tag in sorted(ranked)]


def _one_language(value: dict[str, str], preferences: list[str]) -> dict[str, str]:
    lowered = {tag.lower(): tag for tag in value}
    for wanted in preferences:
        if wanted == "*":
            break
        for tag_lower, tag in lowered.items():
            if tag_lower == wanted or tag_lower.startswith(wanted + "-"):
                return {tag: value[tag]}
    first = next(iter(value))
    return {first: value[first]}


def _canonical_activity(value: dict[str, Any], prefs: list[str]) -> dict[str, Any]:
    if "definition" not in value:
        return value
    definition = dict(value["definition"])
    for key in _LANGUAGE_MAPS:
        if key in definition:
            definition[key] = _one_language(definition[key], prefs)
    for key in _COMPONENT_LISTS:
        if key in definition:
            definition[key] = [
                {**c, "description": _one_language(c["description"], prefs)} if "description" in c else c
                for c in definition[key]
            ]
    return {**value, "definition": definition}


def _canonical_statement(value: dict[str, Any], prefs: list[str]) -> dict[str, Any]:
    out = dict(value)
    if "display" in value["verb"]:
        out["verb"] = {**value["verb"], "display": _one_language(value["verb"]["display"], prefs)}
    target = value["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = _canonical_activity(target, prefs)
    elif kind == "SubStatement":
        out["object"] = _canonical_statement(target, prefs)
    context = value.get("context")
    if context and "contextActivities" in context:
        out["context"] = {
            **context,
            "contextActivities": {
                k: [_canonical_activity(a, prefs) for a in items]
                for k, items in context["contextActivities"].items()
            },
        }
    return out
