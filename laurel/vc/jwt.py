"""VC-JWT: the JSON Web Token proof format of Open Badges 3.0 (section 8.2).

A VC-JWT is a JWS in compact serialization (RFC 7515) whose payload is the credential JSON
object itself, with the JWT registered claims (RFC 7519) beside its properties:

- ``iss`` = the issuer's ``id`` (or the string issuer), ``jti`` = the credential ``id``,
- ``nbf`` = ``validFrom`` and ``exp`` = ``validUntil`` as NumericDate (whole seconds),
- ``sub`` = ``credentialSubject.id`` when the subject has one, ``iat`` optional.

The JOSE header carries ``alg`` (RS256, ES256 or EdDSA only), ``typ`` ``JWT`` and the key,
either as ``kid`` (a URL or DID URL) or as ``jwk`` (the public key).

The strict structural checks (size, canonical base64url, header allow-list, duplicate keys)
are ours, and every header also passes joserfc's JWS header registry. The compact
serialization itself is a few lines (RFC 7515 section 7.1) around the raw signatures of
:mod:`laurel.vc.keys`, which are already in the JWS form of each algorithm (RFC 7518
section 3, RFC 8037 section 3.1); joserfc's own signing and checking are the tests'
independent counterpart, in both directions.
"""

import binascii
import functools
import json
import math
import warnings
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning

from laurel.vc import jsonvalue, multibase, strict_json
from laurel.vc.keys import InvalidSignatureError, KeyFormatError, KeyPair, PublicKey

ALLOWED_ALGS = frozenset({"RS256", "ES256", "EdDSA"})
MAX_TOKEN_BYTES = 1024 * 1024
JWT_TYP = "JWT"
REGISTERED_CLAIMS = ("iss", "jti", "nbf", "exp", "sub", "iat")
# JWK members that only a private key has (RFC 7518 sections 6.2.2, 6.3.2; RFC 8037).
_PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})

KeyResolver = Callable[[dict[str, Any]], PublicKey]


class JwtError(ValueError):
    """A VC-JWT cannot be produced, decoded or verified."""


class MalformedJwtError(JwtError):
    """The token is not a well-formed JWS compact serialization of a VC-JWT."""


class AlgorithmNotAllowedError(JwtError):
    """The header ``alg`` is outside the allow-list (``none``, HMAC and anything else)."""


class KeyMismatchError(JwtError):
    """The header ``alg`` does not match the type of the resolved key."""


class BadSignatureError(JwtError):
    """The signature does not verify against the resolved key."""


class ClaimsMismatchError(JwtError):
    """A registered claim is missing, ill-typed or disagrees with the credential."""


class NotYetValidError(JwtError):
    """The credential's ``nbf``/``validFrom`` is in the future."""


class ExpiredError(JwtError):
    """The credential's ``exp``/``validUntil`` has passed."""


