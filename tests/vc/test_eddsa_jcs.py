import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from laurel.vc import multibase
from laurel.vc.data_integrity import (
    MalformedProofError,
    ProofGenerationError,
    ProofVerificationError,
    hash_jcs,
    proof_config_jcs,
    sign_jcs,
    verify_jcs,
)
from laurel.vc.jcs import canonicalize
from laurel.vc.keys import KeyPair, PublicKey

CREATED = "2023-02-24T23:36:38Z"


@pytest.fixture
def vectors(conformance: Path) -> Path:
    return conformance / "vc-di-eddsa" / "eddsa-jcs-2022"


@pytest.fixture
def key(conformance: Path) -> KeyPair:
    pair = json.loads((conformance / "vc-di-eddsa" / "keyPair.json").read_text())
    return KeyPair.from_multikey(pair["privateKeyMultibase"], pair["publicKeyMultibase"])


@pytest.fixture
def unsigned(conformance: Path) -> dict[str, Any]:
    return json.loads((conformance / "vc-di-eddsa" / "unsigned.json").read_text())


@pytest.fixture
def signed(vectors: Path) -> dict[str, Any]:
    return json.loads((vectors / "signedJCS.json").read_text())


def _text(path: Path) -> str:
    # The spec's values have no trailing newline; tolerate one if a file gains it.
    return path.read_text(encoding="utf-8").removesuffix("\n")


def test_it_canonicalizes_the_document_as_the_spec(vectors: Path, unsigned: dict[str, Any]) -> None:
    canonical = canonicalize(unsigned)
    assert canonical.decode("utf-8") == _text(vectors / "canonDocJCS.txt")
    assert hashlib.sha256(canonical).hexdigest() == _text(vectors / "docHashJCS.txt")


def test_it_builds_and_hashes_the_proof_configuration(
    vectors: Path, unsigned: dict[str, Any], key: KeyPair
) -> None:
    config = proof_config_jcs(
        unsigned, verification_method=key.public_key.verification_method_id(), created=CREATED
    )
    assert config == json.loads((vectors / "proofConfigJCS.json").read_text())
    canonical = canonicalize(config)
    assert canonical.decode("utf-8") == _text(vectors / "proofCanonJCS.txt")
    assert hashlib.sha256(canonical).hexdigest() == _text(vectors / "proofHashJCS.txt")
    assert hash_jcs(config, unsigned).hex() == _text(vectors / "combinedHashJCS.txt")


def test_it_signs_byte_for_byte_as_the_spec(
    vectors: Path, unsigned: dict[str, Any], signed: dict[str, Any], key: KeyPair
) -> None:
    result = sign_jcs(
        unsigned, key, verification_method=key.public_key.verification_method_id(), created=CREATED
    )
    proof_value = result["proof"]["proofValue"]
    assert proof_value == _text(vectors / "sigBTC58JCS.txt")
    assert multibase.decode(proof_value).hex() == _text(vectors / "sigHexJCS.txt")
    assert result == signed
    assert "proof" not in unsigned  # the input is not modified


def test_it_verifies_the_spec_signed_document(signed: dict[str, Any]) -> None:
    verify_jcs(signed)


def test_it_verifies_its_own_proof_with_a_fresh_key(unsigned: dict[str, Any]) -> None:
    pair = KeyPair.generate()
    result = sign_jcs(
        unsigned, pair, verification_method=pair.public_key.verification_method_id(), created=CREATED
    )
    verify_jcs(result, lambda method: pair.public_key)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("name",), "Forged Credential"),
        (("credentialSubject", "alumniOf"), "Another School"),
        (("proof", "created"), "2024-02-24T23:36:38Z"),
        (("proof", "proofPurpose"), "authentication"),
    ],
)
def test_it_rejects_a_tampered_field(signed: dict[str, Any], path: tuple[str, ...], value: str) -> None:
    target = signed
    for name in path[:-1]:
        target = target[name]
    target[path[-1]] = value
    with pytest.raises(ProofVerificationError):
        verify_jcs(signed, expected_proof_purpose=None)


