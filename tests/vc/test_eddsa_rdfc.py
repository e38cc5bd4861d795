import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from laurel.vc import jsonld
from laurel.vc.data_integrity import (
    EDDSA_JCS_2022,
    EDDSA_RDFC_2022,
    MalformedProofError,
    MismatchedProofPurposeError,
    ProofGenerationError,
    ProofVerificationError,
    UnknownCryptosuiteError,
    hash_rdfc,
    proof_config_rdfc,
    proof_suite,
    sign,
    verify,
)
from laurel.vc.keys import KeyPair, PublicKey

CREATED = "2023-02-24T23:36:38Z"
DID = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
METHOD = f"{DID}#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture
def vectors(conformance: Path) -> Path:
    return conformance / "vc-di-eddsa" / "eddsa-rdfc-2022"


@pytest.fixture
def key(conformance: Path) -> KeyPair:
    pair = json.loads(_text(conformance / "vc-di-eddsa" / "keyPair.json"))
    return KeyPair.from_multikey(pair["privateKeyMultibase"], pair["publicKeyMultibase"])


@pytest.fixture
def unsigned(conformance: Path) -> dict[str, Any]:
    return json.loads(_text(conformance / "vc-di-eddsa" / "unsigned.json"))


@pytest.fixture
def signed(vectors: Path) -> dict[str, Any]:
    return json.loads(_text(vectors / "signedDataInt.json"))


@pytest.fixture
def ob3(conformance: Path) -> dict[str, Any]:
    return json.loads(_text(conformance / "ob3-rdfc-vector" / "vector.json"))


def _config(unsigned: dict[str, Any]) -> dict[str, Any]:
    return proof_config_rdfc(unsigned, verification_method=METHOD, created=CREATED)


def test_it_canonicalizes_the_document_as_the_spec(vectors: Path, unsigned: dict[str, Any]) -> None:
    canonical = jsonld.canonize(unsigned)
    assert canonical == _text(vectors / "canonDocDataInt.txt")
    assert hashlib.sha256(canonical.encode()).hexdigest() == _text(vectors / "docHashDataInt.txt").strip()


def test_it_builds_and_canonicalizes_the_proof_configuration(vectors: Path, unsigned: dict[str, Any]) -> None:
    config = _config(unsigned)
    assert config == json.loads(_text(vectors / "proofConfigDataInt.json"))
    canonical = jsonld.canonize(config)
    assert canonical == _text(vectors / "proofCanonDataInt.txt")
    assert hashlib.sha256(canonical.encode()).hexdigest() == _text(vectors / "proofHashDataInt.txt").strip()


def test_it_hashes_proof_configuration_then_document(vectors: Path, unsigned: dict[str, Any]) -> None:
    combined = hash_rdfc(_config(unsigned), unsigned)
    assert combined.hex() == _text(vectors / "combinedHashDataInt.txt").strip()


def test_it_signs_as_the_spec(vectors: Path, unsigned: dict[str, Any], key: KeyPair) -> None:
    signature = key.sign(hash_rdfc(_config(unsigned), unsigned))
    assert signature.hex() == _text(vectors / "sigHexDataInt.txt").strip()


def test_the_signed_document_matches_the_spec(
    vectors: Path, unsigned: dict[str, Any], key: KeyPair, signed: dict[str, Any]
) -> None:
    result = sign(unsigned, key, verification_method=METHOD, created=CREATED)
    assert result == signed
    assert result["proof"]["proofValue"] == _text(vectors / "sigBTC58DataInt.txt").strip()
    assert "proof" not in unsigned


def test_it_verifies_the_spec_document(signed: dict[str, Any]) -> None:
    proof = verify(signed)
    assert proof["cryptosuite"] == EDDSA_RDFC_2022
    assert proof_suite(signed["proof"]) == EDDSA_RDFC_2022


def _ob3_resolver(ob3: dict[str, Any]) -> Any:
    public = PublicKey.from_multikey(ob3["keyPair"]["publicKeyMultibase"])
    return lambda method: public if method == ob3["proofOptions"]["verificationMethod"] else None


