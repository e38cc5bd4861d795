"""Verifiable Credential Data Integrity proofs (https://www.w3.org/TR/vc-data-integrity/).

Cryptosuites from Data Integrity EdDSA Cryptosuites v1.0 (https://www.w3.org/TR/vc-di-eddsa/):

- ``eddsa-rdfc-2022`` (section 3.2, Laurel's default): as below, but both the proof
  configuration and the document are transformed with RDF Dataset Canonicalization (RDFC-1.0)
  of their JSON-LD, expanded offline in safe mode (:mod:`laurel.vc.jsonld`);
- ``eddsa-jcs-2022`` (section 3.3), described below;
- verified only, for credentials issued before them: ``eddsa-2022`` (the same algorithm as
  ``eddsa-rdfc-2022`` under the cryptosuite's earlier name) and the ``Ed25519Signature2020``
  proof type (https://w3c-ccg.github.io/di-eddsa-2020/), whose proof configuration also
  carries the suite's own context.

``eddsa-jcs-2022`` in detail, section 3.3:

- proof configuration: the proof options (``type``, ``cryptosuite``, ``created``,
  ``verificationMethod``, ``proofPurpose``) plus the document's ``@context``;
- transformation: JCS (RFC 8785) of the document without its ``proof``;
- hashing: ``SHA-256(JCS(proof configuration)) || SHA-256(JCS(document))``;
- signature: Ed25519 over those 64 bytes, stored as a base58btc multibase ``proofValue``.

Failures raise a subclass of :class:`DataIntegrityError` whose ``code`` is the error name the
Data Integrity specification uses.
"""

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from laurel.vc import compiled, jcs, jsonld, jsonvalue, multibase, rdfc
from laurel.vc.keys import (
    InvalidSignatureError,
    KeyFormatError,
    KeyPair,
    PublicKey,
    public_key_from_verification_method,
)

PROOF_TYPE = "DataIntegrityProof"
EDDSA_RDFC_2022 = "eddsa-rdfc-2022"
EDDSA_JCS_2022 = "eddsa-jcs-2022"
EDDSA_2022 = "eddsa-2022"
ED25519_SIGNATURE_2020 = "Ed25519Signature2020"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
CRYPTOSUITES = (EDDSA_RDFC_2022, EDDSA_JCS_2022, EDDSA_2022)
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


class UnknownCryptosuiteError(MalformedProofError):
    """The proof names a proof type or cryptosuite Laurel does not implement."""


class MismatchedProofPurposeError(ProofVerificationError):
    """The proof was made for another purpose than the one the verifier expects."""

    code = "MISMATCHED_PROOF_PURPOSE_ERROR"


