"""Verifying any Open Badges 3.0 / W3C verifiable credential, Laurel's own or another issuer's.

``verify(data)`` never raises and never returns a bare boolean: it returns a :class:`Report`
listing every check in order, each passed, failed, warned or skipped with a reason in English
and Korean:

1. ``input``     the data is JSON, a compact VC-JWT or a baked PNG/SVG, within size and depth limits;
2. ``structure`` a VerifiableCredential with an issuer and subject (Laurel's OB 3.0 checks too);
3. ``jsonld``    safe-mode JSON-LD expansion with known contexts only (nothing is ever fetched);
4. ``proof``     the Data Integrity proof or the JWT signature;
5. ``issuer``    the signing key's controller is the issuer;
6. ``validity``  ``now`` lies inside the validity window;
7. ``status``    the Bitstring Status List bit, from a list whose own proof and issuer check out.

DID documents and status lists are fetched only through the injected SSRF-safe fetcher, and
only for credentials whose offline checks passed (status lists: only once the proof verified).
"""

import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from laurel.vc.fetch import Fetcher
from laurel.vc.verify_input import InputError, ParsedInput, read_input
from laurel.vc.verify_keys import Documents, KeyResolver, bind_to_issuer, issuer_id
from laurel.vc.verify_ld import CredentialWalk, check_jsonld, check_structure
from laurel.vc.verify_proof import check_proof
from laurel.vc.verify_report import Check, Report, Status
from laurel.vc.verify_status import check_status
from laurel.vc.verify_validity import check_validity

__all__ = ["Check", "Report", "Status", "VerificationFailed", "default_fetcher", "verify", "verify_or_raise"]

ALLOW_PRIVATE_ENV = "LAUREL_ALLOW_PRIVATE_FETCH"
_FORMAT_NAMES = {"json": "JSON", "jwt": "VC-JWT", "png": "baked PNG", "svg": "baked SVG"}
_FORMAT_NAMES_KO = {"json": "JSON", "jwt": "VC-JWT", "png": "PNG 이미지", "svg": "SVG 이미지"}


class VerificationFailed(Exception):
    """Raised by :func:`verify_or_raise`; ``report`` says which checks failed and why."""

    def __init__(self, report: Report) -> None:
        failed = [check.message_en for check in report.checks if check.status == "fail"]
        super().__init__("; ".join(failed) or "verification failed")
        self.report = report


def default_fetcher() -> Fetcher:
    """The verifier's fetcher; private addresses only when ``LAUREL_ALLOW_PRIVATE_FETCH`` is set."""
    flag = os.environ.get(ALLOW_PRIVATE_ENV, "").strip().lower()
    return Fetcher(allow_private=flag in ("1", "true", "yes", "on"))


def _skipped(check_id: str, en: str, ko: str) -> Check:
    return Check(check_id, "skipped", en, ko)


def _guard(check_id: str, run: Callable[[], Check]) -> Check:
    """Run one check; an unexpected error becomes a failed check instead of escaping."""
    try:
        return run()
    except Exception as error:  # hostile input must never crash the verifier
        reason = f"{type(error).__name__}: {error}"[:300]
        return Check(
            check_id,
            "fail",
            f"This check could not be completed: {reason}",
            f"이 항목을 확인하는 중 오류가 발생했습니다: {reason}",
            {"error": reason},
        )


def _input_check(parsed: ParsedInput) -> Check:
    return Check(
        "input",
        "pass",
        f"Read a credential in {_FORMAT_NAMES[parsed.format]} form.",
        f"{_FORMAT_NAMES_KO[parsed.format]} 형식의 자격 증명을 읽었습니다.",
        {"format": parsed.format},
    )


def _proof_check(
    parsed: ParsedInput,
    resolver: KeyResolver,
    now: datetime,
    extra: Mapping[str, Mapping[str, Any]] | None,
    walk: CredentialWalk,
) -> Check:
    outcome = check_proof(parsed, resolver, now, extra, walk)
    details: dict[str, Any] = {"suite": outcome.suite}
    if outcome.reason:
        details["reason"] = outcome.reason
    if outcome.fetch_failed:
        details["fetch_failed"] = True
    if resolver.resolved is not None:
        details["verificationMethod"] = resolver.resolved.method_id
    return Check("proof", outcome.status, outcome.message_en, outcome.message_ko, details)