def test_it_reproduces_the_open_badges_worked_example(conformance: Path, ob3: dict[str, Any]) -> None:
    folder = conformance / "ob3-rdfc-vector"
    expected = ob3["expected"]
    options = ob3["proofOptions"]
    unsigned = ob3["unsigned"]
    config = proof_config_rdfc(
        unsigned, verification_method=options["verificationMethod"], created=options["created"]
    )
    assert {name: value for name, value in config.items() if name != "@context"} == options
    document_canon = jsonld.canonize(unsigned)
    proof_canon = jsonld.canonize(config)
    assert document_canon == _text(folder / expected["documentCanonicalFile"])
    assert proof_canon == _text(folder / expected["proofCanonicalFile"])
    assert hashlib.sha256(document_canon.encode()).hexdigest() == expected["documentHashHex"]
    assert hashlib.sha256(proof_canon.encode()).hexdigest() == expected["proofHashHex"]

    key = KeyPair.from_multikey(ob3["keyPair"]["secretKeyMultibase"], ob3["keyPair"]["publicKeyMultibase"])
    assert key.public_key.raw().hex() == ob3["keyPair"]["publicKeyHex"]
    assert key.sign(hash_rdfc(config, unsigned)).hex() == expected["signatureHex"]
    result = sign(
        unsigned, key, verification_method=options["verificationMethod"], created=options["created"]
    )
    assert result["proof"]["proofValue"] == expected["proofValue"]
    assert verify(result, _ob3_resolver(ob3)) == result["proof"]


def test_jcs_proofs_are_made_and_verified_through_the_same_api(
    unsigned: dict[str, Any], key: KeyPair
) -> None:
    result = sign(unsigned, key, verification_method=METHOD, created=CREATED, cryptosuite=EDDSA_JCS_2022)
    assert result["proof"]["cryptosuite"] == EDDSA_JCS_2022
    assert verify(result)["cryptosuite"] == EDDSA_JCS_2022


def test_a_changed_claim_fails(signed: dict[str, Any]) -> None:
    signed["credentialSubject"]["alumniOf"] = "The School of Pranks"
    with pytest.raises(ProofVerificationError, match="signature"):
        verify(signed)


def test_a_changed_proof_option_fails(signed: dict[str, Any]) -> None:
    signed["proof"]["created"] = "2023-02-24T23:36:39Z"
    with pytest.raises(ProofVerificationError, match="signature"):
        verify(signed)


def test_reordering_json_members_does_not_matter(signed: dict[str, Any]) -> None:
    reordered = dict(reversed(list(signed.items())))
    assert verify(reordered)["proofValue"] == signed["proof"]["proofValue"]


def test_a_term_added_after_signing_is_not_silently_ignored(ob3: dict[str, Any]) -> None:
    key = KeyPair.from_multikey(ob3["keyPair"]["secretKeyMultibase"], ob3["keyPair"]["publicKeyMultibase"])
    options = ob3["proofOptions"]
    signed = sign(
        ob3["unsigned"], key, verification_method=options["verificationMethod"], created=options["created"]
    )
    # Without safe mode "grade" would be dropped from the canonical form and the proof would pass.
    signed["credentialSubject"]["achievement"]["grade"] = "A+"
    with pytest.raises(jsonld.SafeModeError, match=r"credentialSubject\.achievement\.grade"):
        verify(signed, _ob3_resolver(ob3))


def test_an_unknown_context_is_a_json_ld_error(signed: dict[str, Any]) -> None:
    signed["@context"].append("https://example.com/attacker-context")
    with pytest.raises(jsonld.UnknownContextError):
        verify(signed)


def test_the_wrong_key_fails(signed: dict[str, Any]) -> None:
    other = KeyPair.generate().public_key
    with pytest.raises(ProofVerificationError, match="signature"):
        verify(signed, lambda method: other)


def test_a_key_of_another_kind_fails(signed: dict[str, Any]) -> None:
    p256 = KeyPair.generate("P-256").public_key
    with pytest.raises(ProofVerificationError, match="Ed25519"):
        verify(signed, lambda method: p256)


def test_the_wrong_purpose_fails(signed: dict[str, Any]) -> None:
    with pytest.raises(MismatchedProofPurposeError) as caught:
        verify(signed, expected_proof_purpose="authentication")
    assert caught.value.code == "MISMATCHED_PROOF_PURPOSE_ERROR"


