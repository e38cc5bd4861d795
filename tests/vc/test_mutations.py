"""Hypothesis mutates signed credentials one field at a time.

The rule the verifier must follow: a mutation that changes what was signed fails. For a Data
Integrity proof "what was signed" is the RDF canonical form of the document and of the proof
options, decided here independently of Laurel's code: pyld normalizes with the official
contexts from ../shared, not with Laurel's own context documents. A mutation that leaves the
canonical forms unchanged (a reordered or duplicated ``type``, for RDF has no order or
repetition there) must still pass the proof check, unless it also brings in something safe
mode refuses (an undefined term), which then fails the JSON-LD check. For a VC-JWT what was
signed is the exact bytes of header and payload, so any change fails.
"""

import base64
import copy
import json
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld  # type: ignore[import-untyped]

from laurel.vc import data_integrity, jsonld, ob3
from laurel.vc.jwt import sign_vc_jwt
from laurel.vc.keys import KeyPair
from laurel.vc.verify import Report, verify

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

NOW = datetime(2025, 6, 1, tzinfo=UTC)
# Official context documents, by the URL they are published at (see ../shared/conformance/README.md).
OFFICIAL_CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-3.0.3.json",
}
# Characters a one-character change may bring in: ASCII, Latin with accents, Hangul, emoji.
REPLACEMENTS = "aZ0-é한글😀 "

Path_ = tuple[str | int, ...]


@pytest.fixture(scope="module")
def contexts(conformance: Path) -> dict[str, Any]:
    return {
        url: json.loads((conformance / "contexts" / name).read_text())
        for url, name in OFFICIAL_CONTEXTS.items()
    }


def _official_loader(contexts: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if url not in contexts:
            raise pyld.JsonLdError(f"no official copy of {url}", "loading document failed")
        return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(contexts[url])}

    return load


def official_canon(document: Any, contexts: dict[str, Any]) -> str | None:
    """N-Quads of the document under the official contexts, or None when it cannot be processed."""
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": _official_loader(contexts),
    }
    try:
        return pyld.normalize(copy.deepcopy(document), options)
    except Exception:  # any processing failure means "not the signed graph"
        return None


def signed_state(credential: Any, contexts: dict[str, Any]) -> tuple[Any, ...] | None:
    """What an eddsa-rdfc-2022 signature covers: canonical document, canonical proof options, proof value."""
    if not isinstance(credential, dict) or not isinstance(credential.get("proof"), dict):
        return None
    unsigned = {name: value for name, value in credential.items() if name != "proof"}
    proof = credential["proof"]
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    options["@context"] = credential.get("@context")
    return (official_canon(unsigned, contexts), official_canon(options, contexts), proof.get("proofValue"))


def safe_mode_accepts(credential: dict[str, Any]) -> bool:
    """Whether Laurel's safe-mode expansion takes the document and its proof options."""
    unsigned = {name: value for name, value in credential.items() if name != "proof"}
    proof = credential.get("proof")
    documents = [unsigned]
    if isinstance(proof, dict):
        options = {name: value for name, value in proof.items() if name != "proofValue"}
        documents.append({**options, "@context": credential.get("@context")})
    try:
        for document in documents:
            jsonld.expand(document, safe=True)
    except jsonld.JsonLdError:
        return False
    return True


@cache
def issuer_key() -> KeyPair:
    return KeyPair.generate()


def unsigned_credential() -> dict[str, Any]:
    key = issuer_key()
    return ob3.build_credential(
        credential_id="urn:uuid:3b0f6c9e-8d52-4a11-9c7e-2f6a1b4d5e70",
        issuer=ob3.IssuerProfile(
            id=key.public_key.did_key(),
            name="한빛고등학교",
            url="https://hanbit.example/",
            email="badges@hanbit.example",
        ),
        achievement=ob3.AchievementInfo(
            id="https://hanbit.example/i/python/v/1/?lang=ko",
            name="파이썬 기초",
            description="파이썬 입문 과정을 마쳤습니다. Café ☕",
            criteria=ob3.Criteria(
                id="https://hanbit.example/i/python/v/1/?lang=ko", narrative="과제 3개 제출"
            ),
            tags=("python", "기초"),
            in_language="ko",
            version="1",
        ),
        recipient=ob3.Recipient(email="kim@example.com", salt="pepper", name="김민수"),
        name="파이썬 기초",
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        valid_until=datetime(2030, 1, 1, tzinfo=UTC),
        awarded_date=datetime(2025, 1, 1, tzinfo=UTC),
    )


@cache
def signed_credential() -> str:
    key = issuer_key()
    signed = data_integrity.sign(
        unsigned_credential(),
        key,
        verification_method=key.public_key.verification_method_id(),
        created="2025-01-01T00:00:00Z",
    )
    return json.dumps(signed, ensure_ascii=False)


@cache
def signed_jwt() -> str:
    key = issuer_key()
    return sign_vc_jwt(unsigned_credential(), key, kid=key.public_key.verification_method_id())


# -- mutations --------------------------------------------------------------------------------


def nodes(value: Any, path: Path_ = ()) -> list[Path_]:
    """Every path in a JSON value: objects' members and arrays' elements, at every depth."""
    found = [path]
    if isinstance(value, dict):
        for name, child in value.items():
            found += nodes(child, (*path, name))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += nodes(child, (*path, index))
    return found