def _issuer_check(parsed: ParsedInput, resolver: KeyResolver, proof: Check) -> Check:
    issuer = issuer_id(parsed.credential)
    if proof.status != "pass" or resolver.resolved is None:
        return _skipped(
            "issuer",
            "Not checked: the signature did not verify.",
            "서명이 검증되지 않아 확인하지 않았습니다.",
        )
    if issuer is None:
        return Check("issuer", "fail", "The credential names no issuer.", "자격 증명에 발급자가 없습니다.")
    binding = bind_to_issuer(issuer, resolver.resolved)
    details = {"issuer": issuer, "verificationMethod": resolver.resolved.method_id}
    return Check("issuer", binding.status, binding.message_en, binding.message_ko, details)


def _validity_check(parsed: ParsedInput, now: datetime) -> Check:
    outcome = check_validity(parsed.credential, parsed.payload, now)
    return Check("validity", outcome.status, outcome.message_en, outcome.message_ko, outcome.details)


def _status_check(
    parsed: ParsedInput,
    documents: Documents,
    proof: Check,
    now: datetime,
    extra: Mapping[str, Mapping[str, Any]] | None,
) -> Check:
    if proof.status != "pass":
        return _skipped(
            "status",
            "Not checked: the signature did not verify, so no status list was fetched.",
            "서명이 검증되지 않아 상태 목록을 가져오지 않았습니다.",
        )
    outcome = check_status(parsed.credential, documents, now, extra)
    details = dict(outcome.details)
    if outcome.fetch_failed:
        details["fetch_failed"] = True
    return Check("status", outcome.status, outcome.message_en, outcome.message_ko, details)


def _verify(
    data: Any, now: datetime, fetcher: Fetcher, extra: Mapping[str, Mapping[str, Any]] | None
) -> Report:
    try:
        parsed = read_input(data)
    except InputError as error:
        reason = str(error)
        return Report(
            (
                Check(
                    "input",
                    "fail",
                    f"The input cannot be read as a credential: {reason}",
                    f"입력을 자격 증명으로 읽을 수 없습니다: {reason}",
                    {"reason": reason},
                ),
            )
        )
    checks = [_input_check(parsed)]
    checks.append(_guard("structure", lambda: check_structure(parsed.credential)))
    # The JSON-LD check walks the credential; the proof check reuses that walk.
    walk = CredentialWalk(parsed.credential)
    checks.append(_guard("jsonld", lambda: check_jsonld(parsed.credential, extra, walk)))
    offline_ok = all(check.status != "fail" for check in checks)
    documents = Documents(fetcher, offline=not offline_ok)
    resolver = KeyResolver(documents)
    proof = _guard("proof", lambda: _proof_check(parsed, resolver, now, extra, walk))
    checks.append(proof)
    checks.append(_guard("issuer", lambda: _issuer_check(parsed, resolver, proof)))
    checks.append(_guard("validity", lambda: _validity_check(parsed, now)))
    checks.append(_guard("status", lambda: _status_check(parsed, documents, proof, now, extra)))
    return Report(tuple(checks), parsed.credential, parsed.format)


def verify(
    data: bytes | str | Mapping[str, Any],
    *,
    now: datetime | None = None,
    fetcher: Fetcher | None = None,
    extra_contexts: Mapping[str, Mapping[str, Any]] | None = None,
) -> Report:
    """Verify a credential given as JSON (text, bytes or mapping), a VC-JWT or a baked PNG/SVG.

    ``now`` defaults to the current time (a naive value is read as UTC); ``fetcher`` defaults
    to :func:`default_fetcher`; ``extra_contexts`` adds JSON-LD contexts the caller vouches for.
    Never raises: every problem is a failed check in the report.
    """
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return _verify(data, moment, fetcher or default_fetcher(), extra_contexts)
    except Exception as error:  # the last line of defence; each check is guarded already
        reason = f"{type(error).__name__}: {error}"[:300]
        return Report(
            (
                Check(
                    "input",
                    "fail",
                    f"The credential could not be verified: {reason}",
                    f"자격 증명을 검증할 수 없습니다: {reason}",
                    {"error": reason},
                ),
            )
        )


def verify_or_raise(
    data: bytes | str | Mapping[str, Any],
    *,
    now: datetime | None = None,
    fetcher: Fetcher | None = None,
    extra_contexts: Mapping[str, Mapping[str, Any]] | None = None,
) -> Report:
    """Like :func:`verify`, but raise :class:`VerificationFailed` unless the report is valid."""
    report = verify(data, now=now, fetcher=fetcher, extra_contexts=extra_contexts)
    if not report.valid:
        raise VerificationFailed(report)
    return report
