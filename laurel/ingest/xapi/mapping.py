"""Which statements become facts, and which facts.

The verbs are those of the ADL vocabulary and the profiles Moodle (logstore_xapi), Open edX
(event-routing-backends), cmi5 and Caliper-to-xAPI senders use. A statement whose verb means
nothing for badges (viewed, launched, registered …), whose actor is a Group, or whose object is
not an Activity is stored and can be read back, but makes no fact.

Verb → fact:
- attended → attendance (present)
- completed, satisfied, mastered → completion (completed, or incomplete when result.completion
  is false); on an assessment with a score → quiz; on an assessment without one → submission
- submitted / submit → submission (submitted)
- passed / failed → quiz on an assessment or question, otherwise grade (passed / failed)
- scored, evaluated → grade (passed / failed when result.success says so)
- answered, and attempted with a score → quiz
- earned → badge when the object is a badge, otherwise mission (completed)
- an object whose type names a mission, with completed → mission (completed)
"""

import functools
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from laurel.ingest.facts import FactInput, Identity, normalize
from laurel.ingest.models import Fact, SourceIdentity
from laurel.ingest.xapi import formats

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS: dict[str, str] = {
    ADL + "attended": "attended",
    "http://activitystrea.ms/schema/1.0/attend": "attended",
    ADL + "completed": "completed",
    "http://activitystrea.ms/schema/1.0/complete": "completed",
    "https://w3id.org/xapi/adl/verbs/satisfied": "completed",
    ADL + "mastered": "completed",
    ADL + "passed": "passed",
    ADL + "failed": "failed",
    ADL + "scored": "scored",
    "https://w3id.org/xapi/acrossx/verbs/evaluated": "scored",
    ADL + "answered": "answered",
    ADL + "attempted": "attempted",
    "http://activitystrea.ms/schema/1.0/submit": "submitted",
    ADL + "submitted": "submitted",
    "https://w3id.org/xapi/dod-isd/verbs/submitted": "submitted",
    "http://id.tincanapi.com/verb/earned": "earned",
}
# Activity types (by their last word) that are assessed: quizzes, tests, questions, problems.
_ASSESSED = ("assessment", "cmi.interaction", "interaction", "question", "quiz", "test", "problem", "exam")
_COURSE_TYPES = frozenset(
    {
        "http://adlnet.gov/expapi/activities/course",
        "http://id.tincanapi.com/activitytype/lms/course",
        "https://w3id.org/xapi/cmi5/activitytype/course",
        "https://w3id.org/xapi/acrossx/activities/course",
    }
)


def _type_of(item: dict[str, Any]) -> str:
    definition = item.get("definition") or {}
    return str(definition.get("type", ""))


# Activity types repeat in every batch; what each one says is worked out once.
@functools.lru_cache(maxsize=1024)
def _assessed_type(activity_type: str) -> bool:
    word = activity_type.rstrip("/").rsplit("/", 1)[-1].lower()
    return any(word == kind or word.endswith(kind) for kind in _ASSESSED)


@functools.lru_cache(maxsize=1024)
def _course_type(activity_type: str) -> bool:
    return activity_type in _COURSE_TYPES or activity_type.endswith("/course")


def _is_assessed(item: dict[str, Any]) -> bool:
    return _assessed_type(_type_of(item)) or "interactionType" in (item.get("definition") or {})


def _name(item: dict[str, Any]) -> str:
    names = (item.get("definition") or {}).get("name") or {}
    for tag in ("ko", "ko-KR", "en", "en-US"):
        if tag in names:
            return str(names[tag])
    return str(next(iter(names.values()), ""))


def course_of(statement: dict[str, Any]) -> str:
    """The course a statement belongs to: the object when it is a course, else a course-typed
    parent or grouping activity, else the first parent."""
    activities = (statement.get("context") or {}).get("contextActivities") or {}
    candidates = [statement["object"], *activities.get("parent", []), *activities.get("grouping", [])]
    for item in candidates:
        if _course_type(_type_of(item)):
            return str(item["id"])
    if activities.get("parent"):
        return str(activities["parent"][0]["id"])
    return ""


