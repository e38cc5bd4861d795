"""The compiled JSON-LD path writes the same canonical N-Quads as pyld, or refuses.

The expected canonical form is always the generic path's (pyld expansion, toRDF and
URDNA2015 via ``laurel.vc.jsonld.canonize``) on the same document, and for the official
vectors also the canonical text the vector ships.
"""

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laurel.vc import jsonld, ob3
from laurel.vc.compiled import NotCompilable, canonize_compiled, to_dataset, to_nquads
from laurel.vc.status_list import status_list_entry

START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)

# Text that stresses N-Quads escaping and Unicode: Hangul (composed and not), emoji, quotes,
# backslashes, control characters, right-to-left text, combining marks.
EDGE_TEXT = st.sampled_from(
    ["배지 수여", "Data Science 101", 'say "hi"\\n', "tab\there\nnew line\r", "😀 emoji", "\u200b zero width",
     "ᄒᆞᆫ글 decomposed", "עברית", "e\u0301", "\x01\x7f control", "  padded  ", "<b>&amp;</b>"]
)  # fmt: skip
TEXT = st.one_of(EDGE_TEXT, st.text(min_size=1, max_size=20).filter(lambda text: text.strip() != ""))
SLUG = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
URL = SLUG.map(lambda slug: f"https://example.edu/{slug}")
OPTIONAL_TEXT = st.none() | TEXT


