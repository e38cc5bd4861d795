"""Laurel's own OB 3.0 structure checks agree with the official 1EdTech JSON Schemas.

Every document of a corpus (valid examples and many single mutations of them) is judged by the
official schema, through the ``jsonschema`` library, and by ``laurel.vc.schema``; the verdicts
must be equal. The official schemas are loaded from the conformance folder, never fetched.
"""

import copy
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft201909Validator

from laurel.vc import ob3
from laurel.vc.schema import check_achievement, check_credential, check_endorsement, check_profile
from tests.vc.official_schemas import official_validator


@pytest.fixture
def official(conformance: Path) -> Draft201909Validator:
    return official_validator(conformance)


# --- the corpus of valid documents -------------------------------------------------------------


def _vector_credential(conformance: Path) -> dict[str, Any]:
    return json.loads((conformance / "ob3-rdfc-vector" / "vector.json").read_text())["unsigned"]


def _built_credential() -> dict[str, Any]:
    description = ob3.ResultDescription(
        id="https://example.org/achievements/1/results/grade",
        name="최종 성적",
        result_type="LetterGrade",
        allowed_values=("A", "B", "C"),
    )
    achievement = ob3.AchievementInfo(
        id="https://example.org/achievements/1/ko",
        name="데이터 분석 기초",
        description="데이터를 읽고 요약합니다.",
        criteria=ob3.Criteria(id="https://example.org/achievements/1/criteria", narrative="과제 3개 제출"),
        achievement_type="Badge",
        image=ob3.ImageRef("https://example.org/achievements/1/image.png", caption="배지"),
        alignments=(
            ob3.Alignment("Statistics", "https://example.org/frameworks/stats", target_type="CFItem"),
        ),
        tags=("데이터",),
        skills=(ob3.Skill("SQL", url="https://example.org/skills/sql"), ob3.Skill("협업")),
        in_language="ko",
        related=(ob3.Related("https://example.org/achievements/1/en", in_language="en"),),
        result_descriptions=(description,),
    )
    return ob3.build_credential(
        credential_id="urn:uuid:2f1c6a0e-7a4b-4b55-9d1e-0c6a0b7b7e11",
        issuer=ob3.IssuerProfile(
            "https://example.org/issuers/hanbit", "한빛 아카데미", url="https://example.org"
        ),
        achievement=achievement,
        recipient=ob3.Recipient(did="did:example:learner", email="a@example.com", salt="Kosher"),
        name="데이터 분석 기초",
        valid_from=datetime(2024, 3, 1, 9, tzinfo=UTC),
        valid_until=datetime(2027, 3, 1, 9, tzinfo=UTC),
        awarded_date=datetime(2024, 3, 1, 9, tzinfo=UTC),
        evidence=(ob3.Evidence(id="https://example.org/evidence/1", name="보고서"),),
        results=(ob3.Result(result_description=description.id, value="A"),),
        credential_status={
            "id": "https://example.org/status/1#42",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "42",
            "statusListCredential": "https://example.org/status/1",
        },
    )


def _profile_example() -> dict[str, Any]:
    """A Profile using the members the OB 3.0 Profile class defines, nested ones included."""
    return {
        "id": "https://example.edu/issuers/565049",
        "type": ["Profile"],
        "name": "Example University",
        "url": "https://example.edu",
        "phone": "+82-2-555-0100",
        "email": "badges@example.edu",
        "image": {"id": "https://example.edu/logo.png", "type": "Image", "caption": "logo"},
        "address": {
            "type": ["Address"],
            "addressCountry": "대한민국",
            "addressCountryCode": "KR",
            "geo": {"type": "GeoCoordinates", "latitude": 37.56, "longitude": 126.97},
        },
        "otherIdentifier": [
            {"type": "IdentifierEntry", "identifier": "12345", "identifierType": "sourcedId"},
            {"type": "IdentifierEntry", "identifier": "KR-1", "identifierType": "ext:NEIS"},
        ],
        "official": "Jane Doe",
        "parentOrg": {"id": "https://example.edu", "type": ["Profile"], "name": "Example Group"},
        "familyName": "Doe",
        "givenName": "Jane",
        "dateOfBirth": "1990-02-28",
        "endorsementJwt": ["eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln"],
    }


