"""Verifying an Open Badges 2.0 assertion, hosted or signed (OB 2.0 §Verification).

``verify(data)`` never raises: it returns an :class:`Ob2Report` of ordered checks, each with a
reason in English and Korean, as the OB 3.0 verifier does:

1. ``input``        the data is an assertion URL, JSON, a compact JWS or a baked PNG/SVG;
2. ``assertion``    hosted: the copy fetched from the assertion's ``id`` (authoritative) has that
                    same ``id``; signed: the payload of the JWS; then the required properties;
3. ``badge``        the BadgeClass and its issuer Profile (fetched when given as URLs);
4. ``verification`` hosted: the assertion ``id`` lies where the issuer allows (its
                    ``verification.allowedOrigins`` / ``startsWith``, else the issuer ``id``'s
                    origin); signed: an RS256 signature by the CryptographicKey named in
                    ``verification.creator``, owned by the issuer and listed in its ``publicKey``;
5. ``recipient``    the hashed (``sha256$``/``md5$`` with ``salt``) or plain identity is one of
                    the candidates given (skipped without candidates);
6. ``validity``     ``issuedOn`` is not in the future and ``expires`` has not passed;
7. ``revocation``   hosted: no ``revoked: true`` (nor HTTP 410); signed: the assertion is not in
                    the issuer's ``revocationList``.

Every remote document is fetched through the injected SSRF-safe :class:`Fetcher`.
"""

import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from laurel.vc.fetch import Fetcher, FetchError, HttpStatusError, parse_json
from laurel.vc.ob2_read import Ob2Input, is_ob2_document, read_ob2, split_jws
from laurel.vc.verify import default_fetcher
from laurel.vc.verify_input import InputError
from laurel.vc.verify_report import Check, Report

__all__ = ["Ob2Report", "Ob2VerificationFailed", "verify", "verify_or_raise"]

ACCEPT = "application/ld+json, application/json"
MIN_RSA_BITS = 2048
_FORMATS = {
    "url": "hosted assertion URL",
    "json": "JSON",
    "jws": "signed JWS",
    "png": "baked PNG",
    "svg": "baked SVG",
}
_FORMATS_KO = {
    "url": "호스팅 주소",
    "json": "JSON",
    "jws": "서명된 JWS",
    "png": "PNG 이미지",
    "svg": "SVG 이미지",
}
_KINDS_KO = {"hosted": "호스팅", "signed": "서명"}
_HASHES: dict[str, Callable[[bytes], str]] = {
    "sha256": lambda data: hashlib.sha256(data).hexdigest(),
    "md5": lambda data: hashlib.md5(data, usedforsecurity=False).hexdigest(),
}


@dataclass(frozen=True)
class Ob2Report(Report):
    """A :class:`Report` that also carries the BadgeClass and issuer Profile it verified against."""

    badge: dict[str, Any] | None = None
    issuer: dict[str, Any] | None = None
    # "hosted" or "signed", once known.
    verification_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            **super().to_dict(),
            "version": "2.0",
            "verification_type": self.verification_type,
            "badge": self.badge,
            "issuer": self.issuer,
        }


class Ob2VerificationFailed(Exception):
    """Raised by :func:`verify_or_raise`; ``report`` says which checks failed and why."""

    def __init__(self, report: Ob2Report) -> None:
        failed = [check.message_en for check in report.checks if check.status == "fail"]
        super().__init__("; ".join(failed) or "verification failed")
        self.report = report


