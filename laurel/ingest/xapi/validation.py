"""Statement validation as xAPI 1.0.3 (Data, section 2) and 2.0 (IEEE 9274.1.1, section 4.2) require.

Every rule raises ``Invalid`` naming the property by its path ("actor.account.homePage") so a
sender can find it. The checks are hand-written rather than a JSON Schema: a batch of a
hundred statements must be checked in a few milliseconds. So the common properties are checked
in place, in one pass over each object, and a property's path is only spelled out for an error.
"""

from typing import Any

from django.utils.translation import gettext as _

from laurel.ingest.xapi import formats

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
INTERACTION_TYPES = frozenset(
    {
        "true-false",
        "choice",
        "fill-in",
        "long-fill-in",
        "matching",
        "performance",
        "sequencing",
        "likert",
        "numeric",
        "other",
    }
)
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
INTERACTION_KEYS = frozenset({"correctResponsesPattern", *COMPONENT_LISTS})
CONTEXT_ACTIVITY_KEYS = frozenset({"parent", "grouping", "category", "other"})
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")

STATEMENT_KEYS = frozenset(
    {
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
    }
)
SUBSTATEMENT_KEYS = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)
AGENT_KEYS = frozenset({"objectType", "name", *IFIS})
GROUP_KEYS = frozenset({"objectType", "name", "member", *IFIS})
ACCOUNT_KEYS = frozenset({"homePage", "name"})
VERB_KEYS = frozenset({"id", "display"})
ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
DEFINITION_KEYS = frozenset(
    {
        "name",
        "description",
        "type",
        "moreInfo",
        "extensions",
        "interactionType",
        "correctResponsesPattern",
        *COMPONENT_LISTS,
    }
)
COMPONENT_KEYS = frozenset({"id", "description"})
STATEMENT_REF_KEYS = frozenset({"objectType", "id"})
RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
CONTEXT_KEYS_1 = frozenset(
    {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    }
)
CONTEXT_KEYS_2 = CONTEXT_KEYS_1 | {"contextAgents", "contextGroups"}
CONTEXT_AGENT_KEYS = frozenset({"objectType", "agent", "relevantTypes"})
CONTEXT_GROUP_KEYS = frozenset({"objectType", "group", "relevantTypes"})
ATTACHMENT_KEYS = frozenset(
    {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
)
ATTACHMENT_REQUIRED = ("usageType", "display", "contentType", "length", "sha2")


class Invalid(Exception):
    """A statement breaks a rule of the specification; ``where`` is the property's path."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


_is_iri = formats.is_iri
_is_language_tag = formats.is_language_tag
# JSON numbers are ints and floats; a bool is an int to Python but not a number to JSON.
_NUMBERS = (int, float)


def _at(where: str, key: str) -> str:
    """The path of a property of the object at ``where``."""
    return f"{where}.{key}" if where else key


def _not_iri(where: str) -> Invalid:
    return Invalid(where, _("must be an IRI with a scheme, such as “https://example.com/x”."))


def _not_string(where: str) -> Invalid:
    return Invalid(where, _("must be a string."))


def _obj(value: Any, where: str, keys: frozenset[str]) -> dict[str, Any]:
    """An object with only the allowed keys and no null values."""
    if not isinstance(value, dict):
        raise Invalid(where, _("must be a JSON object."))
    if not value:
        raise Invalid(where, _("must not be an empty object."))
    # Set operations first: the per-key loop below only runs to name what is wrong.
    if not keys.issuperset(value) or None in value.values():
        for key, item in value.items():
            if key not in keys:
                raise Invalid(
                    where, _("has a property the specification does not allow: “%(key)s”.") % {"key": key}
                )
            if item is None:
                raise Invalid(f"{where}.{key}", _("must not be null."))
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _not_string(where)
    return value


def _iri(value: Any, where: str) -> str:
    if not _is_iri(value):
        raise _not_iri(where)
    return value


def _uuid(value: Any, where: str) -> str:
    if not formats.is_uuid(value):
        raise Invalid(where, _("must be a UUID in its standard string form."))
    return value


def _boolean(value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise Invalid(where, _("must be true or false (not a string)."))


def language_map(value: Any, where: str) -> None:
    if not isinstance(value, dict) or not value:
        raise Invalid(where, _("must be a language map with at least one entry."))
    for tag, text in value.items():
        if not _is_language_tag(tag):
            raise Invalid(where, _("“%(tag)s” is not an RFC 5646 language tag.") % {"tag": tag})
        if not isinstance(text, str):
            raise _not_string(f"{where}.{tag}")


def _language_map_at(value: Any, parent: str, key: str) -> None:
    """language_map for the property ``key`` of the object at ``parent``; its path made on error."""
    if isinstance(value, dict) and value:
        for tag, text in value.items():
            if not isinstance(text, str) or not _is_language_tag(tag):
                break
        else:
            return
    language_map(value, _at(parent, key))


def extensions(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise Invalid(where, _("must be a JSON object."))
    for key in value:
        if not _is_iri(key):
            raise Invalid(where, _("extension keys must be IRIs; “%(key)s” is not.") % {"key": key})


def timestamp(value: Any, where: str, v2: bool) -> None:
    if formats.parse_timestamp(value, allow_space=v2) is None:
        raise Invalid(
            where,
            _("must be an ISO 8601 timestamp such as “2025-03-10T09:00:00.000Z” (no “-00:00” offset)."),
        )


# --- actors ----------------------------------------------------------------------------------


def _account(value: Any, where: str) -> None:
    _obj(value, where, ACCOUNT_KEYS)
    if "homePage" not in value:
        raise Invalid(where, _("needs a “homePage”."))
    if "name" not in value:
        raise Invalid(where, _("needs a “name”."))
    if not _is_iri(value["homePage"]):
        raise _not_iri(f"{where}.homePage")
    if not isinstance(value["name"], str):
        raise _not_string(f"{where}.name")


def _ifis(value: dict[str, Any], where: str) -> int:
    # In the order of IFIS, so the first wrong one is named.
    count = 0
    if "mbox" in value:
        count += 1
        if not formats.is_mailto(value["mbox"]):
            raise Invalid(_at(where, "mbox"), _("must be “mailto:” followed by an email address."))
    if "mbox_sha1sum" in value:
        count += 1
        if not formats.is_sha1_hex(value["mbox_sha1sum"]):
            raise Invalid(_at(where, "mbox_sha1sum"), _("must be the hex SHA-1 of a mailto IRI."))
    if "openid" in value:
        count += 1
        if not _is_iri(value["openid"]):
            raise _not_iri(_at(where, "openid"))
    if "account" in value:
        count += 1
        _account(value["account"], _at(where, "account"))
    if count > 1:
        raise Invalid(where, _("must use exactly one of mbox, mbox_sha1sum, openid and account."))
    return count


def agent(value: Any, where: str) -> None:
    _obj(value, where, AGENT_KEYS)
    if value.get("objectType", "Agent") != "Agent":
        raise Invalid(f"{where}.objectType", _("must be “Agent”."))
    if "name" in value and not isinstance(value["name"], str):
        raise _not_string(f"{where}.name")
    if _ifis(value, where) != 1:
        raise Invalid(where, _("an Agent needs exactly one of mbox, mbox_sha1sum, openid and account."))


def group(value: Any, where: str) -> None:
    _obj(value, where, GROUP_KEYS)
    if value.get("objectType") != "Group":
        raise Invalid(f"{where}.objectType", _("must be “Group”."))
    if "name" in value:
        _string(value["name"], f"{where}.name")
    identified = _ifis(value, where) == 1
    members = value.get("member")
    if members is None and not identified:
        raise Invalid(where, _("an anonymous Group needs a “member” list."))
    if members is not None:
        if not isinstance(members, list) or (not members and not identified):
            raise Invalid(f"{where}.member", _("must be a list of Agents."))
        for n, member in enumerate(members):
            if isinstance(member, dict) and member.get("objectType") == "Group":
                raise Invalid(f"{where}.member[{n}]", _("a Group cannot be a member of a Group."))
            agent(member, f"{where}.member[{n}]")


def actor(value: Any, where: str) -> None:
    if isinstance(value, dict) and value.get("objectType") == "Group":
        group(value, where)
    elif isinstance(value, dict) and value.get("objectType", "Agent") != "Agent":
        raise Invalid(f"{where}.objectType", _("must be “Agent” or “Group”."))
    else:
        agent(value, where)


def authority(value: Any, where: str) -> None:
    actor(value, where)
    if value.get("objectType") == "Group" and len(value.get("member") or ()) != 2:
        raise Invalid(
            where, _("an authority Group must have exactly two members (an OAuth consumer and user).")
        )


# --- verb and object --------------------------------------------------------------------------


def verb(value: Any, where: str) -> None:
    _obj(value, where, VERB_KEYS)
    if "id" not in value:
        raise Invalid(where, _("needs an “id”."))
    if not _is_iri(value["id"]):
        raise _not_iri(f"{where}.id")
    if "display" in value:
        _language_map_at(value["display"], where, "display")


def _components(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise Invalid(where, _("must be a list of interaction components."))
    seen: set[str] = set()
    for n, component in enumerate(value):
        here = f"{where}[{n}]"
        _obj(component, here, COMPONENT_KEYS)
        if "id" not in component:
            raise Invalid(here, _("needs an “id”."))
        ident = _string(component["id"], f"{here}.id")
        if not ident or ident in seen:
            raise Invalid(f"{here}.id", _("must be a non-empty id used once in its list."))
        seen.add(ident)
        if "description" in component:
            language_map(component["description"], f"{here}.description")


def definition(value: Any, where: str) -> None:
    _obj(value, where, DEFINITION_KEYS)
    if "name" in value:
        _language_map_at(value["name"], where, "name")
    if "description" in value:
        _language_map_at(value["description"], where, "description")
    if "type" in value and not _is_iri(value["type"]):
        raise _not_iri(f"{where}.type")
    if "moreInfo" in value and not _is_iri(value["moreInfo"]):
        raise _not_iri(f"{where}.moreInfo")
    if "extensions" in value:
        extensions(value["extensions"], f"{where}.extensions")
    interaction = value.get("interactionType")
    if interaction is None and INTERACTION_KEYS.isdisjoint(value):
        return  # no interaction: the rest does not apply
    if interaction is not None and (not isinstance(interaction, str) or interaction not in INTERACTION_TYPES):
        raise Invalid(
            f"{where}.interactionType",
            _("must be one of: %(types)s.") % {"types": ", ".join(sorted(INTERACTION_TYPES))},
        )
    uses_interaction = not INTERACTION_KEYS.isdisjoint(value)
    if uses_interaction and interaction is None:
        raise Invalid(where, _("needs an “interactionType” when it describes an interaction."))
    if "correctResponsesPattern" in value:
        pattern = value["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            raise Invalid(f"{where}.correctResponsesPattern", _("must be a list of strings."))
    if uses_interaction:
        for key in COMPONENT_LISTS:
            if key in value:
                _components(value[key], f"{where}.{key}")


def activity(value: Any, where: str) -> None:
    _obj(value, where, ACTIVITY_KEYS)
    if value.get("objectType", "Activity") != "Activity":
        raise Invalid(f"{where}.objectType", _("must be “Activity”."))
    if "id" not in value:
        raise Invalid(where, _("an Activity needs an “id”."))
    if not _is_iri(value["id"]):
        raise _not_iri(f"{where}.id")
    if "definition" in value:
        definition(value["definition"], f"{where}.definition")


def statement_ref(value: Any, where: str) -> None:
    _obj(value, where, STATEMENT_REF_KEYS)
    if value.get("objectType") != "StatementRef":
        raise Invalid(f"{where}.objectType", _("must be “StatementRef”."))
    if "id" not in value:
        raise Invalid(where, _("a StatementRef needs an “id”."))
    _uuid(value["id"], f"{where}.id")


def statement_object(value: Any, where: str, v2: bool, *, inside: bool = False) -> str:
    """Check the object of a statement (or sub-statement); returns its objectType."""
    if not isinstance(value, dict):
        raise Invalid(where, _("must be a JSON object."))
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        activity(value, where)
    elif kind == "Agent":
        agent(value, where)
    elif kind == "Group":
        group(value, where)
    elif kind == "StatementRef":
        statement_ref(value, where)
    elif kind == "SubStatement":
        if inside:
            raise Invalid(f"{where}.objectType", _("a SubStatement cannot contain another SubStatement."))
        _statement_body(value, where, v2, SUBSTATEMENT_KEYS)
    else:
        raise Invalid(
            f"{where}.objectType", _("must be Activity, Agent, Group, StatementRef or SubStatement.")
        )
    return str(kind)


# --- result, context, attachments --------------------------------------------------------------


def score(value: Any, where: str) -> None:
    _obj(value, where, SCORE_KEYS)
    numbers: dict[str, float] = {}
    for key, number in value.items():
        if type(number) not in _NUMBERS:
            raise Invalid(f"{where}.{key}", _("must be a number (not a string)."))
        numbers[key] = float(number)
    if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
        raise Invalid(f"{where}.scaled", _("must be between -1 and 1."))
    low, high = numbers.get("min"), numbers.get("max")
    if low is not None and high is not None and not low < high:
        raise Invalid(where, _("“min” must be less than “max”."))
    raw = numbers.get("raw")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        raise Invalid(f"{where}.raw", _("must be between “min” and “max”."))


def result(value: Any, where: str) -> None:
    _obj(value, where, RESULT_KEYS)
    if "score" in value:
        score(value["score"], f"{where}.score")
    if "success" in value and not isinstance(value["success"], bool):
        _boolean(value["success"], f"{where}.success")
    if "completion" in value and not isinstance(value["completion"], bool):
        _boolean(value["completion"], f"{where}.completion")
    if "response" in value and not isinstance(value["response"], str):
        raise _not_string(f"{where}.response")
    if "duration" in value and not formats.is_duration(value["duration"]):
        raise Invalid(f"{where}.duration", _("must be an ISO 8601 duration such as “PT1H30M”."))
    if "extensions" in value:
        extensions(value["extensions"], f"{where}.extensions")


def _context_activities(value: Any, where: str) -> None:
    _obj(value, where, CONTEXT_ACTIVITY_KEYS)
    for key, item in value.items():
        if isinstance(item, list):
            for n, one in enumerate(item):
                activity(one, f"{where}.{key}[{n}]")
        else:
            activity(item, f"{where}.{key}")


def _relevant_types(value: Any, where: str) -> None:
    if not isinstance(value, list) or not value:
        raise Invalid(where, _("must be a non-empty list of IRIs."))
    for n, item in enumerate(value):
        _iri(item, f"{where}[{n}]")


def _context_agents(value: Any, where: str, key: str) -> None:
    member, kind, keys = ("agent", "contextAgent", CONTEXT_AGENT_KEYS)
    if key == "contextGroups":
        member, kind, keys = ("group", "contextGroup", CONTEXT_GROUP_KEYS)
    if not isinstance(value, list):
        raise Invalid(where, _("must be a list."))
    for n, item in enumerate(value):
        here = f"{where}[{n}]"
        _obj(item, here, keys)
        if item.get("objectType") != kind:
            raise Invalid(f"{here}.objectType", _("must be “%(kind)s”.") % {"kind": kind})
        if member not in item:
            raise Invalid(here, _("needs “%(member)s”.") % {"member": member})
        if member == "agent":
            agent(item["agent"], f"{here}.agent")
        else:
            group(item["group"], f"{here}.group")
        if "relevantTypes" in item:
            _relevant_types(item["relevantTypes"], f"{here}.relevantTypes")


def context(value: Any, where: str, v2: bool, object_type: str) -> None:
    _obj(value, where, CONTEXT_KEYS_2 if v2 else CONTEXT_KEYS_1)
    if "registration" in value and not formats.is_uuid(value["registration"]):
        _uuid(value["registration"], f"{where}.registration")
    if "instructor" in value:
        actor(value["instructor"], f"{where}.instructor")
    if "team" in value:
        group(value["team"], f"{where}.team")
    if "contextActivities" in value:
        _context_activities(value["contextActivities"], f"{where}.contextActivities")
    for key in ("revision", "platform"):
        if key in value:
            if not isinstance(value[key], str):
                raise _not_string(f"{where}.{key}")
            if object_type != "Activity":
                raise Invalid(f"{where}.{key}", _("is only allowed when the object is an Activity."))
    if "language" in value and not _is_language_tag(value["language"]):
        raise Invalid(f"{where}.language", _("must be an RFC 5646 language tag."))
    if "statement" in value:
        statement_ref(value["statement"], f"{where}.statement")
    if "extensions" in value:
        extensions(value["extensions"], f"{where}.extensions")
    for key in ("contextAgents", "contextGroups"):
        if key in value:
            _context_agents(value[key], f"{where}.{key}", key)


def attachments(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise Invalid(where, _("must be a list of Attachments."))
    for n, item in enumerate(value):
        here = f"{where}[{n}]"
        _obj(item, here, ATTACHMENT_KEYS)
        for key in ATTACHMENT_REQUIRED:
            if key not in item:
                raise Invalid(here, _("needs “%(key)s”.") % {"key": key})
        _iri(item["usageType"], f"{here}.usageType")
        language_map(item["display"], f"{here}.display")
        if "description" in item:
            language_map(item["description"], f"{here}.description")
        if not formats.is_media_type(item["contentType"]):
            raise Invalid(f"{here}.contentType", _("must be an Internet media type."))
        length = item["length"]
        if not isinstance(length, int) or isinstance(length, bool) or length < 0:
            raise Invalid(f"{here}.length", _("must be a whole number of octets."))
        if not formats.is_sha2_hex(item["sha2"]):
            raise Invalid(f"{here}.sha2", _("must be a hex SHA-2 hash."))
        if "fileUrl" in item:
            _iri(item["fileUrl"], f"{here}.fileUrl")


# --- statements --------------------------------------------------------------------------------


def _statement_body(value: dict[str, Any], where: str, v2: bool, keys: frozenset[str]) -> None:
    _obj(value, where, keys)
    prefix = f"{where}." if where else ""
    for required in ("actor", "verb", "object"):
        if required not in value:
            raise Invalid(where, _("needs “%(key)s”.") % {"key": required})
    actor(value["actor"], f"{prefix}actor")
    verb(value["verb"], f"{prefix}verb")
    object_type = statement_object(value["object"], f"{prefix}object", v2, inside=bool(where))
    if value["verb"]["id"] == VOIDED:
        if object_type != "StatementRef":
            raise Invalid(f"{prefix}object", _("a voiding statement's object must be a StatementRef."))
    if "result" in value:
        result(value["result"], f"{prefix}result")
    if "context" in value:
        context(value["context"], f"{prefix}context", v2, object_type)
    if "timestamp" in value:
        timestamp(value["timestamp"], f"{prefix}timestamp", v2)
    if "attachments" in value:
        attachments(value["attachments"], f"{prefix}attachments")


def statement(value: Any, v2: bool) -> None:
    """Check one statement as received; raises Invalid. ``v2`` for an xAPI 2.0 request."""
    if not isinstance(value, dict):
        raise Invalid("", _("A statement must be a JSON object."))
    _statement_body(value, "", v2, STATEMENT_KEYS)
    if "id" in value:
        _uuid(value["id"], "id")
    if "stored" in value:
        timestamp(value["stored"], "stored", v2)
    if "authority" in value:
        authority(value["authority"], "authority")
    if "version" in value:
        statement_version(value["version"], v2)


def statement_version(value: Any, v2: bool) -> None:
    allowed = ("1.0", "2.0") if v2 else ("1.0",)
    if not isinstance(value, str) or not _is_version_of(value, allowed):
        raise Invalid(
            "version",
            _("must be %(versions)s.") % {"versions": " or ".join(f"“{v}” / “{v}.x”" for v in allowed)},
        )


def _is_version_of(value: str, majors: tuple[str, ...]) -> bool:
    for major in majors:
        if value == major:
            return True
        head, dot, patch = value.rpartition(".")
        if head == major and dot and patch.isdigit() and patch.isascii():
            return True
    return False
