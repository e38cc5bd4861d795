"""Reading LTI 1.3 launch claims (LTI Core 1.3, NRPS 2.0, AGS 2.0): pure functions over id_token bodies."""

from typing import Any

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
DEPLOYMENT_ID = LTI + "deployment_id"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
RESOURCE_LINK = LTI + "resource_link"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"

ROLE_PREFIX = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
# Roles that may set the tool up in a course and see its roster.
STAFF_ROLES = frozenset({"Instructor", "ContentDeveloper", "Administrator", "Mentor"})


def _text(value: Any, limit: int = 500) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def person_name(data: dict[str, Any]) -> str:
    """The display name of a launch or NRPS member: ``name``, else given and family names."""
    name = _text(data.get("name"), 200)
    if name:
        return name
    return " ".join(p for p in (_text(data.get("given_name")), _text(data.get("family_name"))) if p)[:200]


def email(data: dict[str, Any]) -> str:
    return _text(data.get("email"), 254)


def roles(data: dict[str, Any]) -> list[str]:
    value = data.get(ROLES)
    return [r for r in value if isinstance(r, str)] if isinstance(value, list) else []


def is_staff(role_list: list[str]) -> bool:
    """A context role (the full IRI, or the short name Moodle and others still send) that teaches."""
    for role in role_list:
        short = role.removeprefix(ROLE_PREFIX).rpartition("#")[2]
        if short in STAFF_ROLES and "/institution/" not in role:
            return True
    return False


def deployment_id(data: dict[str, Any]) -> str:
    return _text(data.get(DEPLOYMENT_ID), 255)


def message_type(data: dict[str, Any]) -> str:
    return _text(data.get(MESSAGE_TYPE), 100)


def context(data: dict[str, Any]) -> dict[str, str] | None:
    value = data.get(CONTEXT)
    if not isinstance(value, dict) or not _text(value.get("id"), 255):
        return None
    return {"id": _text(value["id"], 255), "title": _text(value.get("title")) or _text(value.get("label"))}


def names_roles(data: dict[str, Any]) -> str:
    value = data.get(NRPS)
    return _text(value.get("context_memberships_url"), 1000) if isinstance(value, dict) else ""


def grades(data: dict[str, Any]) -> tuple[str, list[str]] | None:
    value = data.get(AGS)
    if not isinstance(value, dict) or not _text(value.get("lineitems"), 1000):
        return None
    scopes = value.get("scope")
    return _text(value["lineitems"], 1000), [s for s in scopes if isinstance(s, str)] if isinstance(
        scopes, list
    ) else []


def deep_linking(data: dict[str, Any]) -> dict[str, Any]:
    value = data.get(DEEP_LINKING_SETTINGS)
    return value if isinstance(value, dict) else {}