def test_a_proof_context_that_does_not_begin_the_documents_fails(signed: dict[str, Any]) -> None:
    signed["proof"]["@context"] = ["https://www.w3.org/ns/credentials/examples/v2"]
    with pytest.raises(ProofVerificationError, match="@context"):
        verify(signed)


def test_a_matching_proof_context_verifies(signed: dict[str, Any]) -> None:
    signed["proof"]["@context"] = copy.deepcopy(signed["@context"])
    assert verify(signed)


def test_an_unknown_cryptosuite_is_refused(signed: dict[str, Any]) -> None:
    signed["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    with pytest.raises(UnknownCryptosuiteError) as caught:
        verify(signed)
    assert caught.value.code == "MALFORMED_PROOF_ERROR"


def test_an_unknown_proof_type_is_refused(signed: dict[str, Any]) -> None:
    signed["proof"]["type"] = "RsaSignature2018"
    with pytest.raises(UnknownCryptosuiteError):
        verify(signed)


@pytest.mark.parametrize(
    "proof_value",
    ["", "u" + "A" * 86, "z0OIl", "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq", 42],
    ids=["empty", "base64url", "not-base58", "too-short", "number"],
)
def test_a_malformed_proof_value_is_refused(signed: dict[str, Any], proof_value: Any) -> None:
    signed["proof"]["proofValue"] = proof_value
    with pytest.raises(MalformedProofError):
        verify(signed)


@pytest.mark.parametrize("missing", ["proofPurpose", "verificationMethod"])
def test_a_proof_without_a_required_member_is_malformed(signed: dict[str, Any], missing: str) -> None:
    del signed["proof"][missing]
    with pytest.raises(MalformedProofError):
        verify(signed)


@pytest.mark.parametrize("proof", [None, [], "proof"], ids=["none", "set", "string"])
def test_a_document_without_a_proof_object_is_malformed(signed: dict[str, Any], proof: Any) -> None:
    signed["proof"] = proof
    with pytest.raises(MalformedProofError):
        verify(signed)


def test_an_unresolvable_method_fails(signed: dict[str, Any]) -> None:
    signed["proof"]["verificationMethod"] = "did:key:zNotAKey#zNotAKey"
    with pytest.raises(ProofVerificationError, match="resolve"):
        verify(signed)


def test_signing_refuses_bad_input(unsigned: dict[str, Any], key: KeyPair) -> None:
    with pytest.raises(ProofGenerationError, match="created"):
        sign(unsigned, key, verification_method=METHOD, created="yesterday")
    with pytest.raises(ProofGenerationError, match="Ed25519"):
        sign(unsigned, KeyPair.generate("P-256"), verification_method=METHOD, created=CREATED)
    with pytest.raises(ProofGenerationError, match="already"):
        sign({**unsigned, "proof": {}}, key, verification_method=METHOD, created=CREATED)
    with pytest.raises(ProofGenerationError, match="@context"):
        sign({"id": "urn:x"}, key, verification_method=METHOD, created=CREATED)
    with pytest.raises(ProofGenerationError, match="eddsa-2022"):
        sign(unsigned, key, verification_method=METHOD, created=CREATED, cryptosuite="eddsa-2022")


def test_signing_refuses_what_safe_mode_refuses(unsigned: dict[str, Any], key: KeyPair) -> None:
    unsigned["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    with pytest.raises(jsonld.SafeModeError, match="alumniOf"):
        sign(unsigned, key, verification_method=METHOD, created=CREATED)


def test_a_caller_supplied_context_is_used_for_signing_and_verifying(key: KeyPair) -> None:
    extra = {"https://example.com/ctx": {"@context": {"colour": "https://example.com/vocab#colour"}}}
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://example.com/ctx"],
        "id": "urn:uuid:8b0e6c56-3a4a-4f0e-9a57-6d2b5b7d0c11",
        "type": ["VerifiableCredential"],
        "issuer": DID,
        "credentialSubject": {"id": "did:example:1", "colour": "blue"},
    }
    result = sign(document, key, verification_method=METHOD, created=CREATED, extra_contexts=extra)
    assert verify(result, extra_contexts=extra)
    with pytest.raises(jsonld.UnknownContextError):
        verify(result)