class _Failed(Exception):
    """A check failed; carries its messages (and whether a fetch was to blame)."""

    def __init__(
        self, en: str, ko: str, *, fetch_failed: bool = False, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(en)
        self.en, self.ko, self.fetch_failed = en, ko, fetch_failed
        self.details = details or {}


def _fail(check_id: str, error: _Failed) -> Check:
    details: dict[str, Any] = {**error.details, "reason": error.en}
    if error.fetch_failed:
        details["fetch_failed"] = True
    return Check(check_id, "fail", error.en, error.ko, details)


def _skip(check_id: str, en: str, ko: str) -> Check:
    return Check(check_id, "skipped", en, ko)


def _types(node: dict[str, Any]) -> list[Any]:
    value = node.get("type")
    return value if isinstance(value, list) else [value]


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


def _moment(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise _Failed(f"{name} is not a date-time.", f"{name} 값이 날짜가 아닙니다.")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _Failed(
            f"{name} is not an ISO 8601 date-time.", f"{name} 값이 ISO 8601 날짜가 아닙니다."
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class _Run:
    """One verification: the fetcher, the documents met so far, and the checks made."""

    def __init__(self, fetcher: Fetcher, now: datetime) -> None:
        self.fetcher, self.now = fetcher, now
        self.checks: list[Check] = []
        self.read: Ob2Input | None = None
        self.assertion: dict[str, Any] | None = None
        self.badge: dict[str, Any] | None = None
        self.issuer: dict[str, Any] | None = None
        self.kind: str | None = None
        self.gone = False

    def fetch(self, url: Any, what_en: str, what_ko: str) -> dict[str, Any]:
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise _Failed(
                f"The {what_en} is not an http(s) URL.", f"{what_ko} 주소가 http(s) 주소가 아닙니다."
            )
        try:
            document = parse_json(self.fetcher.fetch(url, accept=ACCEPT).body)
        except HttpStatusError as error:
            if error.status == 410 and what_en == "assertion":
                self.gone = True
                return {"id": url, "revoked": True}
            raise _Failed(
                f"The {what_en} could not be fetched from {url}: {error}",
                f"{what_ko}을(를) {url}에서 가져오지 못했습니다: {error}",
                fetch_failed=True,
            ) from error
        except FetchError as error:
            raise _Failed(
                f"The {what_en} could not be fetched from {url}: {error}",
                f"{what_ko}을(를) {url}에서 가져오지 못했습니다: {error}",
                fetch_failed=True,
            ) from error
        if not isinstance(document, dict):
            raise _Failed(
                f"The {what_en} at {url} is not a JSON object.",
                f"{url}의 {what_ko}이(가) JSON 객체가 아닙니다.",
            )
        return document

    def step(self, check_id: str, run: Callable[[], Check]) -> bool:
        """Run one check; a failure or an unexpected error becomes a failed check."""
        try:
            check = run()
        except _Failed as error:
            check = _fail(check_id, error)
        except Exception as error:  # hostile input must never crash the verifier
            reason = f"{type(error).__name__}: {error}"[:300]
            check = _fail(
                check_id,
                _Failed(
                    f"This check could not be completed: {reason}",
                    f"이 항목을 확인하는 중 오류가 발생했습니다: {reason}",
                ),
            )
        self.checks.append(check)
        return check.status != "fail"

    # -- 1. input ---------------------------------------------------------------------------

    def check_input(self, data: bytes | str) -> Check:
        try:
            self.read = read_ob2(data)
        except InputError as error:
            raise _Failed(
                f"The input cannot be read as an Open Badges 2.0 assertion: {error}",
                f"입력을 Open Badges 2.0 배지로 읽을 수 없습니다: {error}",
            ) from error
        fmt = self.read.format
        return Check(
            "input",
            "pass",
            f"Read an Open Badges 2.0 assertion in {_FORMATS[fmt]} form.",
            f"{_FORMATS_KO[fmt]} 형식의 Open Badges 2.0 배지를 읽었습니다.",
            {"format": fmt, "carrier": self.read.carrier},
        )

    # -- 2. assertion -----------------------------------------------------------------------

    def check_assertion(self) -> Check:
        assert self.read is not None
        read = self.read
        if read.carrier == "jws":
            self.kind = "signed"
            assertion = read.assertion
        else:
            local = read.assertion
            if read.carrier == "json" and not is_ob2_document(local):
                raise _Failed(
                    "The JSON is not an Open Badges 2.0 Assertion.",
                    "JSON이 Open Badges 2.0 Assertion이 아닙니다.",
                )
            url = read.url or local.get("id")
            verification = local.get("verification") if read.carrier == "json" else None
            kind = verification.get("type") if isinstance(verification, dict) else "hosted"
            if kind in ("signed", "SignedBadge"):
                raise _Failed(
                    "A signed assertion must be given as its JWS, not as JSON.",
                    "서명된 배지는 JSON이 아니라 JWS로 제출해야 합니다.",
                )
            self.kind = "hosted"
            # The hosted copy is authoritative: whatever was handed in is only a pointer to it.
            assertion = self.fetch(url, "assertion", "배지 정보(Assertion)")
            if assertion.get("id") != url:
                raise _Failed(
                    f"The hosted assertion's id {assertion.get('id')!r:.120} is not its URL ({url}).",
                    f"호스팅된 배지의 id {assertion.get('id')!r:.120}가 가져온 주소({url})와 다릅니다.",
                )
        if not self.gone:
            self._require_assertion(assertion)
        self.assertion = assertion
        return Check(
            "assertion",
            "pass",
            f"The assertion {assertion.get('id')} is a {self.kind} Open Badges 2.0 Assertion.",
            f"{assertion.get('id')} 배지는 {_KINDS_KO[self.kind]} 방식의 Open Badges 2.0 배지입니다.",
            {"id": assertion.get("id"), "verification_type": self.kind},
        )

    def _require_assertion(self, assertion: dict[str, Any]) -> None:
        missing = [
            name for name in ("id", "recipient", "badge", "verification", "issuedOn") if name not in assertion
        ]
        if missing:
            names = ", ".join(missing)
            raise _Failed(
                f"The assertion lacks required properties: {names}.", f"배지에 필수 항목이 없습니다: {names}."
            )
        if "Assertion" not in _types(assertion):
            raise _Failed("The assertion's type is not Assertion.", "배지의 type이 Assertion이 아닙니다.")
        verification = assertion["verification"]
        kind = verification.get("type") if isinstance(verification, dict) else None
        expected = ("hosted", "HostedBadge") if self.kind == "hosted" else ("signed", "SignedBadge")
        if kind not in expected:
            raise _Failed(
                f"The assertion's verification type {kind!r} does not match its delivery ({self.kind}).",
                f"배지의 검증 방식 {kind!r}이(가) 전달된 방식({self.kind})과 맞지 않습니다.",
            )

    # -- 3. badge class and issuer ----------------------------------------------------------

    def check_badge(self) -> Check:
        assert self.assertion is not None
        badge = self.assertion["badge"]
        if not isinstance(badge, dict):
            badge = self.fetch(badge, "BadgeClass", "배지 정의(BadgeClass)")
        if "BadgeClass" not in _types(badge) or not isinstance(badge.get("name"), str):
            raise _Failed(
                "The badge is not a BadgeClass with a name.", "배지 정의가 이름이 있는 BadgeClass가 아닙니다."
            )
        issuer = badge.get("issuer")
        if not isinstance(issuer, dict):
            issuer = self.fetch(issuer, "issuer profile", "발급자 정보")
        if not isinstance(issuer.get("id"), str) or not isinstance(issuer.get("name"), str):
            raise _Failed("The issuer profile has no id or name.", "발급자 정보에 id나 이름이 없습니다.")
        if isinstance(badge.get("issuer"), str) and issuer["id"] != badge["issuer"]:
            raise _Failed(
                "The issuer profile's id is not the URL the BadgeClass names.",
                "발급자 정보의 id가 배지 정의에 적힌 주소와 다릅니다.",
            )
        self.badge, self.issuer = badge, issuer
        return Check(
            "badge",
            "pass",
            f"The badge {badge['name']!r} is defined by the issuer {issuer['name']!r}.",
            f"배지 {badge['name']!r}은(는) 발급자 {issuer['name']!r}이(가) 정의했습니다.",
            {"badge": badge.get("id"), "issuer": issuer["id"]},
        )

    # -- 4. verification --------------------------------------------------------------------

    def check_verification(self) -> Check:
        assert self.assertion is not None and self.issuer is not None
        if self.kind == "hosted":
            return self._hosted_origin()
        return self._signature()

    def _hosted_origin(self) -> Check:
        assert self.assertion is not None and self.issuer is not None
        assertion_id = str(self.assertion["id"])
        policy = self.issuer.get("verification")
        policy = policy if isinstance(policy, dict) else {}
        starts = policy.get("startsWith")
        allowed = policy.get("allowedOrigins")
        host = _origin(assertion_id)[1]
        if starts is not None or allowed is not None:
            prefixes = [s for s in (starts if isinstance(starts, list) else [starts]) if isinstance(s, str)]
            origins = [o for o in (allowed if isinstance(allowed, list) else [allowed]) if isinstance(o, str)]
            ok_prefix = starts is None or any(assertion_id.startswith(p) for p in prefixes)
            ok_origin = allowed is None or any(host == o.lower() for o in origins)
            ok = ok_prefix and ok_origin
        else:
            ok = _origin(assertion_id) == _origin(str(self.issuer["id"]))
        if not ok:
            raise _Failed(
                f"The assertion is at {assertion_id}, where its issuer {self.issuer['id']} allows none.",
                f"배지가 발급자 {self.issuer['id']}이(가) 허용하지 않는 곳({assertion_id})에 있습니다.",
            )
        return Check(
            "verification",
            "pass",
            "The hosted assertion lies where its issuer allows.",
            "호스팅된 배지가 발급자가 허용한 곳에 있습니다.",
            {"id": assertion_id},
        )

    def _signature(self) -> Check:
        assert self.read is not None and self.assertion is not None and self.issuer is not None
        header, _payload, signature = split_jws(self.read.token or "")
        if header.get("alg") != "RS256":
            raise _Failed(
                f"The JWS algorithm {header.get('alg')!r} is not RS256.",
                f"JWS 알고리즘 {header.get('alg')!r}이(가) RS256이 아닙니다.",
            )
        creator = self.assertion["verification"].get("creator")
        key = self.fetch(creator, "signing key", "서명 키")
        if key.get("id") != creator:
            raise _Failed(
                "The signing key's id is not the URL it was fetched from.",
                "서명 키의 id가 가져온 주소와 다릅니다.",
            )
        if key.get("owner") != self.issuer["id"]:
            raise _Failed(
                f"The signing key {creator} is not owned by the issuer {self.issuer['id']}.",
                f"서명 키 {creator}의 소유자가 발급자 {self.issuer['id']}이(가) 아닙니다.",
            )
        listed = self.issuer.get("publicKey")
        listed = listed if isinstance(listed, list) else [listed]
        ids = [k.get("id") if isinstance(k, dict) else k for k in listed]
        if creator not in ids:
            raise _Failed(
                f"The issuer profile does not list the signing key {creator} among its publicKey.",
                f"발급자 정보의 publicKey에 서명 키 {creator}이(가) 없습니다.",
            )
        public_key = _rsa_key(key.get("publicKeyPem"))
        signing_input = self.read.token.rsplit(".", 1)[0].encode("ascii")  # type: ignore[union-attr]
        try:
            public_key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise _Failed(
                "The JWS signature does not verify with the issuer's key.",
                "JWS 서명이 발급자의 키로 검증되지 않습니다.",
            ) from None
        return Check(
            "verification",
            "pass",
            f"The RS256 signature verifies with the issuer's key {creator}.",
            f"RS256 서명이 발급자의 키 {creator}로 검증되었습니다.",
            {"creator": creator, "alg": "RS256"},
        )

    # -- 5. recipient -----------------------------------------------------------------------

    def check_recipient(self, candidates: Sequence[str]) -> Check:
        assert self.assertion is not None
        recipient = self.assertion.get("recipient")
        if not isinstance(recipient, dict) or not isinstance(recipient.get("identity"), str):
            raise _Failed("The assertion names no recipient identity.", "배지에 받는 사람 정보가 없습니다.")
        details = {"type": recipient.get("type"), "hashed": recipient.get("hashed")}
        if not candidates:
            return Check(
                "recipient",
                "skipped",
                "No identity to compare with the recipient was given.",
                "받는 사람과 비교할 신원이 주어지지 않았습니다.",
                details,
            )
        matched = next((c for c in candidates if recipient_matches(recipient, c)), None)
        if matched is None:
            raise _Failed(
                "The badge was awarded to someone else: its recipient matches none of the given identities.",
                "배지의 받는 사람이 주어진 신원 중 어느 것과도 일치하지 않습니다.",
            )
        return Check(
            "recipient",
            "pass",
            f"The badge was awarded to {matched}.",
            f"이 배지는 {matched}에게 발급되었습니다.",
            {**details, "matched": matched},
        )

    # -- 6. validity ------------------------------------------------------------------------

    def check_validity(self) -> Check:
        assert self.assertion is not None
        issued = _moment(self.assertion.get("issuedOn"), "issuedOn")
        if issued > self.now:
            raise _Failed(
                f"The badge is dated in the future ({issued.isoformat()}).",
                f"배지의 발급일이 미래입니다({issued.isoformat()}).",
            )
        details: dict[str, Any] = {"issuedOn": issued.isoformat()}
        expires_value = self.assertion.get("expires")
        if expires_value is not None:
            expires = _moment(expires_value, "expires")
            details["expires"] = expires.isoformat()
            if expires <= self.now:
                details["expired"] = True
                raise _Failed(
                    f"The badge expired on {expires.isoformat()}.",
                    f"배지가 {expires.isoformat()}에 만료되었습니다.",
                    details=details,
                )
        return Check(
            "validity",
            "pass",
            "The badge is within its validity period.",
            "배지가 유효 기간 안에 있습니다.",
            details,
        )

    # -- 7. revocation ----------------------------------------------------------------------

    def check_revocation(self) -> Check:
        assert self.assertion is not None
        reason = self.assertion.get("revocationReason")
        if self.assertion.get("revoked") is True or self.gone:
            raise _Revoked(reason)
        if self.kind == "signed":
            assert self.issuer is not None
            list_url = self.issuer.get("revocationList")
            if list_url is not None:
                revocations = self.fetch(list_url, "revocation list", "폐기 목록")
                found = _revoked_entry(revocations.get("revokedAssertions"), self.assertion)
                if found is not None:
                    raise _Revoked(found or reason)
                return Check(
                    "revocation",
                    "pass",
                    "The badge is not on its issuer's revocation list.",
                    "배지가 발급자의 폐기 목록에 없습니다.",
                    {"revocationList": list_url},
                )
        return Check(
            "revocation",
            "pass",
            "The issuer has not revoked the badge.",
            "발급자가 배지를 폐기하지 않았습니다.",
        )


class _Revoked(_Failed):
    def __init__(self, reason: Any) -> None:
        why = f" ({reason})" if isinstance(reason, str) and reason else ""
        super().__init__(
            f"The issuer revoked this badge{why}.",
            f"발급자가 이 배지를 폐기했습니다{why}.",
            details={"revoked": True},
        )


def _revoked_entry(entries: Any, assertion: dict[str, Any]) -> str | None:
    """The revocation reason ("" if none given) when ``assertion`` is listed, else None."""
    names = {assertion.get("id"), assertion.get("uid")} - {None}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str) and entry in names:
            return ""
        if isinstance(entry, dict) and (entry.get("id") in names or entry.get("uid") in names):
            reason = entry.get("revocationReason")
            return reason if isinstance(reason, str) else ""
    return None


def _rsa_key(pem: Any) -> rsa.RSAPublicKey:
    if not isinstance(pem, str):
        raise _Failed("The signing key has no publicKeyPem.", "서명 키에 publicKeyPem이 없습니다.")
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError, TypeError):
        raise _Failed(
            "The signing key's publicKeyPem cannot be read.", "서명 키의 publicKeyPem을 읽을 수 없습니다."
        ) from None
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < MIN_RSA_BITS:
        raise _Failed(
            f"The signing key is not an RSA key of at least {MIN_RSA_BITS} bits.",
            f"서명 키가 {MIN_RSA_BITS}비트 이상의 RSA 키가 아닙니다.",
        )
    return key


def recipient_matches(recipient: dict[str, Any], candidate: str) -> bool:
    """Whether ``candidate`` is the OB 2.0 IdentityObject's identity (hashed with its salt, or plain)."""
    identity = recipient.get("identity")
    if not isinstance(identity, str):
        return False
    if recipient.get("hashed") is not True:
        return hmac.compare_digest(identity.lower().encode(), candidate.lower().encode())
    algorithm, separator, digest = identity.partition("$")
    if not separator or algorithm.lower() not in _HASHES:
        return False
    salt = recipient.get("salt") or ""
    if not isinstance(salt, str):
        return False
    actual = _HASHES[algorithm.lower()]((candidate + salt).encode("utf-8"))
    return hmac.compare_digest(actual.encode(), digest.lower().encode())


def _verify(data: bytes | str, now: datetime, fetcher: Fetcher, recipients: Sequence[str]) -> Ob2Report:
    run = _Run(fetcher, now)
    steps: list[tuple[str, Callable[[], Check]]] = [
        ("input", lambda: run.check_input(data)),
        ("assertion", run.check_assertion),
        ("badge", run.check_badge),
        ("verification", run.check_verification),
    ]
    for number, (check_id, step) in enumerate(steps):
        if not run.step(check_id, step):
            for later, _step in steps[number + 1 :]:
                run.checks.append(
                    _skip(
                        later,
                        "Not checked: an earlier check failed.",
                        "앞선 확인에 실패하여 확인하지 않았습니다.",
                    )
                )
            break
    if run.assertion is not None and not run.gone:
        run.step("recipient", lambda: run.check_recipient(recipients))
        run.step("validity", run.check_validity)
    if run.assertion is not None and all(
        c.status != "fail" for c in run.checks if c.id in ("assertion", "verification")
    ):
        run.step("revocation", run.check_revocation)
    fmt = run.read.format if run.read is not None else None
    return Ob2Report(tuple(run.checks), run.assertion, fmt, run.badge, run.issuer, run.kind)


def verify(
    data: bytes | str,
    *,
    now: datetime | None = None,
    fetcher: Fetcher | None = None,
    recipients: Sequence[str] = (),
) -> Ob2Report:
    """Verify an OB 2.0 assertion given as a URL, JSON, a compact JWS or a baked PNG/SVG.

    ``recipients`` are identities (email addresses, say) to match against the assertion's
    recipient; ``now`` defaults to the current time; ``fetcher`` to the verifier's default.
    Never raises: every problem is a failed check in the report.
    """
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _verify(data, moment, fetcher or default_fetcher(), recipients)


def verify_or_raise(
    data: bytes | str,
    *,
    now: datetime | None = None,
    fetcher: Fetcher | None = None,
    recipients: Sequence[str] = (),
) -> Ob2Report:
    """Like :func:`verify`, but raise :class:`Ob2VerificationFailed` unless the report is valid."""
    report = verify(data, now=now, fetcher=fetcher, recipients=recipients)
    if not report.valid:
        raise Ob2VerificationFailed(report)
    return report
