"""Structural checks of Open Badges 3.0 documents, Laurel's own reading of the official schemas.

The rules follow the OB 3.0 JSON Schemas (``achievementcredential.json``, ``profile.json``,
``endorsementcredential.json``, draft 2019-09) with their formats asserted: which members are
required, their JSON types, where a single value or an array is allowed, the closed and
extensible vocabularies, and which objects refuse unknown members (``Image``,
``IdentityObject``, ``IdentifierEntry``). Tests check every rule against the official schemas.

Each function returns a list of ``"<json path>: <problem>"``; an empty list means valid.
"""

import re
from collections.abc import Mapping
from typing import Any

from laurel.vc.ob3 import ACHIEVEMENT_TYPES, ALIGNMENT_TARGET_TYPES, RESULT_STATUSES, RESULT_TYPES
from laurel.vc.schema_types import (
    Check,
    array,
    boolean,
    const_string,
    date_time,
    extensible,
    full_date,
    lazy,
    number,
    obj,
    one_of,
    pattern,
    string,
    string_or,
    type_array,
)

# IdentifierTypeEnum, shared by IdentityObject.identityType and IdentifierEntry.identifierType.
IDENTIFIER_TYPES = frozenset(
    {
        "name", "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress",
        "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId",
        "sisSourcedId", "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId",
        "ltiUserId", "identifier",
    }
)  # fmt: skip

# The schemas' extension pattern is not anchored, so (as there) it is enough that "ext:" and one
# allowed character appear somewhere in the value.
_EXT = re.compile(r"ext:[A-Za-z0-9|._]")
_LANGUAGE = re.compile(r"\A[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?\Z")
_COMPACT_JWS = re.compile(r"\A[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\Z")
_OB3_CONTEXT = re.compile(r"\Ahttps://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.[0-9]\.[0-9])*\.json\Z")
_VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"

_DEFS: dict[str, Check] = {}


def _ref(name: str) -> Check:
    return lazy(_DEFS, name)


def _context(value: Any, path: str) -> list[str]:
    """``@context``: the VC 2.0 context, then an OB 3.0 context, then any URIs or maps."""
    if not isinstance(value, list):
        return [f"{path}: must be an array of contexts"]
    problems = [] if len(value) >= 2 else [f"{path}: needs the VC 2.0 and the OB 3.0 contexts"]
    if value and value[0] != _VC2_CONTEXT:
        problems.append(f"{path}[0]: must be {_VC2_CONTEXT!r}")
    if len(value) > 1:
        problems += pattern(_OB3_CONTEXT, "an OB 3.0 context URL")(value[1], f"{path}[1]")
    for index, item in enumerate(value[2:], start=2):
        if not isinstance(item, str | dict):
            problems.append(f"{path}[{index}]: must be a URI or a context object")
    return problems


_ADDRESS_TEXT = (
    "addressCountry", "addressCountryCode", "addressRegion", "addressLocality", "streetAddress",
    "postOfficeBoxNumber", "postalCode",
)  # fmt: skip
_PROFILE_TEXT = (
    "name", "url", "phone", "description", "email", "official", "familyName", "givenName",
    "additionalName", "patronymicName", "honorificPrefix", "honorificSuffix", "familyNamePrefix",
)  # fmt: skip
_PROOF_TEXT = (
    "cryptosuite",
    "challenge",
    "domain",
    "nonce",
    "proofPurpose",
    "proofValue",
    "verificationMethod",
)
_STRINGS = dict.fromkeys(("id", "name", "description"), string)
_JWS_LIST = array(pattern(_COMPACT_JWS, "a compact JWS"))
_ID_AND_TYPE = obj({"id": string, "type": string}, ("id", "type"))

