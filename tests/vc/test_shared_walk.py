"""One compiled walk of a signed credential serves the verifier's JSON-LD check and its proof
check: the quads it sets apart for the document without its proof canonicalize exactly as that
document does when it is walked on its own, and they are used for no other document."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bench.credentials import credentials as bench_credentials
from laurel.vc import compiled, data_integrity, jsonld, rdfc, verify
from laurel.vc.compiled import NotCompilable, canonize_compiled, to_quads, walk_signed
from laurel.vc.keys import KeyPair
from tests.vc.ob3_strategies import CONTEXT_SETS, credentials, proofs

WHOLE_CREDENTIALS = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def _with_proof(credential: dict[str, Any], proof: Any, position: int) -> dict[str, Any]:
    members = list(credential.items())
    return dict([*members[:position], ("proof", proof), *members[position:]])


def _unsecured(signed: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in signed.items() if name != "proof"}


@WHOLE_CREDENTIALS
@given(data=st.data())
def test_the_quads_set_apart_canonicalize_as_the_document_without_its_proof(data: st.DataObject) -> None:
    contexts = data.draw(st.sampled_from(CONTEXT_SETS))
    credential = data.draw(credentials(contexts, with_proof=False))
    proof = data.draw(proofs(contexts) | st.lists(proofs(contexts), min_size=1, max_size=2))
    signed = _with_proof(credential, proof, data.draw(st.integers(0, len(credential))))
    try:
        expected = canonize_compiled(credential)
    except jsonld.JsonLdError:
        event("the document alone is not compiled")
        with pytest.raises(jsonld.JsonLdError):  # then neither is it with a proof
            walk_signed(signed)
        return
    try:
        walked = walk_signed(signed)
    except NotCompilable:
        event("the proof is not compiled")
        return
    assert walked.quads == to_quads(signed)
    quads = walked.unsecured_quads(_unsecured(signed))
    assert quads is not None
    assert rdfc.canonize(quads) == expected


@pytest.fixture
def signed() -> dict[str, Any]:
    key = KeyPair.generate("Ed25519")
    method = key.public_key.verification_method_id()
    credential = bench_credentials(1, seed=5)[0]
    return data_integrity.sign(credential, key, verification_method=method, created="2026-02-01T00:00:00Z")


def test_the_quads_serve_only_the_walked_document_without_its_proof(signed: dict[str, Any]) -> None:
    walked = walk_signed(signed)
    unsecured = _unsecured(signed)
    assert walked.unsecured_quads(unsecured) is not None
    # An equal document made of other objects, a changed member, a missing or extra one, the proof kept.
    assert walked.unsecured_quads(dict(jsonld_copy(unsecured))) is None
    assert walked.unsecured_quads({**unsecured, "name": "changed"}) is None
    assert walked.unsecured_quads({k: v for k, v in unsecured.items() if k != "name"}) is None
    assert walked.unsecured_quads({**unsecured, "extra": 1}) is None
    assert walked.unsecured_quads(signed) is None
    # The proof's @context replacing the document's (vc-di-eddsa 3.2.2) is another document too.
    assert walked.unsecured_quads({**unsecured, "@context": list(unsecured["@context"])}) is None


def jsonld_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {name: jsonld_copy(item) for name, item in value.items()}
    if isinstance(value, list):
        return [jsonld_copy(item) for item in value]
    return value


def test_a_document_that_is_only_its_proof_is_not_set_apart() -> None:
    # VC 1.1 defines proof outside any type; without it, this node would be dropped (free-floating).
    proof = {"type": "Ed25519Signature2018", "created": "2020-01-01T00:00:00Z"}
    signed = {"@context": ["https://www.w3.org/2018/credentials/v1"], "id": "urn:uuid:1", "proof": proof}
    walked = walk_signed(signed)
    assert len(walked.quads) == 3  # the proof's type and created, and the statement naming it
    assert walked.unsecured_quads(_unsecured(signed)) is None


def _now(credential: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(credential["validFrom"]) + timedelta(days=1)


def test_a_full_verification_walks_the_signed_document_once(
    signed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    walks: list[Any] = []
    real_to_quads = compiled.to_quads

    def counting(document: Any, *args: Any) -> Any:
        walks.append(document)
        return real_to_quads(document, *args)

    monkeypatch.setattr(compiled, "to_quads", counting)
    report = verify.verify(signed, now=_now(signed))
    assert report.valid
    # Only the small proof configuration is walked again: it has the "cryptosuite" member.
    assert [sorted(document) for document in walks] == [
        ["@context", "created", "cryptosuite", "proofPurpose", "type", "verificationMethod"]
    ]


@pytest.mark.parametrize("change", ["name", "proofValue", "created"])
def test_a_changed_credential_still_fails_its_proof_check(signed: dict[str, Any], change: str) -> None:
    if change == "name":
        signed["name"] = signed["name"] + "!"
    elif change == "proofValue":
        other = KeyPair.generate("Ed25519")
        resigned = data_integrity.sign(
            _unsecured(signed),
            other,
            verification_method=signed["proof"]["verificationMethod"],
            created=signed["proof"]["created"],
        )
        signed["proof"]["proofValue"] = resigned["proof"]["proofValue"]
    else:
        signed["proof"]["created"] = "2026-02-02T00:00:00Z"
    checks = {check.id: check.status for check in verify.verify(signed, now=_now(signed)).checks}
    assert checks["jsonld"] == "pass"
    assert checks["proof"] == "fail"