def _numeric_date(value: Any, field: str) -> int:
    """An XML Schema dateTime with a time zone, as whole seconds since the epoch (floored)."""
    if not isinstance(value, str):
        raise ClaimsMismatchError(f"credential {field} must be a dateTime string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise ClaimsMismatchError(f"credential {field} is not a valid dateTime: {value!r}") from error
    if moment.tzinfo is None:
        raise ClaimsMismatchError(f"credential {field} must carry a time zone: {value!r}")
    return math.floor(moment.timestamp())


def _issuer_id(credential: Mapping[str, Any]) -> str:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    if not isinstance(issuer, str) or not issuer:
        raise ClaimsMismatchError("credential issuer must be a string or an object with an id")
    return issuer


def _subject_id(credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    # Several subjects have no single ``sub``; OB 3.0 credentials have exactly one.
    subject_id = subject.get("id") if isinstance(subject, Mapping) else None
    return subject_id if isinstance(subject_id, str) else None


def expected_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The registered claims OB 3.0 section 8.2 derives from a credential's own fields."""
    claims: dict[str, Any] = {"iss": _issuer_id(credential)}
    if "id" in credential:
        if not isinstance(credential["id"], str):
            raise ClaimsMismatchError("credential id must be a string")
        claims["jti"] = credential["id"]
    if "validFrom" in credential:
        claims["nbf"] = _numeric_date(credential["validFrom"], "validFrom")
    if "validUntil" in credential:
        claims["exp"] = _numeric_date(credential["validUntil"], "validUntil")
    subject = _subject_id(credential)
    if subject is not None:
        claims["sub"] = subject
    return claims


# Open Badges 3.0 names the algorithm "EdDSA", which RFC 9864 deprecates in favour of
# "Ed25519"; joserfc warns on every use. The filter is installed once, at import.
warnings.filterwarnings("ignore", message=".*EdDSA.*", category=SecurityWarning)


# joserfc's rules for JWS headers: registered names only, each of its type. Its size limits
# on header and payload do not apply here: the whole token is bounded by MAX_TOKEN_BYTES.
_REGISTRY = jws.JWSRegistry(algorithms=sorted(ALLOWED_ALGS))

# The payload: compact UTF-8 JSON in the credential's own member order, as joserfc's callers
# write it. One writer serves all calls.
_WRITE_PAYLOAD = jsonvalue.compact_writer(ensure_ascii=False, sort_keys=False)
# Header segments and decoded headers, by the key they name: every token of one key has the
# same header. Bounded, and only headers of ordinary size are kept.
_HEADER_CACHE_SIZE = 256
_MAX_CACHED_HEADER = 2048
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")


def _b64(data: bytes) -> bytes:
    """Unpadded base64url, as ASCII bytes (the token is assembled as bytes)."""
    return binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE).rstrip(b"=")


def _header_segment(header: dict[str, Any]) -> bytes:
    """The header as joserfc writes it (ASCII JSON, compact separators), so tokens stay byte-identical.

    It must pass joserfc's JWS header registry first (a kid that is not a string, for one).
    """
    _REGISTRY.check_header(header)
    return _b64(json.dumps(header, ensure_ascii=True, separators=(",", ":")).encode("ascii"))


@functools.lru_cache(maxsize=_HEADER_CACHE_SIZE)
def _key_header_segment(alg: str, kid: str | None, jwk: tuple[tuple[str, str], ...] | None) -> bytes:
    header: dict[str, Any] = {"alg": alg, "typ": JWT_TYP}
    if kid is not None:
        header["kid"] = kid
    if jwk is not None:
        header["jwk"] = dict(jwk)
    return _header_segment(header)


def _signing_header(key: KeyPair, kid: str | None, embed_jwk: bool) -> bytes:
    """The header segment naming ``key`` by ``kid``, ``jwk`` or both; made once per key and kid."""
    jwk = tuple(key.public_key.to_jwk().items()) if embed_jwk else None
    if kid is None or type(kid) is str:
        return _key_header_segment(key.alg, kid, jwk)
    header = {"alg": key.alg, "typ": JWT_TYP, "kid": kid}  # refused by the registry
    return _header_segment(header)


def sign_vc_jwt(
    credential: Mapping[str, Any],
    key: KeyPair,
    *,
    kid: str | None = None,
    embed_jwk: bool = False,
    issued_at: datetime | None = None,
) -> str:
    """Sign ``credential`` as a VC-JWT; the header names the key by ``kid``, ``jwk`` or both.

    ``issued_at``, when given, becomes the optional ``iat`` claim.
    """
    if kid is None and not embed_jwk:
        raise JwtError("a VC-JWT header needs a kid or an embedded jwk to name its key")
    if any(claim in credential for claim in REGISTERED_CLAIMS):
        raise ClaimsMismatchError("the credential already has a JWT registered claim as a property")
    payload = {**credential, **expected_claims(credential)}
    if issued_at is not None:
        payload["iat"] = math.floor(issued_at.timestamp())
    try:
        body = _WRITE_PAYLOAD(payload).encode("utf-8")
    except RecursionError as error:
        raise JwtError("the credential is nested too deeply (or contains itself)") from error
    signing_input = _signing_header(key, kid, embed_jwk) + b"." + _b64(body)
    return (signing_input + b"." + _b64(key.sign(signing_input))).decode("ascii")


def _decode_part(part: str, name: str) -> bytes:
    try:
        return multibase.decode_base64url(part)
    except multibase.MultibaseError as error:
        raise MalformedJwtError(f"JWS {name}: {error}") from error


def _json_object(part: str, name: str) -> dict[str, Any]:
    try:
        value = strict_json.loads(_decode_part(part, name).decode("utf-8"))
    except UnicodeDecodeError as error:
        raise MalformedJwtError(f"JWS {name} is not UTF-8: {error}") from error
    except strict_json.StrictJsonError as error:
        raise MalformedJwtError(f"JWS {name} {error}") from error
    if not isinstance(value, dict):
        raise MalformedJwtError(f"JWS {name} must be a JSON object")
    return value


def _check_header(header: Mapping[str, Any]) -> None:
    alg = header.get("alg")
    if alg not in ALLOWED_ALGS:
        raise AlgorithmNotAllowedError(f"JWS alg {alg!r} is not one of {sorted(ALLOWED_ALGS)}")
    if header.get("typ") != JWT_TYP:
        raise MalformedJwtError(f"JWS typ must be {JWT_TYP!r}, not {header.get('typ')!r}")
    # We implement no extension, so any ``crit`` entry (RFC 7515 section 4.1.11) is fatal.
    if "crit" in header:
        raise MalformedJwtError("JWS crit header parameters are not supported")
    if "kid" in header and not isinstance(header["kid"], str):
        raise MalformedJwtError("JWS kid must be a string")
    if "jwk" in header:
        jwk = header["jwk"]
        if not isinstance(jwk, dict):
            raise MalformedJwtError("JWS jwk must be a JSON object")
        if _PRIVATE_JWK_MEMBERS & jwk.keys():
            raise MalformedJwtError("JWS jwk must not contain private or symmetric key members")
    if "kid" not in header and "jwk" not in header:
        raise MalformedJwtError("JWS header names no key (kid or jwk)")


def _split(token: str) -> tuple[str, str, str]:
    if not isinstance(token, str):
        raise MalformedJwtError("a VC-JWT must be a string")
    if len(token) > MAX_TOKEN_BYTES:
        raise MalformedJwtError(f"VC-JWT is larger than {MAX_TOKEN_BYTES} bytes")
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedJwtError(f"a JWS compact serialization has 3 parts, not {len(parts)}")
    return parts[0], parts[1], parts[2]


def decode_vc_jwt(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parse a VC-JWT into ``(header, payload)`` WITHOUT verifying its signature.

    The structure is checked strictly: size, three canonical base64url parts, JSON objects
    without duplicate members, an allowed ``alg``, ``typ`` ``JWT`` and a ``kid`` or public ``jwk``.
    """
    decoded = _decode(token)
    return decoded.header, decoded.payload


class _Decoded(NamedTuple):
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: str  # the first two parts as sent
    signature_part: str
    signature: bytes
    registry_error: str | None  # why joserfc's header registry refuses the header, if it does


class _Header(NamedTuple):
    value: dict[str, Any]
    registry_error: str | None


def _read_header(part: str) -> _Header:
    """Decode and check a header segment; joserfc's objection is kept to be reported later,
    once the key is known, as it always was."""
    header = _json_object(part, "header")
    _check_header(header)
    try:
        _REGISTRY.check_header(header)
    except JoseError as error:
        return _Header(header, str(error))
    return _Header(header, None)


# A malformed header raises and is not kept; one joserfc's registry refuses is kept with its refusal.
_read_known_header = functools.lru_cache(maxsize=_HEADER_CACHE_SIZE)(_read_header)


def _header(part: str) -> _Header:
    found = (_read_known_header if len(part) <= _MAX_CACHED_HEADER else _read_header)(part)
    return _Header(jsonvalue.copy(found.value), found.registry_error)  # callers may change theirs


def _decode(token: str) -> _Decoded:
    header_part, payload_part, signature_part = _split(token)
    header, registry_error = _header(header_part)
    payload = _json_object(payload_part, "payload")
    signature = _decode_part(signature_part, "signature")
    if not signature:
        raise MalformedJwtError("JWS signature is empty")
    return _Decoded(
        header, payload, f"{header_part}.{payload_part}", signature_part, signature, registry_error
    )


def _check_jws(decoded: _Decoded) -> None:
    """The JWS rules joserfc applies to every token: its header registry (registered names
    only, each of its type) and its signature size limit; and no unencoded payload (RFC 7797)."""
    header = decoded.header
    try:
        if decoded.registry_error is not None:
            raise BadSignatureError(f"the signature could not be checked: {decoded.registry_error}")
        _REGISTRY.validate_signature_size(decoded.signature_part.encode("ascii"))
    except JoseError as error:
        raise BadSignatureError(f"the signature could not be checked: {error}") from error
    if header.get("b64", True) is not True:
        # ``crit`` is refused earlier, and b64 without crit is invalid (RFC 7797 section 6).
        raise BadSignatureError("the signature could not be checked: an unencoded payload (b64) needs crit")


def public_key_from_header(header: Mapping[str, Any]) -> PublicKey:
    """The public key embedded as ``jwk`` in a header.

    A key resolver may use it only after checking that the key belongs to the issuer
    (for example, that it is listed in the issuer's profile): anyone can embed a key.
    """
    jwk = header.get("jwk")
    if not isinstance(jwk, Mapping):
        raise MalformedJwtError("JWS header has no jwk")
    try:
        return PublicKey.from_jwk(jwk)
    except KeyFormatError as error:
        raise MalformedJwtError(f"JWS jwk: {error}") from error


def _credential_from(payload: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in payload.items() if name not in REGISTERED_CLAIMS}


def _numeric_claim(payload: Mapping[str, Any], name: str) -> int | None:
    value = payload.get(name)
    if value is None and name not in payload:
        return None
    # ``bool`` is an ``int`` in Python; NumericDate may be fractional (RFC 7519 section 2).
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ClaimsMismatchError(f"claim {name} must be a NumericDate")
    return math.floor(value)


def _check_claims(payload: Mapping[str, Any], credential: Mapping[str, Any]) -> dict[str, Any]:
    """Each registered claim must be present exactly when its credential field is, and agree."""
    expected = expected_claims(credential)
    for name in ("iss", "jti", "sub"):
        if payload.get(name) != expected.get(name) or (name in payload) != (name in expected):
            raise ClaimsMismatchError(
                f"claim {name} is {payload.get(name)!r} but the credential gives {expected.get(name)!r}"
            )
    for name in ("nbf", "exp"):
        if _numeric_claim(payload, name) != expected.get(name):
            raise ClaimsMismatchError(
                f"claim {name} is {payload.get(name)!r} but the credential gives {expected.get(name)!r}"
            )
    _numeric_claim(payload, "iat")
    return expected


def verify_vc_jwt(
    token: str,
    key_resolver: KeyResolver,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Verify a VC-JWT and return the credential (the payload without registered claims).

    ``key_resolver`` maps the decoded header to the issuer's public key; it must decide
    whether a ``kid`` or ``jwk`` is trusted. Raises a :class:`JwtError` subclass on failure.
    """
    if now is not None and now.tzinfo is None:
        raise ValueError("now must be timezone-aware")  # naive datetimes would mean local time
    decoded = _decode(token)
    header, payload = decoded.header, decoded.payload
    key = key_resolver(header)
    if not isinstance(key, PublicKey):
        raise TypeError("key_resolver must return a laurel.vc.keys.PublicKey")
    # With the alg allow-list, this stops algorithm confusion: the key's own type picks the check.
    if key.alg != header["alg"]:
        raise KeyMismatchError(f"JWS alg {header['alg']} cannot be verified with a {key.kind} key")
    _check_jws(decoded)
    try:
        key.verify(decoded.signing_input.encode("ascii"), decoded.signature)
    except InvalidSignatureError as error:
        raise BadSignatureError("the signature does not match the header and payload") from error
    credential = _credential_from(payload)
    claims = _check_claims(payload, credential)
    moment = math.floor((now or datetime.now(UTC)).timestamp())
    if "nbf" in claims and moment < claims["nbf"]:
        raise NotYetValidError(f"the credential is not valid before {credential['validFrom']}")
    if "exp" in claims and moment >= claims["exp"]:
        raise ExpiredError(f"the credential expired at {credential['validUntil']}")
    return credential