_DEFS.update(
    {
        "Image": obj(
            {"id": string, "type": const_string("Image"), "caption": string}, ("id", "type"), closed=True
        ),
        "IdentityObject": obj(
            {
                "type": const_string("IdentityObject"),
                "hashed": boolean,
                "identityHash": string,
                "identityType": extensible(IDENTIFIER_TYPES, _EXT),
                "salt": string,
            },
            ("type", "hashed", "identityHash", "identityType"),
            closed=True,
        ),
        "IdentifierEntry": obj(
            {
                "type": const_string("IdentifierEntry"),
                "identifier": string,
                "identifierType": extensible(IDENTIFIER_TYPES, _EXT),
            },
            ("type", "identifier", "identifierType"),
            closed=True,
        ),
        "Alignment": obj(
            {
                "type": type_array({"Alignment"}),
                **dict.fromkeys(("targetCode", "targetDescription", "targetName", "targetFramework"), string),
                "targetType": extensible(ALIGNMENT_TARGET_TYPES, _EXT),
                "targetUrl": string,
            },
            ("type", "targetName", "targetUrl"),
        ),
        "Criteria": obj({"id": string, "narrative": string}),
        "Related": obj(
            {
                "id": string,
                "type": type_array({"Related"}),
                "inLanguage": pattern(_LANGUAGE, "a language code"),
                "version": string,
            },
            ("id", "type"),
        ),
        "RubricCriterionLevel": obj(
            {
                "id": string,
                "type": type_array({"RubricCriterionLevel"}),
                "alignment": array(_ref("Alignment")),
                **dict.fromkeys(("description", "level", "name", "points"), string),
            },
            ("id", "type", "name"),
        ),
        "ResultDescription": obj(
            {
                "id": string,
                "type": type_array({"ResultDescription"}),
                "alignment": array(_ref("Alignment")),
                "allowedValue": array(string),
                **dict.fromkeys(("name", "requiredLevel", "requiredValue", "valueMax", "valueMin"), string),
                "resultType": extensible(RESULT_TYPES, _EXT),
                "rubricCriterionLevel": array(_ref("RubricCriterionLevel")),
            },
            ("id", "type", "name", "resultType"),
        ),
        "Result": obj(
            {
                "type": type_array({"Result"}),
                "achievedLevel": string,
                "alignment": array(_ref("Alignment")),
                "resultDescription": string,
                # ResultStatusType is a closed vocabulary: no ext: terms.
                "status": one_of(RESULT_STATUSES),
                "value": string,
            },
            ("type",),
        ),
        "Evidence": obj(
            {
                "type": type_array({"Evidence"}),
                **dict.fromkeys(("id", "narrative", "name", "description", "genre", "audience"), string),
            },
            ("type",),
        ),
        "GeoCoordinates": obj(
            {"type": const_string("GeoCoordinates"), "latitude": number, "longitude": number},
            ("type", "latitude", "longitude"),
        ),
        "Address": obj(
            {
                "type": type_array({"Address"}),
                **dict.fromkeys(_ADDRESS_TEXT, string),
                "geo": _ref("GeoCoordinates"),
            },
            ("type",),
        ),
        "Profile": obj(
            {
                "id": string,
                "type": type_array({"Profile"}),
                **dict.fromkeys(_PROFILE_TEXT, string),
                "endorsement": array(_ref("EndorsementCredential")),
                "endorsementJwt": _JWS_LIST,
                "image": _ref("Image"),
                "address": _ref("Address"),
                "otherIdentifier": array(_ref("IdentifierEntry")),
                "parentOrg": _ref("Profile"),
                "dateOfBirth": full_date,
            },
            ("id", "type"),
        ),
        "ProfileRef": string_or(_ref("Profile"), "a Profile object"),
        "Proof": obj(
            {
                "type": string,
                "created": date_time,
                **dict.fromkeys(_PROOF_TEXT, string),
            },
            ("type",),
        ),
        "CredentialSchema": _ID_AND_TYPE,
        "CredentialStatus": _ID_AND_TYPE,
        "RefreshService": _ID_AND_TYPE,
        "TermsOfUse": obj({"id": string, "type": string}, ("type",)),
        "EndorsementSubject": obj(
            {"id": string, "type": type_array({"EndorsementSubject"}), "endorsementComment": string},
            ("id", "type"),
        ),
        "Achievement": obj(
            {
                "id": string,
                "type": type_array({"Achievement"}),
                "alignment": array(_ref("Alignment")),
                "achievementType": extensible(ACHIEVEMENT_TYPES, _EXT),
                "creator": _ref("Profile"),
                "creditsAvailable": number,
                "criteria": _ref("Criteria"),
                "endorsement": array(_ref("EndorsementCredential")),
                "endorsementJwt": _JWS_LIST,
                "image": _ref("Image"),
                "inLanguage": pattern(_LANGUAGE, "a language code"),
                "otherIdentifier": array(_ref("IdentifierEntry")),
                "related": array(_ref("Related")),
                "resultDescription": array(_ref("ResultDescription")),
                "tag": array(string),
                **{
                    key: string
                    for key in (
                        "description",
                        "fieldOfStudy",
                        "humanCode",
                        "name",
                        "specialization",
                        "version",
                    )
                },
            },
            ("id", "type", "criteria", "description", "name"),
        ),
        "AchievementSubject": obj(
            {
                "id": string,
                "type": type_array({"AchievementSubject"}),
                "activityEndDate": date_time,
                "activityStartDate": date_time,
                "creditsEarned": number,
                "achievement": _ref("Achievement"),
                "identifier": array(_ref("IdentityObject")),
                "image": _ref("Image"),
                **dict.fromkeys(("licenseNumber", "narrative", "role", "term"), string),
                "result": array(_ref("Result")),
                "source": _ref("Profile"),
            },
            ("type", "achievement"),
        ),
    }
)

