"""The OB 3.0 builder makes credentials the official JSON Schema and Laurel's own checks accept."""

import hashlib
import json
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft201909Validator

from laurel.vc import ob3
from laurel.vc.identity import matches
from laurel.vc.schema import check_achievement, check_credential, check_profile
from laurel.vc.status_list import status_list_entry
from tests.vc.official_schemas import official_validator

ISSUER = ob3.IssuerProfile(id="https://badges.example.org/issuers/hanbit", name="Hanbit Academy")
VALID_FROM = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
KO_ID = "https://badges.example.org/achievements/data-101/ko"
EN_ID = "https://badges.example.org/achievements/data-101/en"


def _achievement(**overrides: Any) -> ob3.AchievementInfo:
    fields: dict[str, Any] = {
        "id": EN_ID,
        "name": "Data Basics",
        "description": "Reads and summarises a data set.",
        "criteria": ob3.Criteria(narrative="Submit three assignments."),
    }
    return ob3.AchievementInfo(**{**fields, **overrides})


def _build(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "credential_id": "https://badges.example.org/a/7f3b",
        "issuer": ISSUER,
        "achievement": _achievement(),
        "recipient": ob3.Recipient(email="a@example.com", salt="Kosher"),
        "name": "Data Basics",
        "valid_from": VALID_FROM,
    }
    return ob3.build_credential(**{**fields, **overrides})


@pytest.fixture
def official(conformance: Path) -> Draft201909Validator:
    return official_validator(conformance)


def _empty_values(value: Any, path: str = "$") -> list[str]:
    """Paths holding null, "", [] or {}, which the builder must never write."""
    if value is None or value == "" or value == [] or value == {}:
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _empty_values(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _empty_values(item, f"{path}[{index}]")]
    return []


def _assert_valid(credential: dict[str, Any], official: Draft201909Validator) -> None:
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in official.iter_errors(credential)]
    assert errors == []
    assert check_credential(credential) == []
    assert _empty_values(credential) == []
    # JSON-ready: it survives a strict round trip unchanged.
    assert json.loads(json.dumps(credential, ensure_ascii=False, allow_nan=False)) == credential


def _everything() -> dict[str, Any]:
    grade = ob3.ResultDescription(
        id=f"{KO_ID}/results/grade",
        name="성적",
        result_type="LetterGrade",
        allowed_values=("A", "B", "C"),
        required_value="B",
        value_min="C",
        value_max="A",
        alignments=(ob3.Alignment("Grading", "https://example.org/grading"),),
    )
    status = ob3.ResultDescription(id=f"{KO_ID}/results/status", name="이수", result_type="Status")
    achievement = _achievement(
        id=KO_ID,
        name="데이터 분석 기초",
        description="데이터를 읽고 요약합니다.",
        criteria=ob3.Criteria(id=f"{KO_ID}/criteria", narrative="과제 **3개** 제출"),
        achievement_type="MicroCredential",
        image=ob3.ImageRef(
            "https://badges.example.org/achievements/data-101/image.png", caption="배지 이미지"
        ),
        alignments=(
            ob3.Alignment(
                target_name="Statistics",
                target_url="https://example.org/frameworks/stats/1",
                target_description="Descriptive statistics",
                target_framework="Example Framework",
                target_code="ST-1",
                target_type="CFItem",
            ),
        ),
        tags=("데이터", "통계"),
        skills=(
            ob3.Skill("SQL", url="https://example.org/skills/sql", framework="ESCO", code="S1"),
            ob3.Skill("협업"),
        ),
        creator=ob3.IssuerProfile(id="https://example.org/creators/1", name="Creator", email="c@example.org"),
        in_language="ko",
        related=(ob3.Related(EN_ID, in_language="en", version="1"),),
        result_descriptions=(grade, status),
        version="1",
        human_code="DATA-101",
        field_of_study="Data science",
        credits_available=1.5,
    )
    issuer = ob3.IssuerProfile(
        id="did:web:badges.example.org",
        name="한빛 아카데미",
        url="https://badges.example.org",
        email="badges@example.org",
        description="배지를 발급합니다.",
        image=ob3.ImageRef("https://badges.example.org/logo.png"),
        phone="+82-2-555-0100",
    )
    return _build(
        issuer=issuer,
        achievement=achievement,
        recipient=ob3.Recipient(
            did="did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            email="a@example.com",
            salt="Kosher",
            name="김민지",
        ),
        name="데이터 분석 기초",
        description="김민지 님의 배지",
        image=ob3.ImageRef("https://badges.example.org/a/7f3b/image.png"),
        valid_until=VALID_FROM + timedelta(days=365),
        awarded_date=VALID_FROM - timedelta(days=1),
        activity_start_date=VALID_FROM - timedelta(days=90),
        activity_end_date=VALID_FROM - timedelta(days=2),
        evidence=(
            ob3.Evidence(
                id="https://example.org/work/1",
                name="보고서",
                description="d",
                narrative="n",
                genre="Report",
                audience="Public",
            ),
            ob3.Evidence(narrative="발표를 마쳤습니다."),
        ),
        results=(
            ob3.Result(
                result_description=grade.id,
                value="A",
                alignments=(ob3.Alignment("Grading", "https://example.org/g"),),
            ),
            ob3.Result(result_description=status.id, status="Completed"),
        ),
        credential_status=status_list_entry("https://badges.example.org/status/1", 94567, "revocation"),
    )


