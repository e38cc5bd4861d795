"""Checking a credential's status: W3C Bitstring Status List entries.

The status list credential is fetched through the verifier's fetcher, its own proof is
verified and its issuer must be the credential's issuer, so nobody else can revoke it.
Laurel publishes a public reason for a revoked or suspended credential in the list's subject,
``credentialSubject.statusReasons`` (statusListIndex -> text); other issuers rarely do.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from laurel.vc import status_list
from laurel.vc.verify_input import InputError, ParsedInput, parse_json_text, read_jwt
from laurel.vc.verify_keys import (
    Documents,
    KeyResolver,
    ProblemError,
    bad_document,
    bind_to_issuer,
    issuer_id,
)
from laurel.vc.verify_proof import check_proof
from laurel.vc.verify_validity import DateError, window

ENTRY_TYPE = "BitstringStatusListEntry"


@dataclass(frozen=True)
class StatusOutcome:
    status: Literal["pass", "fail", "warning", "skipped"]
    message_en: str
    message_ko: str
    details: dict[str, Any] = field(default_factory=dict)
    fetch_failed: bool = False


def _fail(en: str, ko: str, **details: Any) -> StatusOutcome:
    return StatusOutcome("fail", en, ko, details)


def _entries(credential: Mapping[str, Any]) -> list[Any] | None:
    status = credential.get("credentialStatus")
    if status is None:
        return None
    return status if isinstance(status, list) else [status]


def check_status(
    credential: Mapping[str, Any],
    documents: Documents,
    now: datetime,
    extra_contexts: Mapping[str, Mapping[str, Any]] | None = None,
) -> StatusOutcome:
    """The combined status of every entry: the first failure, else a warning, else a pass."""
    entries = _entries(credential)
    if not entries:
        return StatusOutcome(
            "skipped",
            "The credential has no status entry, so it cannot be revoked.",
            "자격 증명에 상태 항목이 없어 철회 여부를 확인하지 않습니다.",
        )
    outcomes = [_check_entry(entry, credential, documents, now, extra_contexts) for entry in entries]
    for wanted in ("fail", "warning"):
        for outcome in outcomes:
            if outcome.status == wanted:
                return outcome
    return outcomes[0]


def _check_entry(
    entry: Any,
    credential: Mapping[str, Any],
    documents: Documents,
    now: datetime,
    extra_contexts: Mapping[str, Mapping[str, Any]] | None,
) -> StatusOutcome:
    if not isinstance(entry, Mapping):
        return _fail("A credentialStatus entry is not an object.", "credentialStatus 항목이 객체가 아닙니다.")
    kind = entry.get("type")
    if kind != ENTRY_TYPE:
        return StatusOutcome(
            "warning",
            f"The status type {kind!r} is not supported, so the status was not checked.",
            f"지원하지 않는 상태 방식({kind!r})이라 상태를 확인하지 않았습니다.",
        )
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or not url:
        return _fail(
            "The status entry has no statusListCredential URL.",
            "상태 항목에 statusListCredential URL이 없습니다.",
        )
    try:
        parsed = _fetch_list(url, documents)
    except ProblemError as error:
        problem = error.problem
        return StatusOutcome(
            "fail", problem.message_en, problem.message_ko, {"url": url}, fetch_failed=problem.fetch_failed
        )
    trouble = _check_list(parsed, url, credential, documents, now, extra_contexts)
    if trouble is not None:
        return trouble
    return _read_bit(dict(entry), parsed.credential, url)


def _fetch_list(url: str, documents: Documents) -> ParsedInput:
    """The status list credential at ``url``: JSON with a Data Integrity proof, or a VC-JWT."""
    text = documents.fetch_text(url).strip()
    try:
        if text.startswith("{"):
            return ParsedInput("json", parse_json_text(text))
        return read_jwt(text)
    except InputError as error:
        raise ProblemError(bad_document(url, str(error))) from error


def _check_list(
    parsed: ParsedInput,
    url: str,
    credential: Mapping[str, Any],
    documents: Documents,
    now: datetime,
    extra_contexts: Mapping[str, Mapping[str, Any]] | None,
) -> StatusOutcome | None:
    """Why the list cannot be trusted (bad proof, another issuer, expired), or None."""
    resolver = KeyResolver(documents)
    proof = check_proof(parsed, resolver, now, extra_contexts)
    if proof.status != "pass":
        return StatusOutcome(
            "fail",
            f"The status list {url} is not trustworthy: {proof.message_en}",
            f"상태 목록 {url}을(를) 신뢰할 수 없습니다: {proof.message_ko}",
            {"url": url},
            fetch_failed=proof.fetch_failed,
        )
    list_issuer, issuer = issuer_id(parsed.credential), issuer_id(credential)
    signed_by_other = (
        issuer is not None
        and resolver.resolved is not None
        and bind_to_issuer(issuer, resolver.resolved).status == "fail"
    )
    if list_issuer != issuer or signed_by_other:
        return _fail(
            f"The status list {url} was issued by {list_issuer}, not by the credential's issuer.",
            f"상태 목록 {url}의 발급자({list_issuer})가 자격 증명의 발급자와 다릅니다.",
            url=url,
        )
    try:
        _valid_from, valid_until = window(parsed.credential, parsed.payload)
    except DateError as error:
        return _fail(
            f"The status list {url} is malformed: {error}",
            f"상태 목록 {url}이(가) 올바르지 않습니다: {error}",
        )
    if valid_until is not None and now >= valid_until:
        return _fail(
            f"The status list {url} expired on {valid_until.isoformat()}.",
            f"상태 목록 {url}은(는) {valid_until.isoformat()}에 만료되었습니다.",
            url=url,
        )
    return None


def _reason(list_credential: Mapping[str, Any], index: Any) -> str | None:
    subject = list_credential.get("credentialSubject")
    reasons = subject.get("statusReasons") if isinstance(subject, Mapping) else None
    reason = reasons.get(index) if isinstance(reasons, Mapping) and isinstance(index, str) else None
    return reason.strip()[:500] if isinstance(reason, str) and reason.strip() else None


def _read_bit(entry: dict[str, Any], list_credential: dict[str, Any], url: str) -> StatusOutcome:
    try:
        is_set = status_list.status_of(entry, list_credential)
    except status_list.StatusListError as error:
        return _fail(
            f"The status cannot be read from {url}: {error}",
            f"{url}에서 상태를 읽을 수 없습니다: {error}",
            url=url,
        )
    purpose = entry.get("statusPurpose")
    details: dict[str, Any] = {"url": url, "purpose": purpose, "index": entry.get("statusListIndex")}
    if not is_set:
        return StatusOutcome(
            "pass",
            f"The credential is not {'suspended' if purpose == 'suspension' else 'revoked'}.",
            f"자격 증명이 {'일시 정지' if purpose == 'suspension' else '철회'}되지 않았습니다.",
            details,
        )
    reason = _reason(list_credential, entry.get("statusListIndex"))
    details["reason"] = reason
    word_en, word_ko = ("suspended", "일시 정지") if purpose == "suspension" else ("revoked", "철회")
    suffix = f": {reason}" if reason else "."
    return StatusOutcome(
        "fail",
        f"The credential has been {word_en}{suffix}",
        f"자격 증명이 {word_ko}되었습니다{': ' + reason if reason else '.'}",
        {**details, "status": word_en},
    )
