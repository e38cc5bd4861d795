"""Unsigned Open Badges 3.0 documents: ``OpenBadgeCredential``, issuer ``Profile``, ``Achievement``.

https://www.imsglobal.org/spec/ob/v3p0/

The builders take typed, frozen inputs and return plain JSON-ready dicts shaped the way the
official OB 3.0 JSON Schema wants them: ``type`` arrays, Image objects rather than bare URLs,
arrays where the schema has arrays, and no ``None``, empty strings or empty arrays (an optional
value that is absent is omitted). Only terms defined by the VC 2.0 and OB 3.0.3 contexts are used.

Korean and English: a badge with text in both languages gets one credential per language. The
platform calls ``build_credential`` once per language, each time with an ``AchievementInfo`` in
that language, ``in_language`` set (``"ko"`` or ``"en"``) and ``related`` holding one ``Related``
that points to the other language's Achievement id (with its ``in_language``). Both calls pass the
same ``Recipient`` (same salt, so the identity hash is equal) and the same ``credential_status``
entry, so revoking the award revokes every language at once.

Signing is not done here: pass the result to ``laurel.vc.data_integrity.sign``.
"""

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from laurel.vc.identity import identity_object

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_CONTEXT = [VC2_CONTEXT, OB3_CONTEXT]
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]

# AchievementType (OB 3.0 §B.3, an extensible enumeration).
ACHIEVEMENT_TYPES = frozenset(
    {
        "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree",
        "Award", "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification",
        "CommunityService", "Competency", "Course", "CoCurricular", "Degree", "Diploma",
        "DoctoralDegree", "Fieldwork", "GeneralEducationDevelopment", "JourneymanCertificate",
        "LearningProgram", "License", "Membership", "ProfessionalDoctorate",
        "QualityAssuranceCredential", "MasterCertificate", "MasterDegree", "MicroCredential",
        "ResearchDoctorate", "SecondarySchoolDiploma",
    }
)  # fmt: skip
# AlignmentTargetType (extensible).
ALIGNMENT_TARGET_TYPES = frozenset(
    {"ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric", "CFRubricCriterion",
     "CFRubricCriterionLevel", "CTDL"}
)  # fmt: skip
# ResultType (extensible).
RESULT_TYPES = frozenset(
    {"GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel", "PredictedScore", "RawScore",
     "Result", "RubricCriterion", "RubricCriterionLevel", "RubricScore", "ScaledScore", "Status"}
)  # fmt: skip
# ResultStatusType (closed: no ext: values).
RESULT_STATUSES = frozenset(
    {"Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew"}
)

# An extension term: "ext:" then letters, digits, '.', '-' or '_' (the schema's intent).
_EXT_TERM = re.compile(r"ext:[A-Za-z0-9._-]+")
_EXT_BODY = re.compile(r"[A-Za-z0-9._-]+")
# BCP 47 as the OB 3.0 LanguageCode pattern narrows it: "ko", "en-US", "zh-Hant-TW".
_LANGUAGE = re.compile(r"[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?")
# An absolute URI (RFC 3986 scheme); relative ids would fail JSON-LD safe mode.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]+")


class CredentialBuildError(ValueError):
    """The inputs cannot make a valid Open Badges 3.0 document; the message names the field."""


@dataclass(frozen=True)
class ImageRef:
    """An OB 3.0 ``Image``: a URL or a data: URI, with an optional caption."""

    id: str
    caption: str | None = None


@dataclass(frozen=True)
class IssuerProfile:
    """The issuer (or an Achievement's creator) as an OB 3.0 ``Profile``."""

    id: str
    name: str
    url: str | None = None
    email: str | None = None
    description: str | None = None
    image: ImageRef | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Criteria:
    """How the achievement is earned: a page (``id``), a Markdown ``narrative``, or both."""

    id: str | None = None
    narrative: str | None = None


@dataclass(frozen=True)
class Alignment:
    """A node in an educational or skills framework the achievement aligns to."""

    target_name: str
    target_url: str
    target_description: str | None = None
    target_framework: str | None = None
    target_code: str | None = None
    # An AlignmentTargetType, or any other term (it gets the "ext:" prefix).
    target_type: str | None = None


