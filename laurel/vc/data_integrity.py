"""Verifiable Credential Data Integrity proofs (https://www.w3.org/TR/vc-data-integrity/).

Implemented cryptosuite: ``eddsa-jcs-2022`` from Data Integrity EdDSA Cryptosuites v1.0
(https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022), section 3.3:

- proof configuration: the proof options (``type``, ``cryptosuite``, ``created``,
  ``verificationMethod``, ``proofPurpose``) plus the document's ``@context``;
- transformation: JCS (RFC 8785) of the document without its ``proof``;
- hashing: ``SHA-256(JCS(proof configuration)) || SHA-256(JCS(document))``;
- signature: Ed25519 over those 64 bytes, stored as a base58btc multibase ``proofValue``.

Failures raise a subclass of :class:`DataIntegrityError` whose ``code`` is the error name the
Data Integrity specification uses.
"""

import copy
import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any

from laurel.vc import jcs, multibase
from laurel.vc.keys import (
    InvalidSignatureError,
    KeyFormatError,
    KeyPair,
    PublicKey,
    public_key_from_verification_method,
)

PROOF_TYPE = "DataIntegrityProof"
EDDSA_JCS_2022 = "eddsa-jcs-2022"
ED25519_SIGNATURE_BYTES = 64

# XML Schema 1.1 dateTime (https://www.w3.org/TR/xmlschema11-2/#dateTime), which ``created`` must be.
_XSD_DATETIME = re.compile(
    r"-?(?:[1-9]\d{3,}|\d{4})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?|24:00:00(?:\.0+)?)"
    r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
)

PublicKeyResolver = Callable[[str], PublicKey]


class DataIntegrityError(ValueError):
    """A Data Integrity proof cannot be created or does not verify."""

    code = "PROOF_VERIFICATION_ERROR"


class ProofGenerationError(DataIntegrityError):
    """The document, options or key cannot produce a proof."""

    code = "PROOF_GENERATION_ERROR"


class MalformedProofError(DataIntegrityError):
    """The proof is missing, of another type or cryptosuite, or has malformed members."""

    code = "MALFORMED_PROOF_ERROR"


class ProofVerificationError(DataIntegrityError):
    """The proof is well formed but does not verify: wrong key, changed data or context mismatch."""

    code = "PROOF_VERIFICATION_ERROR"


def _as_list(context: Any) -> list[Any]:
    """``@context`` may be a single value or an ordered list of values."""
    return list(context) if isinstance(context, list) else [context]