# Members every VC-shaped OB document (achievement and endorsement credentials) shares.
_VC_MEMBERS: dict[str, Check] = {
    "@context": _context,
    **_STRINGS,
    "awardedDate": date_time,
    "issuer": _ref("ProfileRef"),
    "validFrom": date_time,
    "validUntil": date_time,
    "proof": array(_ref("Proof")),
    "credentialSchema": array(_ref("CredentialSchema")),
    "credentialStatus": _ref("CredentialStatus"),
    "refreshService": _ref("RefreshService"),
    "termsOfUse": array(_ref("TermsOfUse")),
}

_DEFS["EndorsementCredential"] = obj(
    {
        **_VC_MEMBERS,
        "type": type_array({"VerifiableCredential"}, {"EndorsementCredential"}),
        "credentialSubject": _ref("EndorsementSubject"),
    },
    ("@context", "type", "id", "name", "credentialSubject", "issuer", "validFrom"),
)
_DEFS["AchievementCredential"] = obj(
    {
        **_VC_MEMBERS,
        "type": type_array({"VerifiableCredential"}, {"AchievementCredential", "OpenBadgeCredential"}),
        "image": _ref("Image"),
        "credentialSubject": _ref("AchievementSubject"),
        "endorsement": array(_ref("EndorsementCredential")),
        "endorsementJwt": _JWS_LIST,
        "evidence": array(_ref("Evidence")),
    },
    ("@context", "id", "type", "credentialSubject", "issuer", "validFrom"),
)


def _run(definition: str, document: Mapping[str, Any] | Any) -> list[str]:
    try:
        return _DEFS[definition](document, "$")
    except RecursionError:
        # Hostile input (a thousand nested parentOrg) must give a reason, never a crash.
        return ["$: nested too deeply to check"]


def check_credential(document: Mapping[str, Any] | Any) -> list[str]:
    """Problems of an ``OpenBadgeCredential`` / ``AchievementCredential`` ([] when valid)."""
    return _run("AchievementCredential", document)


def check_profile(document: Mapping[str, Any] | Any) -> list[str]:
    """Problems of a ``Profile`` document, such as an issuer's public profile ([] when valid)."""
    return _run("Profile", document)


def check_endorsement(document: Mapping[str, Any] | Any) -> list[str]:
    """Problems of an ``EndorsementCredential`` ([] when valid)."""
    return _run("EndorsementCredential", document)


def check_achievement(document: Mapping[str, Any] | Any) -> list[str]:
    """Problems of a standalone ``Achievement`` document, by the schemas' Achievement rules."""
    return _run("Achievement", document)