def _safe(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    # The builder rejects lone surrogates; they are not the subject here.
    return strategy.filter(lambda text: not any(0xD800 <= ord(char) <= 0xDFFF for char in text))


TEXT = _safe(TEXT)
OPTIONAL_TEXT = st.none() | TEXT


@st.composite
def alignments(draw: st.DrawFn) -> ob3.Alignment:
    return ob3.Alignment(
        target_name=draw(TEXT),
        target_url=draw(URL),
        target_description=draw(OPTIONAL_TEXT),
        target_framework=draw(OPTIONAL_TEXT),
        target_code=draw(OPTIONAL_TEXT),
        target_type=draw(st.none() | st.sampled_from(["CFItem", "ceasn:Competency", "Skill-x"])),
    )


@st.composite
def profiles(draw: st.DrawFn) -> ob3.IssuerProfile:
    return ob3.IssuerProfile(
        id=draw(URL),
        name=draw(TEXT),
        url=draw(st.none() | URL),
        email=draw(st.none() | st.just("badges@example.edu")),
        description=draw(OPTIONAL_TEXT),
        image=draw(st.none() | st.builds(ob3.ImageRef, id=URL, caption=OPTIONAL_TEXT)),
        phone=draw(st.none() | st.just("+82-2-123-4567")),
    )


@st.composite
def achievements(draw: st.DrawFn) -> ob3.AchievementInfo:
    descriptions = draw(
        st.lists(
            st.builds(
                ob3.ResultDescription,
                id=URL,
                name=TEXT,
                result_type=st.sampled_from(["LetterGrade", "Status", "ext:Stars"]),
                allowed_values=st.lists(TEXT, max_size=3).map(tuple),
                value_min=OPTIONAL_TEXT,
                alignments=st.lists(alignments(), max_size=1).map(tuple),
            ),
            max_size=2,
            unique_by=lambda description: description.id,
        )
    )
    return ob3.AchievementInfo(
        id=draw(URL),
        name=draw(TEXT),
        description=draw(TEXT),
        criteria=ob3.Criteria(id=draw(st.none() | URL), narrative=draw(TEXT)),
        achievement_type=draw(st.none() | st.sampled_from(["Badge", "Certificate", "Custom.Type"])),
        image=draw(st.none() | st.builds(ob3.ImageRef, id=URL, caption=OPTIONAL_TEXT)),
        alignments=tuple(draw(st.lists(alignments(), max_size=2))),
        tags=tuple(draw(st.lists(TEXT, max_size=3))),
        skills=tuple(draw(st.lists(st.builds(ob3.Skill, name=TEXT, url=st.none() | URL), max_size=2))),
        creator=draw(st.none() | profiles()),
        in_language=draw(st.none() | st.sampled_from(["ko", "en", "en-US"])),
        related=tuple(
            draw(
                st.lists(
                    st.builds(ob3.Related, id=URL, in_language=st.sampled_from(["ko", "en"])), max_size=2
                )
            )
        ),
        result_descriptions=tuple(descriptions),
        version=draw(OPTIONAL_TEXT),
        human_code=draw(OPTIONAL_TEXT),
        field_of_study=draw(OPTIONAL_TEXT),
        credits_available=draw(st.none() | st.sampled_from([0, 1, 3, 1.0, 1.5, 0.1, 1e21, 123456789.25])),
    )


@st.composite
def credentials(draw: st.DrawFn) -> dict[str, Any]:
    achievement = draw(achievements())
    known = [description.id for description in achievement.result_descriptions]
    results = draw(
        st.lists(
            st.builds(
                ob3.Result,
                result_description=st.none() | st.sampled_from(known) if known else st.none(),
                value=OPTIONAL_TEXT,
                status=st.none() | st.sampled_from(["Completed", "InProgress"]),
                achieved_level=st.none() | URL,
                alignments=st.lists(alignments(), max_size=1).map(tuple),
            ),
            max_size=2,
        )
    )
    did = draw(st.none() | st.just("did:example:learner"))
    email = draw(st.none() | st.just("learner@example.com")) if did else "learner@example.com"
    evidence = draw(
        st.lists(
            st.builds(
                ob3.Evidence, id=st.none() | URL, name=TEXT, narrative=OPTIONAL_TEXT, genre=OPTIONAL_TEXT
            ),
            max_size=2,
        )
    )
    index = draw(st.integers(min_value=0, max_value=131071))
    return ob3.build_credential(
        credential_id=f"urn:uuid:{draw(st.uuids())}",
        issuer=draw(profiles()),
        achievement=achievement,
        recipient=ob3.Recipient(
            did=did, email=email, salt="salt" if email else None, name=draw(OPTIONAL_TEXT)
        ),
        name=draw(TEXT),
        valid_from=START,
        valid_until=draw(st.none() | st.just(START + timedelta(days=365))),
        awarded_date=draw(st.none() | st.just(START)),
        description=draw(OPTIONAL_TEXT),
        image=draw(st.none() | st.builds(ob3.ImageRef, id=URL)),
        evidence=evidence,
        results=results,
        activity_start_date=draw(st.none() | st.just(START - timedelta(days=30))),
        credential_status=draw(
            st.none() | st.just(status_list_entry("https://example.edu/status/1", index, "revocation"))
        ),
    )


@settings(max_examples=150, deadline=None, database=None)
@given(credentials())
def test_it_canonizes_built_credentials_like_pyld(credential: dict[str, Any]) -> None:
    assert canonize_compiled(credential) == jsonld.canonize(credential)


def _vector(conformance: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((conformance / "ob3-rdfc-vector" / "vector.json").read_text())
    return document


def test_it_canonizes_the_ob3_worked_example(conformance: Path) -> None:
    unsigned = _vector(conformance)["unsigned"]
    expected = (conformance / "ob3-rdfc-vector" / "document-canon.txt").read_text()
    assert canonize_compiled(unsigned) == jsonld.canonize(unsigned)
    assert canonize_compiled(unsigned).strip() == expected.strip()


def test_it_canonizes_the_ob3_proof_configuration(conformance: Path) -> None:
    vector = _vector(conformance)
    config = {**vector["proofOptions"], "@context": vector["unsigned"]["@context"]}
    expected = (conformance / "ob3-rdfc-vector" / "proof-canon.txt").read_text()
    assert canonize_compiled(config).strip() == expected.strip()


def test_it_canonizes_the_vc_di_eddsa_documents(conformance: Path) -> None:
    folder = conformance / "vc-di-eddsa"
    unsigned = json.loads((folder / "unsigned.json").read_text())
    signed = json.loads((folder / "eddsa-rdfc-2022" / "signedDataInt.json").read_text())
    expected = (folder / "eddsa-rdfc-2022" / "canonDocDataInt.txt").read_text()
    assert canonize_compiled(unsigned).strip() == expected.strip()
    # With its proof: the proof is a named graph (the @graph container of VC 2.0's "proof").
    assert canonize_compiled(signed) == jsonld.canonize(signed)
    assert len(to_dataset(signed)) == 2


@pytest.fixture
def credential() -> dict[str, Any]:
    return ob3.build_credential(
        credential_id="urn:uuid:4c0f4d4e-9d5e-4a6b-9a8e-3a0f1f0c2b11",
        issuer=ob3.IssuerProfile(id="https://example.edu/issuer", name="한빛 대학교"),
        achievement=ob3.AchievementInfo(
            id="https://example.edu/achievements/1",
            name="배지",
            description="A badge",
            criteria=ob3.Criteria(narrative="Do the work"),
        ),
        recipient=ob3.Recipient(did="did:example:learner"),
        name="배지",
        valid_from=START,
    )


def _pair(document: dict[str, Any]) -> tuple[type[Exception] | None, type[Exception] | None]:
    outcomes: list[type[Exception] | None] = []
    for canonize in (jsonld.canonize, canonize_compiled):
        try:
            canonize(copy.deepcopy(document))
        except jsonld.JsonLdError as error:
            outcomes.append(type(error))
        else:
            outcomes.append(None)
    return outcomes[0], outcomes[1]


@pytest.mark.parametrize(
    "where",
    ["root", "subject", "achievement", "criteria"],
)
def test_it_rejects_an_undefined_term_like_the_generic_path(credential: dict[str, Any], where: str) -> None:
    target = {
        "root": credential,
        "subject": credential["credentialSubject"],
        "achievement": credential["credentialSubject"]["achievement"],
        "criteria": credential["credentialSubject"]["achievement"]["criteria"],
    }[where]
    target["favouriteColour"] = "blue"
    with pytest.raises(jsonld.SafeModeError) as generic:
        jsonld.canonize(credential)
    with pytest.raises(jsonld.SafeModeError) as compiled:
        canonize_compiled(credential)
    assert compiled.value.problems == generic.value.problems


@pytest.mark.parametrize(
    "change",
    ["relative id", "relative type", "null value", "relative issuer"],
)
def test_it_rejects_what_safe_mode_rejects(credential: dict[str, Any], change: str) -> None:
    if change == "relative id":
        credential["credentialSubject"]["achievement"]["id"] = "achievements/1"
    elif change == "relative type":
        credential["type"].append("NotAType")
    elif change == "null value":
        credential["description"] = None
    else:
        credential["issuer"] = "issuers/1"
    assert _pair(credential) == (jsonld.SafeModeError, jsonld.SafeModeError)


@pytest.mark.parametrize(
    "shape",
    ["inline context", "embedded context", "value object", "list", "unknown context", "blank node id"],
)
def test_it_refuses_shapes_it_does_not_compile(credential: dict[str, Any], shape: str) -> None:
    if shape == "inline context":
        credential["@context"] = [*credential["@context"], {"colour": "https://example.org/colour"}]
    elif shape == "embedded context":
        credential["credentialSubject"]["@context"] = {"colour": "https://example.org/colour"}
    elif shape == "value object":
        credential["name"] = {"@value": "배지", "@language": "ko"}
    elif shape == "list":
        credential["name"] = {"@list": ["a", "b"]}
    elif shape == "unknown context":
        credential["@context"] = [*credential["@context"], "https://example.org/unknown/v1"]
    else:
        credential["credentialSubject"]["id"] = "_:learner"
    with pytest.raises(NotCompilable):
        canonize_compiled(credential)


def test_it_writes_one_quad_per_statement(credential: dict[str, Any]) -> None:
    quads = to_nquads(credential).splitlines()
    assert len(quads) == len(jsonld.canonize(credential).splitlines())
    assert all(line.endswith(" .") for line in quads)


@pytest.mark.parametrize("number", [0, 1, -7, 1.0, 1.5, 0.1, 1e21, 10**22, 2.5e-7])
def test_it_writes_numbers_in_xsd_canonical_form_like_pyld(credential: dict[str, Any], number: float) -> None:
    credential["credentialSubject"]["achievement"]["creditsAvailable"] = number
    assert canonize_compiled(credential) == jsonld.canonize(credential)