@dataclass(frozen=True)
class Skill:
    """A skill the achievement certifies; see ``AchievementInfo.skills`` for how it is written."""

    name: str
    url: str | None = None
    framework: str | None = None
    code: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Related:
    """Another Achievement that is the same one in another language or version."""

    id: str
    in_language: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class ResultDescription:
    """A result the achievement may report (a grade, a score, a status)."""

    id: str
    name: str
    # A ResultType, or any other term (it gets the "ext:" prefix).
    result_type: str
    allowed_values: tuple[str, ...] = ()
    required_value: str | None = None
    value_min: str | None = None
    value_max: str | None = None
    alignments: tuple[Alignment, ...] = ()


@dataclass(frozen=True)
class AchievementInfo:
    """The Achievement (badge class) in one language.

    ``skills`` are written the way OB 3.0 carries skills, which has no property of its own for
    them: a skill with a ``url`` becomes an ``Alignment`` (``targetType`` ``ceasn:Competency``)
    because an alignment links to the framework node that defines it, which verifiers and
    wallets can follow; a skill without a url cannot be an alignment (``targetUrl`` is
    required), so its name becomes a ``tag``.
    """

    id: str
    name: str
    description: str
    criteria: Criteria
    # An AchievementType, or any other term (it gets the "ext:" prefix).
    achievement_type: str | None = None
    image: ImageRef | None = None
    alignments: tuple[Alignment, ...] = ()
    tags: tuple[str, ...] = ()
    skills: tuple[Skill, ...] = ()
    creator: IssuerProfile | None = None
    in_language: str | None = None
    related: tuple[Related, ...] = ()
    result_descriptions: tuple[ResultDescription, ...] = ()
    version: str | None = None
    human_code: str | None = None
    field_of_study: str | None = None
    credits_available: float | None = None


@dataclass(frozen=True)
class Recipient:
    """The learner: a DID when they have one and/or a salted hash of their canonical email.

    ``email`` must already be canonical (as the account stores it) and is hashed as given; the
    ``salt`` is required with it and must be stored with the award, so every language's
    credential and any later re-issue carry the same hash. ``name``, when given, is added as a
    plain (unhashed) ``IdentityObject`` of ``identityType`` ``name``, which shows it publicly.
    """

    did: str | None = None
    email: str | None = None
    salt: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Evidence of the learner's work: a URL (``id``) and/or a description of it."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    narrative: str | None = None
    genre: str | None = None
    audience: str | None = None


@dataclass(frozen=True)
class Result:
    """A result the learner achieved, pointing at a ``ResultDescription`` of the achievement."""

    result_description: str | None = None
    value: str | None = None
    status: str | None = None
    achieved_level: str | None = None
    alignments: tuple[Alignment, ...] = ()


def build_credential(
    *,
    credential_id: str,
    issuer: IssuerProfile,
    achievement: AchievementInfo,
    recipient: Recipient,
    name: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
    awarded_date: datetime | None = None,
    description: str | None = None,
    image: ImageRef | None = None,
    evidence: Sequence[Evidence] = (),
    results: Sequence[Result] = (),
    activity_start_date: datetime | None = None,
    activity_end_date: datetime | None = None,
    credential_status: Mapping[str, Any] | None = None,
    parts: "SharedParts | None" = None,
) -> dict[str, Any]:
    """An unsigned ``OpenBadgeCredential`` (see the module docstring for one per language).

    ``credential_status`` is a ``BitstringStatusListEntry`` from
    ``laurel.vc.status_list.status_list_entry``. Datetimes must be timezone-aware; they are
    written in UTC to the second (``2024-03-01T09:00:00Z``). Raises ``CredentialBuildError``.
    ``parts`` builds the issuer and achievement once for a run of credentials that share them.
    """
    if valid_until is not None and _moment(valid_until, "validUntil") <= _moment(valid_from, "validFrom"):
        raise CredentialBuildError("validUntil must be later than validFrom")
    credential: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": _uri(credential_id, "id"),
        "type": list(CREDENTIAL_TYPE),
        "issuer": SharedParts.build(parts, issuer, lambda: _profile(issuer, "issuer")),
        "validFrom": _datetime(valid_from, "validFrom"),
        "name": _text(name, "name"),
        "credentialSubject": _subject(
            recipient,
            achievement,
            SharedParts.build(parts, achievement, lambda: _achievement(achievement)),
            results,
            activity_start_date,
            activity_end_date,
        ),
    }
    _put(credential, "validUntil", valid_until and _datetime(valid_until, "validUntil"))
    _put(credential, "awardedDate", awarded_date and _datetime(awarded_date, "awardedDate"))
    _put(credential, "description", _optional_text(description, "description"))
    _put(credential, "image", image and _image(image, "image"))
    _put(credential, "evidence", [_evidence(item, f"evidence[{i}]") for i, item in enumerate(evidence)])
    _put(credential, "credentialStatus", credential_status and _status(credential_status))
    return credential