def test_it_rejects_an_added_member(signed: dict[str, Any]) -> None:
    signed["expires"] = "2030-01-01T00:00:00Z"
    with pytest.raises(ProofVerificationError, match="signature"):
        verify_jcs(signed)


def test_it_rejects_a_wrong_key(signed: dict[str, Any]) -> None:
    other = KeyPair.generate().public_key
    with pytest.raises(ProofVerificationError, match="signature"):
        verify_jcs(signed, lambda method: other)


def test_it_rejects_a_non_ed25519_key(signed: dict[str, Any]) -> None:
    other = KeyPair.generate("P-256").public_key
    with pytest.raises(ProofVerificationError, match="Ed25519"):
        verify_jcs(signed, lambda method: other)


def test_it_rejects_a_document_whose_context_does_not_start_with_the_proofs(signed: dict[str, Any]) -> None:
    signed["@context"] = list(reversed(signed["@context"]))
    with pytest.raises(ProofVerificationError, match="@context"):
        verify_jcs(signed)


def test_it_accepts_extra_document_contexts_after_the_proofs(unsigned: dict[str, Any]) -> None:
    # The spec lets the document's @context extend the proof's; the proof's is what was signed.
    pair = KeyPair.generate()
    result = sign_jcs(
        unsigned, pair, verification_method=pair.public_key.verification_method_id(), created=CREATED
    )
    result["@context"] = [*result["@context"], "https://example.org/extra/v1"]
    verify_jcs(result)


def test_it_checks_the_proof_purpose(signed: dict[str, Any]) -> None:
    with pytest.raises(ProofVerificationError, match="proofPurpose"):
        verify_jcs(signed, expected_proof_purpose="authentication")


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("type", "Ed25519Signature2020"),
        ("cryptosuite", "eddsa-rdfc-2022"),
        ("created", "yesterday"),
        ("proofValue", "uAAAA"),
        ("proofValue", "z0OIl"),
        ("proofValue", "z" + multibase.encode_base58btc(b"\1" * 63)),
        ("verificationMethod", None),
    ],
)
def test_it_rejects_a_malformed_proof(signed: dict[str, Any], member: str, value: Any) -> None:
    signed["proof"][member] = value
    with pytest.raises(MalformedProofError):
        verify_jcs(signed)


def test_it_rejects_a_document_without_a_single_proof(signed: dict[str, Any]) -> None:
    for proof in [None, [signed["proof"]]]:
        document = copy.deepcopy(signed)
        document["proof"] = proof
        with pytest.raises(MalformedProofError):
            verify_jcs(document)


def test_it_rejects_an_unresolvable_verification_method(signed: dict[str, Any]) -> None:
    signed["proof"]["verificationMethod"] = "did:key:zNotAKey#zNotAKey"
    with pytest.raises(ProofVerificationError, match="resolve"):
        verify_jcs(signed)


def test_it_refuses_to_sign_with_bad_inputs(unsigned: dict[str, Any], key: KeyPair) -> None:
    method = key.public_key.verification_method_id()
    with pytest.raises(ProofGenerationError, match="created"):
        sign_jcs(unsigned, key, verification_method=method, created="2023-02-30 noon")
    with pytest.raises(ProofGenerationError, match="Ed25519"):
        sign_jcs(unsigned, KeyPair.generate("P-256"), verification_method=method, created=CREATED)
    with pytest.raises(ProofGenerationError, match="already"):
        sign_jcs({**unsigned, "proof": {}}, key, verification_method=method, created=CREATED)


def test_the_resolved_key_matches_the_conformance_key(signed: dict[str, Any], key: KeyPair) -> None:
    method = signed["proof"]["verificationMethod"]
    assert PublicKey.from_multikey(method.split("#")[1]) == key.public_key