def _endorsement_example() -> dict[str, Any]:
    return {
        "@context": [ob3.VC2_CONTEXT, ob3.OB3_CONTEXT],
        "id": "https://example.org/endorsements/1",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Endorsement of the Data Badge",
        "issuer": {"id": "did:example:endorser", "type": ["Profile"], "name": "Endorser"},
        "validFrom": "2024-01-01T00:00:00+09:00",
        "credentialSubject": {
            "id": "https://example.org/achievements/1",
            "type": ["EndorsementSubject"],
            "endorsementComment": "Rigorous.",
        },
        "proof": [
            {
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "created": "2024-01-01T00:00:00Z",
                "proofPurpose": "assertionMethod",
                "verificationMethod": "did:example:endorser#key-1",
                "proofValue": "z3FXQ",
            }
        ],
    }


def _kitchen_sink(conformance: Path) -> dict[str, Any]:
    """The vector credential grown with optional members of every class in the schema."""
    credential = _vector_credential(conformance)
    credential["@context"] = [
        *credential["@context"],
        "https://example.org/extra.json",
        {"ex": "https://ex.org/#"},
    ]
    credential["type"] = ["VerifiableCredential", "AchievementCredential", "OpenBadgeCredential"]
    credential["issuer"] = _profile_example()
    credential["description"] = "A badge"
    credential["image"] = {"id": "data:image/png;base64,iVBORw0KGgo=", "type": "Image"}
    credential["awardedDate"] = "2010-01-01t00:00:00.5z"
    credential["validUntil"] = "2030-12-31T23:59:60-05:00"
    credential["endorsement"] = [_endorsement_example()]
    credential["evidence"] = [
        {
            "type": ["Evidence"],
            "id": "https://example.org/e/1",
            "narrative": "n",
            "genre": "Report",
            "audience": "All",
        }
    ]
    credential["proof"] = copy.deepcopy(_endorsement_example()["proof"])
    credential["credentialSchema"] = [
        {"id": "https://example.org/schema.json", "type": "1EdTechJsonSchemaValidator2019"}
    ]
    credential["credentialStatus"] = {
        "id": "https://example.org/status#1",
        "type": "BitstringStatusListEntry",
    }
    credential["refreshService"] = {"id": "https://example.org/refresh", "type": "1EdTechCredentialRefresh"}
    credential["termsOfUse"] = [{"type": "TrustFrameworkPolicy", "id": "https://example.org/tos"}]
    subject = credential["credentialSubject"]
    subject.update(
        {
            "identifier": [
                {"type": "IdentityObject", "hashed": False, "identityHash": "Jane", "identityType": "name"},
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": "md5$abc",
                    "identityType": "ext:Custom",
                },
            ],
            "activityStartDate": "2009-09-01T00:00:00Z",
            "activityEndDate": "2009-12-01T00:00:00Z",
            "creditsEarned": 3,
            "image": {"id": "https://example.org/me.png", "type": "Image"},
            "licenseNumber": "L-1",
            "narrative": "n",
            "role": "Captain",
            "term": "Fall",
            "source": {"id": "https://example.org/source", "type": ["Profile"]},
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": "https://example.org/rd/1",
                    "value": "A",
                    "status": "Completed",
                },
                {"type": ["Result"], "achievedLevel": "https://example.org/rcl/1", "alignment": []},
            ],
        }
    )
    subject["achievement"].update(
        {
            "alignment": [
                {
                    "type": ["Alignment"],
                    "targetName": "Teamwork",
                    "targetUrl": "https://example.org/t",
                    "targetCode": "T1",
                    "targetDescription": "d",
                    "targetFramework": "F",
                    "targetType": "ceasn:Competency",
                }
            ],
            "achievementType": "ext:ShortCourse",
            "creator": {"id": "https://example.org/creator", "type": ["Profile"], "name": "Creator"},
            "creditsAvailable": 3.5,
            "endorsementJwt": ["a.b.c"],
            "fieldOfStudy": "Teams",
            "humanCode": "TW-1",
            "image": {"id": "https://example.org/badge.png", "type": "Image"},
            "inLanguage": "zh-Hant-TW",
            "otherIdentifier": [
                {"type": "IdentifierEntry", "identifier": "x", "identifierType": "identifier"}
            ],
            "related": [
                {"id": "https://example.org/a/ko", "type": ["Related"], "inLanguage": "ko", "version": "2"}
            ],
            "resultDescription": [
                {
                    "id": "https://example.org/rd/1",
                    "type": ["ResultDescription"],
                    "name": "Grade",
                    "resultType": "LetterGrade",
                    "allowedValue": ["A", "B"],
                    "requiredLevel": "https://example.org/rcl/1",
                    "requiredValue": "B",
                    "valueMax": "A",
                    "valueMin": "B",
                    "rubricCriterionLevel": [
                        {
                            "id": "https://example.org/rcl/1",
                            "type": ["RubricCriterionLevel"],
                            "name": "Mastered",
                            "level": "3",
                            "points": "10",
                            "description": "d",
                            "alignment": [],
                        }
                    ],
                }
            ],
            "specialization": "Agile",
            "tag": ["team", "협업"],
            "version": "1.0",
        }
    )
    return credential