def test_a_minimal_credential_is_valid(official: Draft201909Validator) -> None:
    credential = _build()
    _assert_valid(credential, official)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["type"] == ["Profile"]
    assert credential["credentialSubject"]["type"] == ["AchievementSubject"]
    assert credential["credentialSubject"]["achievement"]["type"] == ["Achievement"]
    assert credential["validFrom"] == "2024-03-01T09:00:00Z"
    assert set(credential) == {"@context", "id", "type", "issuer", "validFrom", "name", "credentialSubject"}


def test_a_credential_with_everything_set_is_valid(official: Draft201909Validator) -> None:
    credential = _everything()
    _assert_valid(credential, official)
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["image"] == {
        "id": "https://badges.example.org/achievements/data-101/image.png",
        "type": "Image",
        "caption": "배지 이미지",
    }
    assert achievement["related"] == [{"id": EN_ID, "type": ["Related"], "inLanguage": "en", "version": "1"}]
    assert achievement["inLanguage"] == "ko"
    assert credential["awardedDate"] == "2024-02-29T09:00:00Z"
    assert credential["validUntil"] == "2025-03-01T09:00:00Z"
    assert credential["credentialStatus"]["statusListIndex"] == "94567"
    assert [e["type"] for e in credential["evidence"]] == [["Evidence"], ["Evidence"]]
    assert credential["credentialSubject"]["result"][1] == {
        "type": ["Result"],
        "resultDescription": f"{KO_ID}/results/status",
        "status": "Completed",
    }


def test_skills_with_a_url_become_alignments_and_others_tags() -> None:
    achievement = _everything()["credentialSubject"]["achievement"]
    skill = achievement["alignment"][1]
    assert skill["targetName"] == "SQL"
    assert skill["targetUrl"] == "https://example.org/skills/sql"
    assert skill["targetType"] == "ceasn:Competency"
    assert achievement["tag"] == ["데이터", "통계", "협업"]


def test_the_hashed_email_matches_the_spec_example(conformance: Path) -> None:
    identity = _build()["credentialSubject"]["identifier"][0]
    independent = "sha256$" + hashlib.sha256(b"a@example.com" + b"Kosher").hexdigest()
    assert identity["identityHash"] == independent
    assert independent in (conformance / "README.md").read_text()
    assert identity == {
        "type": "IdentityObject",
        "identityHash": independent,
        "identityType": "emailAddress",
        "hashed": True,
        "salt": "Kosher",
    }
    assert matches(identity, "a@example.com")


def test_a_learner_with_a_did_is_the_subject_id(official: Draft201909Validator) -> None:
    credential = _build(recipient=ob3.Recipient(did="did:example:ebfeb1f712ebc6f1c276e12ec21"))
    _assert_valid(credential, official)
    assert credential["credentialSubject"]["id"] == "did:example:ebfeb1f712ebc6f1c276e12ec21"
    assert "identifier" not in credential["credentialSubject"]


