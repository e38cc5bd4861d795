"""Legacy proofs (``eddsa-2022``, ``Ed25519Signature2020``) made outside Laurel's code verify.

No official vectors for these are in the conformance data, so each test signs on its own:
the ``cryptography`` Ed25519 API, pyld with the official context files, and a base58 encoder
written here; then Laurel's ``verify`` must accept the result and reject any tampering.
"""

import copy
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyld import jsonld as pyld

from laurel.vc import jsonld
from laurel.vc.data_integrity import (
    ED25519_SIGNATURE_2020,
    EDDSA_2022,
    MalformedProofError,
    MismatchedProofPurposeError,
    ProofVerificationError,
    proof_suite,
    verify,
)

V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
DI_V1 = "https://w3id.org/security/data-integrity/v1"
ED_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
OB_301 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
OFFICIAL_FILES = {
    V1: "2018-credentials-v1.jsonld",
    V2: "credentials-v2.jsonld",
    DI_V1: "data-integrity-v1.jsonld",
    ED_2020: "security-suites-ed25519-2020-v1.jsonld",
    OB_301: "ob-v3p0-3.0.1.json",
}
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
CREATED = "2022-06-01T09:00:00Z"


def _base58(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = ""
    while number:
        number, remainder = divmod(number, 58)
        digits = BASE58[remainder] + digits
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


class Signer:
    """An Ed25519 did:key identity, independent of Laurel's key code."""

    def __init__(self) -> None:
        self.private = Ed25519PrivateKey.generate()
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        fingerprint = "z" + _base58(b"\xed\x01" + raw)
        self.did = f"did:key:{fingerprint}"
        self.method = f"{self.did}#{fingerprint}"


def _official_loader(conformance: Path) -> Callable[..., dict[str, Any]]:
    def load(url: str, options: Any = None) -> dict[str, Any]:
        document = json.loads((conformance / "contexts" / OFFICIAL_FILES[url]).read_text())
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load


def _canonical(document: dict[str, Any], conformance: Path) -> bytes:
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": _official_loader(conformance),
    }
    return pyld.normalize(copy.deepcopy(document), options).encode()


def _sign(
    document: dict[str, Any], proof: dict[str, Any], signer: Signer, conformance: Path
) -> dict[str, Any]:
    config = {"@context": document["@context"], **proof}
    data = hashlib.sha256(_canonical(config, conformance)).digest()
    data += hashlib.sha256(_canonical(document, conformance)).digest()
    return {**document, "proof": {**proof, "proofValue": "z" + _base58(signer.private.sign(data))}}


def _credential(signer: Signer, contexts: list[str]) -> dict[str, Any]:
    return {
        "@context": contexts,
        "id": "urn:uuid:0b7e1f4c-2d1a-4c55-8f2e-9a3c7d6b5e41",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": signer.did, "type": "Profile", "name": "Hanbit Academy"},
        "issuanceDate": "2022-06-01T09:00:00Z",
        "name": "Teamwork",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": "AchievementSubject",
            "achievement": {
                "id": "https://example.com/achievements/teamwork",
                "type": "Achievement",
                "name": "Teamwork",
                "criteria": {"narrative": "Works well with others."},
            },
        },
    }


@pytest.fixture
def signer() -> Signer:
    return Signer()


@pytest.fixture
def eddsa_2022(signer: Signer, conformance: Path) -> dict[str, Any]:
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": EDDSA_2022,
        "created": CREATED,
        "verificationMethod": signer.method,
        "proofPurpose": "assertionMethod",
    }
    return _sign(_credential(signer, [V1, OB_301, DI_V1]), proof, signer, conformance)


@pytest.fixture
def ed25519_2020(signer: Signer, conformance: Path) -> dict[str, Any]:
    proof = {
        "type": ED25519_SIGNATURE_2020,
        "created": CREATED,
        "verificationMethod": signer.method,
        "proofPurpose": "assertionMethod",
    }
    return _sign(_credential(signer, [V1, OB_301, ED_2020]), proof, signer, conformance)


LEGACY = ["eddsa_2022", "ed25519_2020"]


@pytest.fixture(params=LEGACY)
def legacy(request: pytest.FixtureRequest) -> dict[str, Any]:
    document: dict[str, Any] = request.getfixturevalue(request.param)
    return document


def test_a_legacy_eddsa_2022_proof_verifies(eddsa_2022: dict[str, Any]) -> None:
    assert proof_suite(eddsa_2022["proof"]) == EDDSA_2022
    assert verify(eddsa_2022)["cryptosuite"] == EDDSA_2022


def test_a_legacy_ed25519_signature_2020_proof_verifies(ed25519_2020: dict[str, Any]) -> None:
    assert proof_suite(ed25519_2020["proof"]) == ED25519_SIGNATURE_2020
    assert verify(ed25519_2020)["type"] == ED25519_SIGNATURE_2020


def test_ed25519_signature_2020_adds_its_context_when_the_document_lacks_it(
    signer: Signer, conformance: Path
) -> None:
    # Signers add the suite context to the proof configuration only, as jsonld-signatures does.
    proof = {
        "type": ED25519_SIGNATURE_2020,
        "created": CREATED,
        "verificationMethod": signer.method,
        "proofPurpose": "assertionMethod",
    }
    document = {
        "@context": [V2],
        "id": "urn:uuid:5d1c2e3f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
        "type": ["VerifiableCredential"],
        "issuer": signer.did,
        "credentialSubject": {"id": "did:example:learner"},
    }
    config = {"@context": [V2, ED_2020], **proof}
    data = hashlib.sha256(_canonical(config, conformance)).digest()
    data += hashlib.sha256(_canonical(document, conformance)).digest()
    signed = {**document, "proof": {**proof, "proofValue": "z" + _base58(signer.private.sign(data))}}
    assert verify(signed)["type"] == ED25519_SIGNATURE_2020


def test_a_changed_claim_fails(legacy: dict[str, Any]) -> None:
    legacy["credentialSubject"]["achievement"]["name"] = "Solo work"
    with pytest.raises(ProofVerificationError, match="signature"):
        verify(legacy)


def test_a_changed_proof_option_fails(legacy: dict[str, Any]) -> None:
    legacy["proof"]["created"] = "2022-06-02T09:00:00Z"
    with pytest.raises(ProofVerificationError, match="signature"):
        verify(legacy)


def test_another_signers_key_fails(legacy: dict[str, Any]) -> None:
    legacy["proof"]["verificationMethod"] = Signer().method
    with pytest.raises(ProofVerificationError, match="signature"):
        verify(legacy)


def test_the_wrong_purpose_fails(legacy: dict[str, Any]) -> None:
    with pytest.raises(MismatchedProofPurposeError):
        verify(legacy, expected_proof_purpose="authentication")


def test_a_malformed_proof_value_fails(legacy: dict[str, Any]) -> None:
    legacy["proof"]["proofValue"] = legacy["proof"]["proofValue"][:-4]
    with pytest.raises(MalformedProofError):
        verify(legacy)


def test_an_undefined_term_added_after_signing_is_an_error(legacy: dict[str, Any]) -> None:
    legacy["credentialSubject"]["achievement"]["level"] = "gold"
    with pytest.raises(jsonld.SafeModeError, match=r"credentialSubject\.achievement\.level"):
        verify(legacy)