def _copy_object(value: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of a JSON object as a plain dict, whatever mapping it came as."""
    return jsonvalue.copy(value if type(value) is dict else dict(value))  # type: ignore[no-any-return]


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
        config["@context"] = jsonvalue.copy(document["@context"])
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
        # hash_jcs, with the copy of the document that becomes the signed one made on the way.
        proof_hash = hashlib.sha256(jcs.canonicalize(config)).digest()
        signed, canonical = jcs.copy_and_canonicalize(dict(document))
    except jcs.CanonicalizationError as error:
        raise ProofGenerationError(f"cannot canonicalize: {error}") from error
    signature = key.sign(proof_hash + hashlib.sha256(canonical).digest())
    signed["proof"] = {**config, "proofValue": multibase.encode(signature)}
    return signed


def proof_suite(proof: Mapping[str, Any]) -> str:
    """Name the proof's suite: a Data Integrity cryptosuite or ``Ed25519Signature2020``."""
    if not isinstance(proof, Mapping):
        raise MalformedProofError("the proof is not an object (proof sets are not supported)")
    proof_type = proof.get("type")
    if proof_type == ED25519_SIGNATURE_2020:
        return ED25519_SIGNATURE_2020
    if proof_type != PROOF_TYPE:
        raise UnknownCryptosuiteError(f"unsupported proof type {proof_type!r}")
    cryptosuite = proof.get("cryptosuite")
    if cryptosuite not in CRYPTOSUITES:
        raise UnknownCryptosuiteError(f"unsupported cryptosuite {cryptosuite!r}")
    return str(cryptosuite)


def _check_proof_options(
    options: Mapping[str, Any], expected_proof_purpose: str | None, suite: str = EDDSA_JCS_2022
) -> str:
    """Check the proof's members before any cryptography; return its verification method."""
    if proof_suite(options) != suite:
        raise MalformedProofError(f"the proof is not a {suite} proof")
    created = options.get("created")
    if created is not None and (not isinstance(created, str) or not _XSD_DATETIME.fullmatch(created)):
        raise MalformedProofError(f"created is not an XML Schema dateTime: {created!r}")
    purpose = options.get("proofPurpose")
    if not isinstance(purpose, str):
        raise MalformedProofError("proofPurpose is missing")
    if expected_proof_purpose is not None and purpose != expected_proof_purpose:
        raise MismatchedProofPurposeError(f"proofPurpose is {purpose!r}, expected {expected_proof_purpose!r}")
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
    unsecured = _unsecured_with_proof_context(signed, options)
    public_key = _resolve_ed25519(public_key_resolver, method, EDDSA_JCS_2022)
    _check_signature(public_key, hash_jcs(options, unsecured), signature)


ExtraContexts = Mapping[str, Mapping[str, Any]] | None


def proof_config_rdfc(
    document: Mapping[str, Any],
    *,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
    cryptosuite: str = EDDSA_RDFC_2022,
) -> dict[str, Any]:
    """Build the ``eddsa-rdfc-2022`` proof configuration (vc-di-eddsa section 3.2.5)."""
    if "@context" not in document:
        raise ProofGenerationError(f"{cryptosuite} needs a JSON-LD document with an @context")
    config = proof_config_jcs(
        document, verification_method=verification_method, created=created, proof_purpose=proof_purpose
    )
    config["cryptosuite"] = cryptosuite
    return config


def _canonize(
    document: Mapping[str, Any],
    extra_contexts: ExtraContexts,
    shared: compiled.SharedWalks | None = None,
    walked: compiled.Walked | None = None,
) -> str:
    """RDFC-1.0 N-Quads: the compiled path when it handles the document, else pyld's.

    Both give byte-identical output (tests/vc/test_compiled.py); the compiled one refuses,
    rather than guesses, whatever it does not handle, and caller-supplied contexts always
    take the generic path. ``shared`` holds the parts a batch's documents have in common;
    ``walked``, a walk of the signed document this one is the unsecured form of.
    """
    if extra_contexts is None:
        quads = walked.unsecured_quads(document) if walked is not None else None
        if quads is not None:
            return rdfc.canonize(quads)
        try:
            return compiled.canonize_compiled(document, shared)
        except compiled.NotCompilable:
            pass
    return jsonld.canonize(document, extra_contexts=extra_contexts)


def hash_rdfc(
    proof_config: Mapping[str, Any],
    document: Mapping[str, Any],
    *,
    extra_contexts: ExtraContexts = None,
    walked: compiled.Walked | None = None,
) -> bytes:
    """The 64 bytes that are signed: SHA-256 of each RDFC-1.0 form, proof configuration first.

    Both are expanded in safe mode, so a term that would not be signed is an error
    (:class:`laurel.vc.jsonld.JsonLdError`) rather than silently unprotected data.
    ``walked`` may hold the quads of ``document`` from a walk of the signed document
    (:func:`laurel.vc.compiled.walk_signed`); they are used only if it is that very document.
    """
    proof_canon = _canonize(proof_config, extra_contexts)
    document_canon = _canonize(document, extra_contexts, walked=walked)
    return (
        hashlib.sha256(proof_canon.encode("utf-8")).digest()
        + hashlib.sha256(document_canon.encode("utf-8")).digest()
    )


def _sign_rdfc(
    document: Mapping[str, Any],
    key: KeyPair,
    *,
    verification_method: str,
    created: str,
    proof_purpose: str,
    extra_contexts: ExtraContexts,
) -> dict[str, Any]:
    config = proof_config_rdfc(
        document, verification_method=verification_method, created=created, proof_purpose=proof_purpose
    )
    data = hash_rdfc(config, document, extra_contexts=extra_contexts)
    return _with_proof(document, config, key.sign(data))


def _with_proof(
    document: Mapping[str, Any], config: Mapping[str, Any], signature: bytes, *, deep: bool = True
) -> dict[str, Any]:
    # Without ``deep`` the members' values are the document's own objects (see sign_many).
    signed = _copy_object(document) if deep else dict(document)
    # As in the specification's example, the proof itself does not repeat the document's @context.
    proof = {name: value for name, value in config.items() if name != "@context"}
    signed["proof"] = {**proof, "proofValue": multibase.encode(signature)}
    return signed


def sign_many(
    documents: Sequence[Mapping[str, Any]],
    key: KeyPair,
    *,
    verification_method: str,
    created: str,
    copies: bool = True,
) -> list[dict[str, Any]]:
    """:func:`sign` each document with ``eddsa-rdfc-2022``, in order, the same proofs as one by one.

    The proof configuration depends only on the options and the document's ``@context``, so
    its canonical hash is computed once for all documents that share their ``@context``; node
    objects that are the same Python objects in several documents are walked once.

    Without ``copies`` each signed document is a new dict whose members' values are the
    input's own objects (a deep copy per document costs a fifth of the signing), for callers
    that only store the results: change neither afterwards.
    """
    # (context, hash) pairs: a batch of one organization's credentials has one or two contexts.
    config_hashes: list[tuple[Any, bytes]] = []
    # Parts that are the same objects in several documents (one badge version's issuer and
    # achievement) are turned into RDF once.
    shared = compiled.SharedWalks(compiled.SharedWalks.find(documents))
    signed = []
    for document in documents:
        if not isinstance(document, Mapping) or "proof" in document or key.kind != "Ed25519":
            signed.append(sign(document, key, verification_method=verification_method, created=created))
            continue
        config = proof_config_rdfc(document, verification_method=verification_method, created=created)
        context = config["@context"]
        config_hash = next((known for seen, known in config_hashes if seen == context), None)
        if config_hash is None:
            config_hash = hashlib.sha256(_canonize(config, None).encode("utf-8")).digest()
            config_hashes.append((context, config_hash))
        canonical = _canonize(document, None, shared)
        data = config_hash + hashlib.sha256(canonical.encode("utf-8")).digest()
        signed.append(_with_proof(document, config, key.sign(data), deep=copies))
    return signed


def sign(
    document: Mapping[str, Any],
    key: KeyPair,
    *,
    verification_method: str,
    created: str,
    cryptosuite: str = EDDSA_RDFC_2022,
    proof_purpose: str = "assertionMethod",
    extra_contexts: ExtraContexts = None,
) -> dict[str, Any]:
    """Return a copy of ``document`` secured with an ``eddsa-rdfc-2022`` or ``eddsa-jcs-2022`` proof.

    ``created`` is passed in rather than read from the clock so signing is reproducible.
    JSON-LD problems (an unknown context, a term safe mode rejects) raise
    :class:`laurel.vc.jsonld.JsonLdError`.
    """
    if cryptosuite == EDDSA_JCS_2022:
        return sign_jcs(
            document,
            key,
            verification_method=verification_method,
            created=created,
            proof_purpose=proof_purpose,
        )
    if cryptosuite != EDDSA_RDFC_2022:
        raise ProofGenerationError(
            f"Laurel signs with {EDDSA_RDFC_2022} or {EDDSA_JCS_2022}, not {cryptosuite!r}"
        )
    if not isinstance(document, Mapping):
        raise ProofGenerationError("the document must be a JSON object")
    if "proof" in document:
        raise ProofGenerationError("the document already has a proof; proof sets are not supported")
    if key.kind != "Ed25519":
        raise ProofGenerationError(f"{cryptosuite} needs an Ed25519 key, not {key.kind}")
    return _sign_rdfc(
        document,
        key,
        verification_method=verification_method,
        created=created,
        proof_purpose=proof_purpose,
        extra_contexts=extra_contexts,
    )


def _resolve_ed25519(resolver: PublicKeyResolver, method: str, suite: str) -> PublicKey:
    try:
        public_key = resolver(method)
    except KeyFormatError as error:
        raise ProofVerificationError(f"cannot resolve verificationMethod {method!r}: {error}") from error
    if public_key.kind != "Ed25519":
        raise ProofVerificationError(f"{suite} needs an Ed25519 key, not {public_key.kind}")
    return public_key


def _check_signature(public_key: PublicKey, data: bytes, signature: bytes) -> None:
    try:
        public_key.verify(data, signature)
    except InvalidSignatureError as error:
        raise ProofVerificationError(f"signature does not verify: {error}") from error


def _unsecured_with_proof_context(signed: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """The document without its proof; a proof @context must begin the document's, in order
    (vc-di-eddsa 3.2.2 and 3.3.2, step 4)."""
    unsecured = {name: value for name, value in signed.items() if name != "proof"}
    if "@context" in options:
        proof_context = _as_list(options["@context"])
        document_context = _as_list(unsecured.get("@context", []))
        if document_context[: len(proof_context)] != proof_context:
            raise ProofVerificationError("the document's @context does not start with the proof's @context")
        unsecured["@context"] = options["@context"]
    return unsecured


def _with_context(options: Mapping[str, Any], document: Mapping[str, Any], suite: str) -> dict[str, Any]:
    config = dict(options)
    config["@context"] = jsonvalue.copy(document.get("@context", []))
    if suite == ED25519_SIGNATURE_2020 and ED25519_2020_CONTEXT not in _as_list(config["@context"]):
        # The 2020 suite canonicalizes its proof with its own context added when the document lacks it.
        config["@context"] = [*_as_list(config["@context"]), ED25519_2020_CONTEXT]
    return config


def _check_legacy_options(options: Mapping[str, Any], expected_proof_purpose: str | None) -> str:
    purpose = options.get("proofPurpose")
    if not isinstance(purpose, str):
        raise MalformedProofError("proofPurpose is missing")
    if expected_proof_purpose is not None and purpose != expected_proof_purpose:
        raise MismatchedProofPurposeError(f"proofPurpose is {purpose!r}, expected {expected_proof_purpose!r}")
    created = options.get("created")
    if created is not None and (not isinstance(created, str) or not _XSD_DATETIME.fullmatch(created)):
        raise MalformedProofError(f"created is not an XML Schema dateTime: {created!r}")
    method = options.get("verificationMethod")
    if not isinstance(method, str) or not method:
        raise MalformedProofError("verificationMethod is missing")
    return method


def _verify_rdfc(
    signed: Mapping[str, Any],
    proof: Mapping[str, Any],
    suite: str,
    resolver: PublicKeyResolver,
    expected_proof_purpose: str | None,
    extra_contexts: ExtraContexts,
    walked: compiled.Walked | None,
) -> None:
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    signature = _decode_proof_value(proof.get("proofValue"))
    if suite == ED25519_SIGNATURE_2020:
        method = _check_legacy_options(options, expected_proof_purpose)
    else:
        method = _check_proof_options(options, expected_proof_purpose, suite)
    unsecured = _unsecured_with_proof_context(signed, options)
    config = _with_context({k: v for k, v in options.items() if k != "@context"}, unsecured, suite)
    public_key = _resolve_ed25519(resolver, method, suite)
    data = hash_rdfc(config, unsecured, extra_contexts=extra_contexts, walked=walked)
    _check_signature(public_key, data, signature)


def verify(
    signed: Mapping[str, Any],
    public_key_resolver: PublicKeyResolver = public_key_from_verification_method,
    *,
    expected_proof_purpose: str | None = "assertionMethod",
    extra_contexts: ExtraContexts = None,
    walked: compiled.Walked | None = None,
) -> dict[str, Any]:
    """Verify the document's single proof, whatever its supported suite; return the proof.

    Supported: ``eddsa-rdfc-2022``, ``eddsa-jcs-2022``, legacy ``eddsa-2022`` and legacy
    ``Ed25519Signature2020``. Failures raise a :class:`DataIntegrityError` subclass; JSON-LD
    problems raise :class:`laurel.vc.jsonld.JsonLdError`. ``walked``, a walk of the same
    credential made by an earlier check, saves walking it again (see :func:`hash_rdfc`).
    """
    proof = signed.get("proof") if isinstance(signed, Mapping) else None
    if not isinstance(proof, Mapping):
        raise MalformedProofError("the document has no proof object (proof sets are not supported)")
    suite = proof_suite(proof)
    if suite == EDDSA_JCS_2022:
        verify_jcs(signed, public_key_resolver, expected_proof_purpose=expected_proof_purpose)
    else:
        _verify_rdfc(
            signed, proof, suite, public_key_resolver, expected_proof_purpose, extra_contexts, walked
        )
    return _copy_object(proof)