def test_a_recipient_name_is_a_plain_identity_object() -> None:
    identifiers = _build(recipient=ob3.Recipient(did="did:example:x", name="김민지"))["credentialSubject"][
        "identifier"
    ]
    assert identifiers == [
        {"type": "IdentityObject", "identityHash": "김민지", "identityType": "name", "hashed": False}
    ]


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("Badge", "Badge"),
        ("MicroCredential", "MicroCredential"),
        ("ShortCourse", "ext:ShortCourse"),
        ("ext:ShortCourse", "ext:ShortCourse"),
        ("Short-Course_2.0", "ext:Short-Course_2.0"),
        ("badge", "ext:badge"),
    ],
)
def test_non_standard_achievement_types_get_the_ext_prefix(
    given: str, written: str, official: Draft201909Validator
) -> None:
    credential = _build(achievement=_achievement(achievement_type=given))
    _assert_valid(credential, official)
    assert credential["credentialSubject"]["achievement"]["achievementType"] == written


@pytest.mark.parametrize("given", ["Short Course", "ext:", "ext:a b", "수료증", "ext:ext:x"])
def test_achievement_types_that_cannot_be_terms_are_refused(given: str) -> None:
    with pytest.raises(ob3.CredentialBuildError, match="achievementType"):
        _build(achievement=_achievement(achievement_type=given))


def test_alignment_and_result_types_get_the_ext_prefix(official: Draft201909Validator) -> None:
    description = ob3.ResultDescription(id=f"{EN_ID}/r", name="Score", result_type="Stars")
    achievement = _achievement(
        alignments=(ob3.Alignment("NCS", "https://ncs.example.kr/1", target_type="NCS"),),
        result_descriptions=(description,),
    )
    credential = _build(achievement=achievement)
    _assert_valid(credential, official)
    built = credential["credentialSubject"]["achievement"]
    assert built["alignment"][0]["targetType"] == "ext:NCS"
    assert built["resultDescription"][0]["resultType"] == "ext:Stars"


def test_korean_and_unicode_text_is_kept_and_normalised(official: Draft201909Validator) -> None:
    decomposed = unicodedata.normalize("NFD", "데이터 분석")
    name = f"{decomposed} 👩‍💻 🇰🇷 e\u0301 \u202eابc\u202c 𝔘𝔫𝔦"
    credential = _build(
        name=name, description='줄\n바꿈\t탭 "따옴표" \\ 역슬래시', achievement=_achievement(name=name)
    )
    _assert_valid(credential, official)
    # Decomposed Hangul (as some keyboards send it) is stored composed; everything else is kept.
    assert credential["name"] == unicodedata.normalize("NFC", name)
    assert credential["name"].startswith("데이터 분석 👩\u200d💻 🇰🇷 é")
    assert "𝔘𝔫𝔦" in credential["credentialSubject"]["achievement"]["name"]
    assert credential["description"] == '줄\n바꿈\t탭 "따옴표" \\ 역슬래시'


def test_text_that_is_not_unicode_is_refused() -> None:
    with pytest.raises(ob3.CredentialBuildError, match="name"):
        _build(name="bad \ud800 surrogate")


def test_blank_optional_values_are_left_out(official: Draft201909Validator) -> None:
    credential = _build(
        description="   ",
        achievement=_achievement(tags=("", " ", "data", "data"), version="", human_code=None),
        evidence=(),
        results=(),
    )
    _assert_valid(credential, official)
    assert "description" not in credential
    assert credential["credentialSubject"]["achievement"]["tag"] == ["data"]
    assert "version" not in credential["credentialSubject"]["achievement"]


def test_times_are_written_in_utc_to_the_second() -> None:
    seoul = timezone(timedelta(hours=9))
    credential = _build(valid_from=datetime(2024, 3, 1, 9, 0, 30, 999_999, tzinfo=seoul))
    assert credential["validFrom"] == "2024-03-01T00:00:30Z"


