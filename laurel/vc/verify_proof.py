"""Checking the proof of a credential: a Data Integrity proof or the signature of a VC-JWT."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from laurel.vc import data_integrity, jwt
from laurel.vc.keys import KeyFormatError
from laurel.vc.verify_input import ParsedInput
from laurel.vc.verify_keys import KeyResolver, Problem
from laurel.vc.verify_ld import CredentialWalk


@dataclass(frozen=True)
class ProofOutcome:
    """What the proof check found; ``fetch_failed`` when a key document could not be fetched."""

    status: Literal["pass", "fail"]
    message_en: str
    message_ko: str
    suite: str | None = None
    reason: str | None = None
    fetch_failed: bool = False


def _from_problem(problem: Problem, suite: str | None) -> ProofOutcome:
    return ProofOutcome(
        "fail", problem.message_en, problem.message_ko, suite, problem.code, problem.fetch_failed
    )


def _invalid(reason: str, suite: str | None) -> ProofOutcome:
    return ProofOutcome(
        "fail",
        f"The signature does not verify: {reason}",
        f"서명이 검증되지 않습니다: {reason}",
        suite,
        reason,
    )


def _valid(suite: str) -> ProofOutcome:
    return ProofOutcome("pass", f"The {suite} signature is valid.", f"{suite} 서명이 유효합니다.", suite)


def check_jwt(parsed: ParsedInput, resolver: KeyResolver, now: datetime) -> ProofOutcome:
    """Verify a VC-JWT's signature and claims; the validity window is judged elsewhere."""
    suite = f"VC-JWT {parsed.header.get('alg')}"
    assert parsed.token is not None
    try:
        jwt.verify_vc_jwt(parsed.token, resolver.for_jwt, now=now)
    except (jwt.NotYetValidError, jwt.ExpiredError):
        pass  # raised only after the signature and claims checked out
    except (jwt.JwtError, KeyFormatError) as error:
        if resolver.problem is not None:
            return _from_problem(resolver.problem, suite)
        return _invalid(str(error), suite)
    return _valid(suite)


def _suite_of(proof: Mapping[str, Any]) -> str:
    try:
        return data_integrity.proof_suite(proof)
    except (ValueError, TypeError):
        pass
    suite = proof.get("cryptosuite") or proof.get("type")
    return suite if isinstance(suite, str) else "unknown"


def _single_proof(credential: Mapping[str, Any]) -> Mapping[str, Any] | str:
    """The one proof, or an explanation when there is none or several."""
    proof = credential.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if proof is None:
        return "the credential has no proof"
    if isinstance(proof, list):
        return "proof sets and chains (several proofs) are not supported"
    if not isinstance(proof, Mapping):
        return "proof is not an object"
    return proof


def check_data_integrity(
    credential: Mapping[str, Any],
    resolver: KeyResolver,
    extra_contexts: Mapping[str, Mapping[str, Any]] | None,
    walk: CredentialWalk | None = None,
) -> ProofOutcome:
    """Verify the credential's Data Integrity proof with whichever supported suite it names.

    ``walk`` is the credential's compiled walk if the JSON-LD check made one.
    """
    proof = _single_proof(credential)
    if isinstance(proof, str):
        return ProofOutcome(
            "fail",
            f"The credential is not signed: {proof}.",
            f"자격 증명에 서명이 없습니다: {proof}.",
            reason=proof,
        )
    suite = _suite_of(proof)
    document = {**credential, "proof": dict(proof)}
    try:
        walked = walk.get() if walk is not None and walk.credential is credential else None
        data_integrity.verify(document, resolver, extra_contexts=extra_contexts, walked=walked)
    except (data_integrity.DataIntegrityError, KeyFormatError) as error:
        if resolver.problem is not None:
            return _from_problem(resolver.problem, suite)
        if isinstance(error, data_integrity.UnknownCryptosuiteError):
            return _unsupported(suite)
        return _invalid(str(error), suite)
    except ValueError as error:  # JSON-LD problems: unknown context, safe mode
        return ProofOutcome(
            "fail",
            f"The signed document cannot be processed: {error}",
            f"서명된 문서를 처리할 수 없습니다: {error}",
            suite,
            str(error),
        )
    return _valid(suite)


def _unsupported(suite: str) -> ProofOutcome:
    return ProofOutcome(
        "fail",
        f"The proof type {suite} is not supported.",
        f"지원하지 않는 증명 방식입니다: {suite}",
        suite,
        "unsupported",
    )


def check_proof(
    parsed: ParsedInput,
    resolver: KeyResolver,
    now: datetime,
    extra_contexts: Mapping[str, Mapping[str, Any]] | None = None,
    walk: CredentialWalk | None = None,
) -> ProofOutcome:
    """The proof outcome for a parsed input, whatever its format."""
    if parsed.token is not None:
        return check_jwt(parsed, resolver, now)
    return check_data_integrity(parsed.credential, resolver, extra_contexts, walk)