def proof_config_jcs(
    document: Mapping[str, Any],
    *,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """Build the ``eddsa-jcs-2022`` proof configuration (vc-di-eddsa section 3.3.5)."""
    if not isinstance(created, str) or not _XSD_DATETIME.fullmatch(created):
        raise ProofGenerationError(f"created is not an XML Schema dateTime: {created!r}")
    if not isinstance(verification_method, str) or not verification_method:
        raise ProofGenerationError("verificationMethod must be a non-empty string")
    if not isinstance(proof_purpose, str) or not proof_purpose:
        raise ProofGenerationError("proofPurpose must be a non-empty string")
    config: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": EDDSA_JCS_2022,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if "@context" in document:
        config["@context"] = copy.deepcopy(document["@context"])
    return config


def hash_jcs(proof_config: Mapping[str, Any], document: Mapping[str, Any]) -> bytes:
    """The 64 bytes that are signed: SHA-256 of each JCS form, proof configuration first."""
    try:
        proof_hash = hashlib.sha256(jcs.canonicalize(proof_config)).digest()
        document_hash = hashlib.sha256(jcs.canonicalize(document)).digest()
    except jcs.CanonicalizationError as error:
        raise DataIntegrityError(f"cannot canonicalize: {error}") from error
    return proof_hash + document_hash


def sign_jcs(
    document: Mapping[str, Any],
    key: KeyPair,
    *,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """Return a copy of ``document`` secured with an ``eddsa-jcs-2022`` proof.

    ``created`` is passed in rather than read from the clock so signing is reproducible.
    """
    if "proof" in document:
        raise ProofGenerationError("the document already has a proof; proof sets are not supported")
    if key.kind != "Ed25519":
        raise ProofGenerationError(f"eddsa-jcs-2022 needs an Ed25519 key, not {key.kind}")
    config = proof_config_jcs(
        document, verification_method=verification_method, created=created, proof_purpose=proof_purpose
    )
    try:
        signature = key.sign(hash_jcs(config, document))
    except DataIntegrityError as error:
        raise ProofGenerationError(str(error)) from error
    signed = copy.deepcopy(dict(document))
    signed["proof"] = {**config, "proofValue": multibase.encode(signature)}
    return signed


def _check_proof_options(options: Mapping[str, Any], expected_proof_purpose: str | None) -> str:
    """Check the proof's members before any cryptography; return its verification method."""
    if options.get("type") != PROOF_TYPE:
        raise MalformedProofError(f"proof type must be {PROOF_TYPE}, not {options.get('type')!r}")
    if options.get("cryptosuite") != EDDSA_JCS_2022:
        raise MalformedProofError(f"cryptosuite must be {EDDSA_JCS_2022}, not {options.get('cryptosuite')!r}")
    created = options.get("created")
    if created is not None and (not isinstance(created, str) or not _XSD_DATETIME.fullmatch(created)):
        raise MalformedProofError(f"created is not an XML Schema dateTime: {created!r}")
    purpose = options.get("proofPurpose")
    if not isinstance(purpose, str):
        raise MalformedProofError("proofPurpose is missing")
    if expected_proof_purpose is not None and purpose != expected_proof_purpose:
        raise ProofVerificationError(f"proofPurpose is {purpose!r}, expected {expected_proof_purpose!r}")
    method = options.get("verificationMethod")
    if not isinstance(method, str) or not method:
        raise MalformedProofError("verificationMethod is missing")
    return method


def _decode_proof_value(value: Any) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise MalformedProofError("proofValue must be a base58btc multibase string (start with 'z')")
    try:
        signature = multibase.decode(value)
    except multibase.MultibaseError as error:
        raise MalformedProofError(f"proofValue: {error}") from error
    if len(signature) != ED25519_SIGNATURE_BYTES:
        raise MalformedProofError(f"an Ed25519 signature is 64 bytes, not {len(signature)}")
    return signature


def verify_jcs(
    signed: Mapping[str, Any],
    public_key_resolver: PublicKeyResolver = public_key_from_verification_method,
    *,
    expected_proof_purpose: str | None = "assertionMethod",
) -> None:
    """Verify an ``eddsa-jcs-2022`` proof (vc-di-eddsa section 3.3.2); raise if it fails.

    ``public_key_resolver`` maps the proof's ``verificationMethod`` to its key; the default
    decodes did:key methods offline. Any problem raises a :class:`DataIntegrityError`.
    """
    proof = signed.get("proof") if isinstance(signed, Mapping) else None
    if not isinstance(proof, Mapping):
        raise MalformedProofError("the document has no proof object (proof sets are not supported)")
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    signature = _decode_proof_value(proof.get("proofValue"))
    method = _check_proof_options(options, expected_proof_purpose)

    unsecured = {name: value for name, value in signed.items() if name != "proof"}
    if "@context" in options:
        # The document's contexts must begin with the proof's, in order (section 3.3.2 step 4).
        proof_context = _as_list(options["@context"])
        document_context = _as_list(unsecured.get("@context", []))
        if document_context[: len(proof_context)] != proof_context:
            raise ProofVerificationError("the document's @context does not start with the proof's @context")
        unsecured["@context"] = options["@context"]

    try:
        public_key = public_key_resolver(method)
    except KeyFormatError as error:
        raise ProofVerificationError(f"cannot resolve verificationMethod {method!r}: {error}") from error
    if public_key.kind != "Ed25519":
        raise ProofVerificationError(f"eddsa-jcs-2022 needs an Ed25519 key, not {public_key.kind}")
    data = hash_jcs(options, unsecured)
    try:
        public_key.verify(data, signature)
    except InvalidSignatureError as error:
        raise ProofVerificationError(f"signature does not verify: {error}") from error