def _valid_credentials(conformance: Path) -> dict[str, dict[str, Any]]:
    return {
        "vector": _vector_credential(conformance),
        "built": _built_credential(),
        "kitchen-sink": _kitchen_sink(conformance),
    }


# --- mutations -----------------------------------------------------------------------------------

Path_ = tuple[str | int, ...]

# Values swapped in for any member: each is a wrong type, a null or an empty value somewhere.
REPLACEMENTS: tuple[Any, ...] = (None, "", "x", 0, True, [], {}, ["x"])
# Strings that break dates (swapped in for dates) ...
BAD_DATES = (
    "2024-13-01T00:00:00Z",
    "2024-02-30T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T00:00:00",
    "2024-01-01",
    "2024-01-01T00:00:00+25:00",
)
# ... and vocabularies, patterns or the fixed contexts (swapped in for other strings).
BAD_STRINGS = (
    "Bogus",
    "ext:",
    "ext:Ok",
    "EN",
    "en-us",
    "no.jws",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.json",
)
_DATE_LIKE = re.compile(r"\d{4}-\d\d-\d\d")


def _paths(value: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _get(document: Any, path: Path_) -> Any:
    for step in path:
        document = document[step]
    return document


def _replace(document: Any, path: Path_, value: Any) -> Any:
    if not path:
        return copy.deepcopy(value)
    mutated = copy.deepcopy(document)
    _get(mutated, path[:-1])[path[-1]] = copy.deepcopy(value)
    return mutated


def _delete(document: Any, path: Path_) -> Any:
    mutated = copy.deepcopy(document)
    del _get(mutated, path[:-1])[path[-1]]
    return mutated


def _mutations(document: dict[str, Any], skip: tuple[Path_, ...] = ()) -> Iterator[tuple[str, Any]]:
    for path in _paths(document):
        # Below a skipped member only the member itself is mutated (its class is tested elsewhere).
        if any(len(path) > len(prefix) and path[: len(prefix)] == prefix for prefix in skip):
            continue
        current = _get(document, path)
        if path:
            yield f"delete {path}", _delete(document, path)
        for value in REPLACEMENTS:
            yield f"{path} = {value!r}", _replace(document, path, value)
        if isinstance(current, list) and current:
            yield f"{path} unwrapped", _replace(document, path, current[0])
        if not isinstance(current, list):
            yield f"{path} wrapped", _replace(document, path, [current])
        if isinstance(current, list) and current and isinstance(current[0], dict):
            yield f"{path} = [{{}}]", _replace(document, path, [{}])
        if isinstance(current, str):
            for text in BAD_DATES if _DATE_LIKE.match(current) else BAD_STRINGS:
                yield f"{path} = {text!r}", _replace(document, path, text)
        if isinstance(current, dict):
            yield f"{path} + extra", _replace(document, path, {**current, "extraMember": 1})


def _disagreements(
    documents: Iterator[tuple[str, Any]],
    official: Draft201909Validator,
    ours: Callable[[Any], list[str]],
) -> tuple[list[str], int, int]:
    disagreements, valid, invalid = [], 0, 0
    for label, document in documents:
        official_valid = official.is_valid(document)
        problems = ours(document)
        valid += official_valid
        invalid += not official_valid
        if official_valid != (not problems):
            errors = [error.message for error in official.iter_errors(document)][:3]
            disagreements.append(f"{label}: official={official_valid} ours={problems[:3]} schema={errors}")
    return disagreements, valid, invalid


# --- tests ---------------------------------------------------------------------------------------


def test_the_valid_corpus_is_valid_for_both(conformance: Path, official: Draft201909Validator) -> None:
    for name, document in _valid_credentials(conformance).items():
        assert official.is_valid(document), name
        assert check_credential(document) == [], name


@pytest.mark.parametrize("name", ["vector", "built", "kitchen-sink"])
def test_every_single_mutation_gets_the_official_verdict(
    name: str, conformance: Path, official: Draft201909Validator
) -> None:
    document = _valid_credentials(conformance)[name]
    # The kitchen sink's Profile, endorsement and Achievement are mutated member by member in
    # their own tests below.
    skip = (
        (("issuer",), ("endorsement",), ("credentialSubject", "achievement"))
        if name == "kitchen-sink"
        else ()
    )
    disagreements, valid, invalid = _disagreements(_mutations(document, skip), official, check_credential)
    assert disagreements == []
    # The corpus must exercise both verdicts, or agreeing would prove nothing.
    assert valid > 20
    assert invalid > 100


def test_profiles_get_the_official_verdict(conformance: Path) -> None:
    official = official_validator(conformance, "profile.json")
    document = _profile_example()
    disagreements, valid, invalid = _disagreements(_mutations(document), official, check_profile)
    assert disagreements == []
    assert valid > 10
    assert invalid > 50


def test_endorsements_get_the_official_verdict(conformance: Path) -> None:
    official = official_validator(conformance, "endorsementcredential.json")
    document = _endorsement_example()
    assert official.is_valid(document)
    disagreements, valid, invalid = _disagreements(_mutations(document), official, check_endorsement)
    assert disagreements == []
    assert valid > 10
    assert invalid > 50


def test_standalone_achievements_follow_the_official_achievement_rules(conformance: Path) -> None:
    achievement = _kitchen_sink(conformance)["credentialSubject"]["achievement"]
    wrapper = _vector_credential(conformance)
    official = official_validator(conformance)

    def embedded(candidate: Any) -> Any:
        return _replace(wrapper, ("credentialSubject", "achievement"), candidate)

    def ours(document: Any) -> list[str]:
        standalone = check_achievement(document["credentialSubject"]["achievement"])
        # Embedded or standalone, an Achievement gets the same verdict.
        assert (standalone == []) == (check_credential(document) == [])
        return standalone

    labelled = ((label, embedded(mutated)) for label, mutated in _mutations(achievement))
    disagreements, valid, invalid = _disagreements(labelled, official, ours)
    assert disagreements == []
    assert valid > 20
    assert invalid > 100


def test_a_deleted_required_member_is_reported_at_its_path(conformance: Path) -> None:
    document = _vector_credential(conformance)
    problems = check_credential(_delete(document, ("credentialSubject", "achievement", "criteria")))
    assert problems == ["$.credentialSubject.achievement.criteria: is required"]


def test_a_null_is_reported_with_its_path_and_kind(conformance: Path) -> None:
    document = _replace(_vector_credential(conformance), ("issuer", "name"), None)
    assert check_credential(document) == ["$.issuer.name: must be a string, not null"]


def test_members_with_odd_names_are_quoted_in_paths(conformance: Path) -> None:
    document = _replace(
        _vector_credential(conformance), ("@context",), "https://www.w3.org/ns/credentials/v2"
    )
    assert check_credential(document) == ['$["@context"]: must be an array of contexts']


def test_image_refuses_unknown_members_but_achievement_does_not(conformance: Path) -> None:
    sink = _kitchen_sink(conformance)
    with_extra_on_image = _replace(sink, ("image", "extra"), 1)
    with_extra_on_achievement = _replace(sink, ("credentialSubject", "achievement", "extra"), 1)
    assert check_credential(with_extra_on_image) == ["$.image.extra: is not allowed here"]
    assert check_credential(with_extra_on_achievement) == []


def test_a_bare_image_url_is_not_an_image(conformance: Path, official: Draft201909Validator) -> None:
    document = _replace(_vector_credential(conformance), ("image",), "https://example.org/badge.png")
    assert not official.is_valid(document)
    assert check_credential(document) == ["$.image: must be an object, not a string"]


def test_hostile_nesting_is_reported_not_raised(conformance: Path) -> None:
    profile: dict[str, Any] = {"id": "https://e.org/0", "type": ["Profile"]}
    for depth in range(5000):
        profile = {"id": f"https://e.org/{depth}", "type": ["Profile"], "parentOrg": profile}
    assert check_profile(profile) == ["$: nested too deeply to check"]


def test_non_objects_are_reported() -> None:
    assert check_credential([]) == ["$: must be an object, not an array"]
    assert check_credential(None) == ["$: must be an object, not null"]


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_replacements_get_the_official_verdict(conformance: Path, data: st.DataObject) -> None:
    document = _kitchen_sink(conformance)
    official = official_validator(conformance)
    paths = list(_paths(document))
    path = data.draw(st.sampled_from(paths))
    mutated = _replace(document, path, data.draw(_json_values))
    assert official.is_valid(mutated) == (check_credential(mutated) == [])