def get(value: Any, path: Path_) -> Any:
    for step in path:
        value = value[step]
    return value


def one_char_changed(text: str, position: int, char: str) -> str:
    if not text:
        return char
    position %= len(text)
    replaced = text[:position] + char + text[position + 1 :]
    return replaced if replaced != text else text[:position] + "x" + text[position + 1 :]


@st.composite
def mutations(draw: st.DrawFn, document: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """One mutation of one place in ``document``: (description, mutated copy)."""
    mutated = copy.deepcopy(document)
    path = draw(st.sampled_from(nodes(mutated)[1:]))
    parent, last = get(mutated, path[:-1]), path[-1]
    value = parent[last]
    kinds = ["delete", "replace-type", "add-unknown-key"]
    if isinstance(value, str):
        kinds += ["change-char", "change-char", "nfd"]
    if isinstance(value, bool | int | float) and not isinstance(value, str):
        kinds.append("flip")
    if isinstance(value, list) and value:
        kinds += ["duplicate-element", "reverse"]
    if isinstance(last, str):
        kinds.append("rename-key")
    kind = draw(st.sampled_from(kinds))
    if kind == "delete":
        del parent[last]
    elif kind == "replace-type":
        parent[last] = draw(st.sampled_from([None, 7, True, [], {}, "", ["x"]]))
    elif kind == "add-unknown-key":
        target = value if isinstance(value, dict) else parent
        if not isinstance(target, dict):
            target = mutated
        target["unknownTerm한"] = draw(st.sampled_from(["x", 1, {"a": "b"}]))
    elif kind == "change-char":
        position = draw(st.integers(0, max(len(value) - 1, 0)))
        parent[last] = one_char_changed(value, position, draw(st.sampled_from(REPLACEMENTS)))
    elif kind == "nfd":
        # Same text to a reader, other code points: a signature covers code points.
        decomposed = unicodedata.normalize("NFD", value)
        parent[last] = decomposed if decomposed != value else value + "\u0301"
    elif kind == "flip":
        parent[last] = (not value) if isinstance(value, bool) else value + 1
    elif kind == "duplicate-element":
        index = draw(st.integers(0, len(value) - 1))
        value.insert(index, copy.deepcopy(value[index]))
    elif kind == "reverse":
        value.reverse()
    elif kind == "rename-key":
        assert isinstance(last, str)
        position = draw(st.integers(0, max(len(last) - 1, 0)))
        renamed = one_char_changed(last, position, draw(st.sampled_from(REPLACEMENTS)))
        parent[renamed] = parent.pop(last)
    return f"{kind} at {'/'.join(map(str, path))}", mutated


def proof_check(report: Report) -> str | None:
    check = report.check("proof")
    return check.status if check is not None else None


# -- tests ----------------------------------------------------------------------------------------


def test_the_unmutated_credentials_verify(contexts: dict[str, Any]) -> None:
    original = json.loads(signed_credential())
    assert None not in signed_state(original, contexts)  # type: ignore[operator]
    for data in (signed_credential(), signed_jwt()):
        report = verify(data, now=NOW)
        assert report.valid, report.to_dict()


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_data_integrity_credential_fails_whenever_its_canonical_form_changes(
    contexts: dict[str, Any], data: st.DataObject
) -> None:
    original = json.loads(signed_credential())
    description, mutated = data.draw(mutations(original), label="mutation")
    report = verify(mutated, now=NOW)
    if signed_state(mutated, contexts) != signed_state(original, contexts):
        event("signed graph changed")
        assert not report.valid, description
        assert proof_check(report) != "pass" or not safe_mode_accepts(mutated), description
    elif safe_mode_accepts(mutated):
        event("same signed graph")
        assert proof_check(report) == "pass", (description, report.to_dict())
    else:
        event("same signed graph, refused by safe mode")
        assert not report.valid, description


def test_reordered_and_repeated_types_are_the_same_rdf_and_still_verify(contexts: dict[str, Any]) -> None:
    original = json.loads(signed_credential())
    for change in (list.reverse, lambda types: types.append(types[0])):
        mutated = copy.deepcopy(original)
        change(mutated["type"])
        assert signed_state(mutated, contexts) == signed_state(original, contexts)
        assert proof_check(verify(mutated, now=NOW)) == "pass"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@settings(max_examples=150, deadline=None, database=None)
@given(data=st.data())
def test_a_vc_jwt_fails_whenever_its_signed_bytes_change(data: st.DataObject) -> None:
    header_b64, payload_b64, signature = signed_jwt().split(".")
    part = data.draw(st.sampled_from(["header", "payload"]), label="part")
    original = json.loads(_unb64(header_b64 if part == "header" else payload_b64))
    description, mutated = data.draw(mutations(original), label="mutation")
    encoded = _b64(json.dumps(mutated, ensure_ascii=False, separators=(",", ":")).encode())
    assume(encoded != (header_b64 if part == "header" else payload_b64))  # e.g. a one-element list reversed
    token = (
        f"{encoded}.{payload_b64}.{signature}" if part == "header" else f"{header_b64}.{encoded}.{signature}"
    )
    report = verify(token, now=NOW)
    assert not report.valid, f"{part}: {description}"