def identity_of(actor: dict[str, Any]) -> Identity | None:
    """The learner an Agent names; None for Groups."""
    if actor.get("objectType") == "Group":
        return None
    name = str(actor.get("name", ""))
    if "mbox" in actor:
        return Identity(SourceIdentity.Kind.EMAIL, actor["mbox"], name)
    if "mbox_sha1sum" in actor:
        return Identity(SourceIdentity.Kind.MBOX_SHA1, actor["mbox_sha1sum"], name)
    if "account" in actor:
        account = actor["account"]
        return Identity(SourceIdentity.Kind.ACCOUNT, f"{account['homePage']}|{account['name']}", name)
    return Identity(SourceIdentity.Kind.OPENID, actor["openid"], name)


def _score(result: dict[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    """(value, max): the raw score out of max when both are known, else the scaled score out of 1."""
    score = result.get("score") or {}
    if "raw" in score:
        maximum = score.get("max")
        return _decimal(score["raw"]), None if maximum is None else _decimal(maximum)
    if "scaled" in score:
        return _decimal(score["scaled"]), Decimal(1)
    return None, None


def _decimal(number: float | int) -> Decimal:
    # repr keeps what the sender wrote for floats (0.1, not 0.1000000000000000055…).
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)


def _outcome(meaning: str, result: dict[str, Any]) -> str:
    if meaning in ("passed", "failed"):
        return meaning
    if "success" in result:
        return "passed" if result["success"] else "failed"
    return ""


def _kind(meaning: str, target: dict[str, Any], result: dict[str, Any]) -> tuple[str, str] | None:
    """(fact type, status) for a verb's meaning on this object, or None for no fact."""
    assessed, scored = _is_assessed(target), "score" in result
    object_type = _type_of(target).lower()
    if meaning == "earned":
        return (Fact.Type.BADGE, "") if object_type.endswith("badge") else (Fact.Type.MISSION, "completed")
    if meaning == "completed" and object_type.endswith("mission"):
        return Fact.Type.MISSION, "completed"
    if meaning == "attended":
        return Fact.Type.ATTENDANCE, "present"
    if meaning == "submitted":
        return Fact.Type.SUBMISSION, "submitted"
    if meaning == "completed":
        if assessed and scored:
            return Fact.Type.QUIZ, _outcome(meaning, result)
        if assessed:
            return Fact.Type.SUBMISSION, "submitted"
        return Fact.Type.COMPLETION, "incomplete" if result.get("completion") is False else "completed"
    if meaning in ("passed", "failed"):
        return (Fact.Type.QUIZ if assessed else Fact.Type.GRADE), meaning
    if meaning == "scored":
        return Fact.Type.GRADE, _outcome(meaning, result)
    if meaning == "answered" or (meaning == "attempted" and scored):
        return Fact.Type.QUIZ, _outcome(meaning, result)
    return None


def fact_for(statement: dict[str, Any], occurred_at: datetime | None = None) -> FactInput | None:
    """The fact a stored statement (normalized, with id and timestamp) makes, or None."""
    meaning = VERBS.get(statement["verb"]["id"])
    target = statement["object"]
    if meaning is None or target.get("objectType", "Activity") != "Activity":
        return None
    who = identity_of(statement["actor"])
    result = statement.get("result") or {}
    kind = _kind(meaning, target, result)
    if who is None or kind is None:
        return None
    value, maximum = _score(result)
    when = occurred_at or formats.parse_timestamp(statement["timestamp"])
    if when is None:
        return None
    return FactInput(
        event_key=statement["id"].lower(),
        type=kind[0],
        actor=who,
        object_id=str(target["id"]),
        occurred_at=when,
        object_name=_name(target),
        course=course_of(statement),
        value=value,
        max_value=maximum,
        status=kind[1],
    )


def fits(fact: FactInput) -> bool:
    """Whether Laurel can keep this fact (a valid statement may name an identity longer than
    Laurel keeps, or a score beyond its range); such statements are kept and make no fact."""
    try:
        normalize(fact)
    except ValidationError:
        return False
    return True