def test_a_bilingual_pair_links_both_achievements_and_shares_recipient_and_status(
    official: Draft201909Validator,
) -> None:
    recipient = ob3.Recipient(email="a@example.com", salt="s4lt")
    status = status_list_entry("https://badges.example.org/status/1", 5, "revocation")
    ko = _build(
        recipient=recipient,
        credential_status=status,
        achievement=_achievement(
            id=KO_ID, name="데이터 기초", in_language="ko", related=(ob3.Related(EN_ID, "en"),)
        ),
    )
    en = _build(
        recipient=recipient,
        credential_status=status,
        achievement=_achievement(id=EN_ID, in_language="en", related=(ob3.Related(KO_ID, "ko"),)),
    )
    for credential in (ko, en):
        _assert_valid(credential, official)
    ko_achievement, en_achievement = (
        ko["credentialSubject"]["achievement"],
        en["credentialSubject"]["achievement"],
    )
    assert ko_achievement["related"][0]["id"] == en_achievement["id"]
    assert en_achievement["related"][0]["id"] == ko_achievement["id"]
    assert ko["credentialSubject"]["identifier"] == en["credentialSubject"]["identifier"]
    assert ko["credentialStatus"] == en["credentialStatus"]


def test_the_issuer_profile_document_is_valid(conformance: Path) -> None:
    document = ob3.build_profile(_everything_issuer())
    official = official_validator(conformance, "profile.json")
    assert official.is_valid(document)
    assert check_profile(document) == []
    assert document["@context"] == ob3.CREDENTIAL_CONTEXT
    assert document["image"] == {"id": "https://badges.example.org/logo.png", "type": "Image"}


def _everything_issuer() -> ob3.IssuerProfile:
    return ob3.IssuerProfile(
        id="https://badges.example.org/issuers/hanbit",
        name="한빛 아카데미",
        url="https://badges.example.org",
        image=ob3.ImageRef("https://badges.example.org/logo.png"),
    )


def test_the_standalone_achievement_document_is_valid(official: Draft201909Validator) -> None:
    achievement = _everything()["credentialSubject"]["achievement"]
    info = _achievement(
        id=KO_ID, in_language="ko", related=(ob3.Related(EN_ID, "en"),), achievement_type="Badge"
    )
    document = ob3.build_achievement_document(info)
    assert document["@context"] == ob3.CREDENTIAL_CONTEXT
    assert check_achievement(document) == []
    body = {key: value for key, value in document.items() if key != "@context"}
    embedded = _build()
    embedded["credentialSubject"]["achievement"] = body
    assert official.is_valid(embedded)
    assert achievement["id"] == document["id"]


def _context_terms(value: Any) -> set[str]:
    terms: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            terms.add(key)
            terms |= _context_terms(item)
    return terms


def test_every_member_name_is_a_term_of_the_contexts(conformance: Path) -> None:
    contexts = conformance / "contexts"
    defined = set()
    for name in ("credentials-v2.jsonld", "ob-v3p0-3.0.3.json"):
        defined |= _context_terms(json.loads((contexts / name).read_text())["@context"])
    used = _member_names(_everything()) - {"@context"}
    assert used - defined == set()


def _member_names(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {name for item in value.values() for name in _member_names(item)}
    if isinstance(value, list):
        return {name for item in value for name in _member_names(item)}
    return set()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"recipient": ob3.Recipient()}, "did or an email"),
        ({"recipient": ob3.Recipient(email="a@example.com")}, "salt"),
        ({"valid_from": datetime(2024, 1, 1)}, "timezone-aware"),
        ({"valid_until": VALID_FROM}, "validUntil"),
        ({"credential_id": "a/7f3b"}, "absolute URI"),
        ({"credential_id": "https://x.example/a b"}, "absolute URI"),
        ({"name": ""}, "name must not be empty"),
        ({"achievement": _achievement(criteria=ob3.Criteria())}, "criteria"),
        ({"achievement": _achievement(description=" ")}, "description"),
        ({"achievement": _achievement(in_language="Korean")}, "inLanguage"),
        ({"achievement": _achievement(related=(ob3.Related(KO_ID, "KO"),))}, "inLanguage"),
        ({"achievement": _achievement(credits_available=-1)}, "creditsAvailable"),
        ({"results": (ob3.Result(result_description="https://x.example/nothing"),)}, "resultDescription"),
        ({"results": (ob3.Result(status="Done"),)}, "status"),
        ({"evidence": (ob3.Evidence(),)}, "evidence"),
        ({"credential_status": {"type": "BitstringStatusListEntry"}}, "credentialStatus.id"),
        ({"image": ob3.ImageRef("")}, "image.id"),
        ({"issuer": ob3.IssuerProfile(id="hanbit", name="Hanbit")}, "issuer.id"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_bad_input_gets_a_precise_error(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ob3.CredentialBuildError, match=message):
        _build(**overrides)