class SharedParts:
    """The issuer and achievement JSON of a run of credentials that share them, built once.

    Every credential built with the same ``SharedParts`` holds the very same dict objects for
    those parts, which lets signing recognize them (``laurel.vc.compiled.SharedWalks``). Treat
    such credentials as read-only; signing returns copies.
    """

    def __init__(self) -> None:
        # id() of the IssuerProfile/AchievementInfo -> (that object, its JSON); the object is
        # kept so its id cannot be reused by another one while the memo lives.
        self._built: dict[int, tuple[object, dict[str, Any]]] = {}

    @staticmethod
    def build(
        parts: "SharedParts | None", source: object, make: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        if parts is None:
            return make()
        found = parts._built.get(id(source))
        if found is not None and found[0] is source:
            return found[1]
        value = make()
        parts._built[id(source)] = (source, value)
        return value


def build_profile(issuer: IssuerProfile) -> dict[str, Any]:
    """The public issuer ``Profile`` document Laurel serves at the issuer's id URL."""
    return {"@context": list(CREDENTIAL_CONTEXT), **_profile(issuer, "$")}


def build_achievement_document(achievement: AchievementInfo) -> dict[str, Any]:
    """A standalone ``Achievement`` document, served at the achievement's id (one per language)."""
    return {"@context": list(CREDENTIAL_CONTEXT), **_achievement(achievement)}


def _subject(
    recipient: Recipient,
    achievement: AchievementInfo,
    achievement_json: dict[str, Any],
    results: Sequence[Result],
    started: datetime | None,
    ended: datetime | None,
) -> dict[str, Any]:
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    _put(subject, "id", recipient.did and _uri(recipient.did, "credentialSubject.id"))
    _put(subject, "identifier", _identifiers(recipient))
    # OB 3.0: "Either id or at least one identifier MUST be supplied."
    if "id" not in subject and "identifier" not in subject:
        raise CredentialBuildError("recipient needs a did or an email")
    subject["achievement"] = achievement_json
    known = {description.id for description in achievement.result_descriptions}
    _put(subject, "result", [_result(item, known, f"result[{i}]") for i, item in enumerate(results)])
    _put(subject, "activityStartDate", started and _datetime(started, "activityStartDate"))
    _put(subject, "activityEndDate", ended and _datetime(ended, "activityEndDate"))
    return subject


def _identifiers(recipient: Recipient) -> list[dict[str, Any]]:
    identifiers = []
    if recipient.email:
        if not recipient.salt:
            raise CredentialBuildError("recipient.salt is required with recipient.email")
        identifiers.append(identity_object(recipient.email, recipient.salt))
    if recipient.name:
        plain_name = _text(recipient.name, "recipient.name")
        identifiers.append(identity_object(plain_name, hashed=False, identity_type="name"))
    return identifiers


def _achievement(info: AchievementInfo) -> dict[str, Any]:
    where = "achievement"
    achievement: dict[str, Any] = {
        "id": _uri(info.id, f"{where}.id"),
        "type": ["Achievement"],
        "name": _text(info.name, f"{where}.name"),
        "description": _text(info.description, f"{where}.description"),
        "criteria": _criteria(info.criteria, f"{where}.criteria"),
    }
    _put(achievement, "achievementType", _achievement_type(info.achievement_type))
    _put(achievement, "image", info.image and _image(info.image, f"{where}.image"))
    skill_alignments = [_skill_alignment(skill) for skill in info.skills if skill.url]
    alignments = [*info.alignments, *skill_alignments]
    _put(
        achievement, "alignment", [_alignment(a, f"{where}.alignment[{i}]") for i, a in enumerate(alignments)]
    )
    skill_tags = [skill.name for skill in info.skills if not skill.url]
    _put(achievement, "tag", _tags([*info.tags, *skill_tags]))
    _put(achievement, "creator", info.creator and _profile(info.creator, f"{where}.creator"))
    _put(achievement, "inLanguage", info.in_language and _language(info.in_language, f"{where}.inLanguage"))
    _put(achievement, "related", [_related(r, f"{where}.related[{i}]") for i, r in enumerate(info.related)])
    _put(achievement, "resultDescription", _result_descriptions(info.result_descriptions))
    _put(achievement, "version", _optional_text(info.version, f"{where}.version"))
    _put(achievement, "humanCode", _optional_text(info.human_code, f"{where}.humanCode"))
    _put(achievement, "fieldOfStudy", _optional_text(info.field_of_study, f"{where}.fieldOfStudy"))
    _put(achievement, "creditsAvailable", _credits(info.credits_available))
    return achievement


def _profile(profile: IssuerProfile, where: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": _uri(profile.id, f"{where}.id"),
        "type": ["Profile"],
        "name": _text(profile.name, f"{where}.name"),
    }
    _put(document, "url", profile.url and _uri(profile.url, f"{where}.url"))
    _put(document, "email", _optional_text(profile.email, f"{where}.email"))
    _put(document, "phone", _optional_text(profile.phone, f"{where}.phone"))
    _put(document, "description", _optional_text(profile.description, f"{where}.description"))
    _put(document, "image", profile.image and _image(profile.image, f"{where}.image"))
    return document


def _criteria(criteria: Criteria, where: str) -> dict[str, Any]:
    document: dict[str, Any] = {}
    _put(document, "id", criteria.id and _uri(criteria.id, f"{where}.id"))
    _put(document, "narrative", _optional_text(criteria.narrative, f"{where}.narrative"))
    # OB 3.0 Criteria: at least one of id and narrative.
    if not document:
        raise CredentialBuildError(f"{where} needs an id or a narrative")
    return document


def _image(image: ImageRef, where: str) -> dict[str, Any]:
    document: dict[str, Any] = {"id": _uri(image.id, f"{where}.id"), "type": "Image"}
    _put(document, "caption", _optional_text(image.caption, f"{where}.caption"))
    return document


def _alignment(alignment: Alignment, where: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "type": ["Alignment"],
        "targetName": _text(alignment.target_name, f"{where}.targetName"),
        "targetUrl": _uri(alignment.target_url, f"{where}.targetUrl"),
    }
    _put(
        document,
        "targetDescription",
        _optional_text(alignment.target_description, f"{where}.targetDescription"),
    )
    _put(document, "targetFramework", _optional_text(alignment.target_framework, f"{where}.targetFramework"))
    _put(document, "targetCode", _optional_text(alignment.target_code, f"{where}.targetCode"))
    target_type = alignment.target_type
    _put(
        document,
        "targetType",
        target_type and _term(target_type, ALIGNMENT_TARGET_TYPES, f"{where}.targetType"),
    )
    return document


def _skill_alignment(skill: Skill) -> Alignment:
    return Alignment(
        target_name=skill.name,
        target_url=skill.url or "",
        target_description=skill.description,
        target_framework=skill.framework,
        target_code=skill.code,
        target_type="ceasn:Competency",
    )


def _tags(tags: Sequence[str]) -> list[str]:
    # Blank tags carry nothing and duplicates add nothing; order is kept for display.
    cleaned = (_optional_text(tag, "achievement.tag") for tag in tags)
    return list(dict.fromkeys(tag for tag in cleaned if tag))


def _related(related: Related, where: str) -> dict[str, Any]:
    document: dict[str, Any] = {"id": _uri(related.id, f"{where}.id"), "type": ["Related"]}
    _put(
        document, "inLanguage", related.in_language and _language(related.in_language, f"{where}.inLanguage")
    )
    _put(document, "version", _optional_text(related.version, f"{where}.version"))
    return document


def _result_descriptions(descriptions: Sequence[ResultDescription]) -> list[dict[str, Any]]:
    documents = []
    for i, item in enumerate(descriptions):
        where = f"achievement.resultDescription[{i}]"
        document: dict[str, Any] = {
            "id": _uri(item.id, f"{where}.id"),
            "type": ["ResultDescription"],
            "name": _text(item.name, f"{where}.name"),
            "resultType": _term(item.result_type, RESULT_TYPES, f"{where}.resultType"),
        }
        allowed = [_text(value, f"{where}.allowedValue") for value in item.allowed_values]
        _put(document, "allowedValue", allowed)
        _put(document, "requiredValue", _optional_text(item.required_value, f"{where}.requiredValue"))
        _put(document, "valueMin", _optional_text(item.value_min, f"{where}.valueMin"))
        _put(document, "valueMax", _optional_text(item.value_max, f"{where}.valueMax"))
        aligned = [_alignment(a, f"{where}.alignment[{j}]") for j, a in enumerate(item.alignments)]
        _put(document, "alignment", aligned)
        documents.append(document)
    return documents


def _result(result: Result, known: set[str], where: str) -> dict[str, Any]:
    document: dict[str, Any] = {"type": ["Result"]}
    if result.result_description is not None:
        if result.result_description not in known:
            raise CredentialBuildError(
                f"{where}.resultDescription names no ResultDescription of the achievement"
            )
        document["resultDescription"] = result.result_description
    _put(document, "value", _optional_text(result.value, f"{where}.value"))
    if result.status is not None:
        if result.status not in RESULT_STATUSES:
            raise CredentialBuildError(f"{where}.status must be one of {sorted(RESULT_STATUSES)}")
        document["status"] = result.status
    _put(
        document,
        "achievedLevel",
        result.achieved_level and _uri(result.achieved_level, f"{where}.achievedLevel"),
    )
    _put(
        document,
        "alignment",
        [_alignment(a, f"{where}.alignment[{j}]") for j, a in enumerate(result.alignments)],
    )
    return document


def _evidence(evidence: Evidence, where: str) -> dict[str, Any]:
    document: dict[str, Any] = {"type": ["Evidence"]}
    _put(document, "id", evidence.id and _uri(evidence.id, f"{where}.id"))
    for key in ("name", "description", "narrative", "genre", "audience"):
        _put(document, key, _optional_text(getattr(evidence, key), f"{where}.{key}"))
    if len(document) == 1:
        raise CredentialBuildError(f"{where} is empty: give it an id, a name or a narrative")
    return document


def _status(entry: Mapping[str, Any]) -> dict[str, Any]:
    for key in ("id", "type"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise CredentialBuildError(f"credentialStatus.{key} must be a non-empty string")
    return dict(entry)


def _achievement_type(value: str | None) -> str | None:
    return value and _term(value, ACHIEVEMENT_TYPES, "achievement.achievementType")


def _term(value: str, vocabulary: frozenset[str], where: str) -> str:
    """A term of an extensible OB enumeration; anything else is written as an ``ext:`` term."""
    if value in vocabulary:
        return value
    term = value if value.startswith("ext:") else f"ext:{value}"
    if not _EXT_TERM.fullmatch(term) or not _EXT_BODY.fullmatch(term[4:]):
        raise CredentialBuildError(
            f"{where} {value!r} is not a known term and cannot be an ext: term "
            "(letters, digits, '.', '-' and '_' only)"
        )
    return term


def _credits(value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value or value < 0:
        raise CredentialBuildError("achievement.creditsAvailable must be a non-negative number")
    return value


def _language(value: str, where: str) -> str:
    if not _LANGUAGE.fullmatch(value):
        raise CredentialBuildError(f"{where} {value!r} is not a language code such as 'ko' or 'en-US'")
    return value


def _uri(value: str, where: str) -> str:
    if not isinstance(value, str) or not _URI.fullmatch(value):
        raise CredentialBuildError(f"{where} must be an absolute URI, not {value!r}")
    return value


def _text(value: str, where: str) -> str:
    text = _optional_text(value, where)
    if not text:
        raise CredentialBuildError(f"{where} must not be empty")
    return text


def _optional_text(value: str | None, where: str) -> str | None:
    """Text in NFC (so decomposed Hangul from some keyboards matches), or None when blank."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise CredentialBuildError(f"{where} must be text, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CredentialBuildError(f"{where} is not valid Unicode text (a lone surrogate)") from exc
    text = unicodedata.normalize("NFC", value)
    return text if text.strip() else None


def _moment(moment: datetime, where: str) -> datetime:
    if not isinstance(moment, datetime):
        raise CredentialBuildError(f"{where} must be a datetime")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CredentialBuildError(f"{where} must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0)


def _datetime(moment: datetime, where: str) -> str:
    """XSD dateTime in UTC with a ``Z``, to the second."""
    return _moment(moment, where).isoformat().replace("+00:00", "Z")


def _put(document: dict[str, Any], key: str, value: Any) -> None:
    # The schema wants absent rather than null, "" or []: only real values are written.
    if value is None or value == "" or value == [] or value == {}:
        return
    document[key] = value
