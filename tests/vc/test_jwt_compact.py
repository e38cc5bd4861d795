"""VC-JWT tokens are the JWS compact serialization joserfc writes, byte for byte, and joserfc's
header rules still hold when a token is verified.

``laurel.vc.jwt`` builds the compact serialization itself around the raw signatures of
``laurel.vc.keys``. Ed25519 and RS256 (PKCS #1 v1.5) signatures are deterministic, so for
those the whole token must equal joserfc's ``serialize_compact`` of the same header and
payload; ES256 signatures are randomized, so there joserfc must accept ours and we theirs.
"""

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import import_key

from laurel.vc.jwt import (
    AlgorithmNotAllowedError,
    BadSignatureError,
    decode_vc_jwt,
    sign_vc_jwt,
    verify_vc_jwt,
)
from laurel.vc.keys import KeyKind, KeyPair, PublicKey

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

KEYS: dict[KeyKind, KeyPair] = {kind: KeyPair.generate(kind) for kind in ("Ed25519", "P-256", "RSA")}
SPEC_ALG = {"Ed25519": "EdDSA", "P-256": "ES256", "RSA": "RS256"}  # OB 3.0 section 8.2.3
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)

# Text that JSON writers treat differently: Hangul, emoji, quotes, control characters, U+007F.
TEXT = st.one_of(
    st.sampled_from(["한빛 대학교", "파이썬 기초 😀", 'say "hi"\\', "tab\there\nnew\r", "\x00\x1f\x7f", "/"]),
    st.text(st.characters(codec="utf-8"), max_size=20),  # no lone surrogates
)
URL = st.from_regex(r"https://[a-z]{1,8}\.example\.kr/[a-z0-9/]{0,12}", fullmatch=True)
MOMENT = st.integers(0, 20 * 365 * 86400).map(lambda seconds: EPOCH + timedelta(seconds=seconds))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@st.composite
def credentials(draw: st.DrawFn) -> dict[str, Any]:
    issued = draw(MOMENT)
    subject: dict[str, Any] = {"type": ["AchievementSubject"], "achievement": {"name": draw(TEXT)}}
    if draw(st.booleans()):
        subject["id"] = draw(st.sampled_from(["did:example:ebfeb1f712ebc6f1c276e12ec21", "urn:uuid:1"]))
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:{draw(st.uuids())}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": draw(URL), "type": ["Profile"], "name": draw(TEXT)},
        "validFrom": _stamp(issued),
        "name": draw(TEXT),
        "credentialSubject": subject,
    }
    if draw(st.booleans()):
        credential["validUntil"] = _stamp(issued + timedelta(days=draw(st.integers(1, 3650))))
    if draw(st.booleans()):
        values = st.one_of(st.integers(-(2**60), 2**60), st.booleans(), st.none(), TEXT)
        credential["extra"] = draw(st.lists(values, max_size=4))
    return credential


def claims_of(credential: dict[str, Any]) -> dict[str, Any]:
    """OB 3.0 section 8.2.4's claims, computed here rather than by laurel.vc.jwt."""
    claims: dict[str, Any] = {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(datetime.fromisoformat(credential["validFrom"]).timestamp()),
    }
    if "validUntil" in credential:
        claims["exp"] = int(datetime.fromisoformat(credential["validUntil"]).timestamp())
    if "id" in credential["credentialSubject"]:
        claims["sub"] = credential["credentialSubject"]["id"]
    return claims


def jose_key(jwk: dict[str, Any]) -> Any:
    """The same key as a joserfc key object, imported from its JWK."""
    return import_key(dict(jwk))


def joserfc_token(header: dict[str, Any], payload: dict[str, Any], key: KeyPair) -> str:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    private = jose_key(key.to_jwk(private=True))
    return jws.serialize_compact(header, body, private, algorithms=[header["alg"]])


@settings(max_examples=150, deadline=None, database=None)
@given(
    credential=credentials(),
    kind=st.sampled_from(["Ed25519", "RSA"]),
    kid=st.one_of(st.none(), URL, st.just("did:key:z6Mk#키-1")),
    embed_jwk=st.booleans(),
    issued_at=st.one_of(st.none(), MOMENT),
)
def test_deterministic_tokens_equal_joserfcs_byte_for_byte(
    credential: dict[str, Any], kind: KeyKind, kid: str | None, embed_jwk: bool, issued_at: datetime | None
) -> None:
    if kid is None:
        embed_jwk = True  # a header must name its key
    key = KEYS[kind]
    header: dict[str, Any] = {"alg": SPEC_ALG[kind], "typ": "JWT"}
    if kid is not None:
        header["kid"] = kid
    if embed_jwk:
        header["jwk"] = key.public_key.to_jwk()
    payload = {**credential, **claims_of(credential)}
    if issued_at is not None:
        payload["iat"] = int(issued_at.timestamp())
    token = sign_vc_jwt(credential, key, kid=kid, embed_jwk=embed_jwk, issued_at=issued_at)
    assert token == joserfc_token(header, payload, key)


@settings(max_examples=40, deadline=None, database=None)
@given(credential=credentials())
def test_es256_tokens_verify_on_joserfc_and_joserfcs_on_ours(credential: dict[str, Any]) -> None:
    key = KEYS["P-256"]
    public = jose_key(key.public_key.to_jwk())
    ours = sign_vc_jwt(credential, key, kid="https://example.kr/keys/1")
    assert json.loads(jws.deserialize_compact(ours, public, algorithms=["ES256"]).payload) == {
        **credential,
        **claims_of(credential),
    }
    header = {"alg": "ES256", "typ": "JWT", "kid": "https://example.kr/keys/1"}
    theirs = joserfc_token(header, {**credential, **claims_of(credential)}, key)
    now = datetime.fromisoformat(credential["validFrom"])
    assert verify_vc_jwt(theirs, lambda _: key.public_key, now=now) == credential


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _hand_signed(header: dict[str, Any], payload: dict[str, Any], signature: bytes | None = None) -> str:
    """An EdDSA token signed with ``cryptography`` alone: joserfc would refuse to write some
    of these headers."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    if signature is None:
        private = KEYS["Ed25519"].key
        assert isinstance(private, Ed25519PrivateKey)
        signature = private.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{_b64(signature)}"


CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:7d1c1d3e-6b4c-4f51-9a8d-3c6a1e0b2f10",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "https://badges.example.kr/issuers/1", "type": ["Profile"]},
    "validFrom": "2025-03-01T09:00:00Z",
    "credentialSubject": {"type": ["AchievementSubject"]},
}
BASE_HEADER = {"alg": "EdDSA", "typ": "JWT", "kid": "https://badges.example.kr/issuers/1#key-1"}


def _verify(token: str, public: PublicKey) -> dict[str, Any]:
    return verify_vc_jwt(token, lambda _: public, now=datetime(2025, 6, 1, tzinfo=UTC))


def test_a_hand_signed_token_with_an_ordinary_header_verifies() -> None:
    key = KEYS["Ed25519"]
    token = _hand_signed(BASE_HEADER, {**CREDENTIAL, **claims_of(CREDENTIAL)})
    assert _verify(token, key.public_key) == CREDENTIAL


@pytest.mark.parametrize(
    "extra",
    [
        {"foo": "bar"},  # not in the JWS header registry
        {"x5c": "not a list"},
        {"cty": 5},
        {"jku": "not a url"},
        {"b64": False},  # an unencoded payload without crit (RFC 7797 section 6)
        {"b64": "false"},
    ],
    ids=repr,
)
def test_it_refuses_headers_that_joserfc_refuses(extra: dict[str, Any]) -> None:
    key = KEYS["Ed25519"]
    token = _hand_signed({**BASE_HEADER, **extra}, {**CREDENTIAL, **claims_of(CREDENTIAL)})
    with pytest.raises(JoseError):
        jws.deserialize_compact(token, jose_key(key.public_key.to_jwk()), algorithms=["EdDSA"])
    with pytest.raises(BadSignatureError, match="could not be checked"):
        _verify(token, key.public_key)


def test_it_refuses_a_signature_longer_than_joserfc_allows() -> None:
    key = KEYS["Ed25519"]
    token = _hand_signed(BASE_HEADER, {**CREDENTIAL, **claims_of(CREDENTIAL)}, signature=b"\1" * 800)
    with pytest.raises(JoseError):
        jws.deserialize_compact(token, jose_key(key.public_key.to_jwk()), algorithms=["EdDSA"])
    with pytest.raises(BadSignatureError, match="could not be checked"):
        _verify(token, key.public_key)


@pytest.mark.parametrize("kind", ["Ed25519", "P-256", "RSA"])
def test_a_signature_of_the_wrong_length_does_not_match(kind: KeyKind) -> None:
    key = KEYS[kind]
    signing_input, signature = sign_vc_jwt(CREDENTIAL, key, kid=BASE_HEADER["kid"]).rsplit(".", 1)
    whole = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    for wrong in (whole[:1], whole + b"\0", whole[:-1]):
        token = f"{signing_input}.{_b64(wrong)}"
        with pytest.raises(BadSignatureError, match="does not match"):
            _verify(token, key.public_key)


def test_it_refuses_to_sign_with_a_kid_that_is_not_a_string() -> None:
    with pytest.raises(JoseError):
        sign_vc_jwt(CREDENTIAL, KEYS["Ed25519"], kid=7)  # type: ignore[arg-type]


def test_tokens_of_one_key_under_changing_kids_each_equal_joserfcs() -> None:
    key = KEYS["Ed25519"]
    payload = {**CREDENTIAL, **claims_of(CREDENTIAL)}
    kids = ["https://badges.example.kr/keys/1", "did:key:z6Mk#키-1", "https://badges.example.kr/keys/1"]
    for kid in kids:
        token = sign_vc_jwt(CREDENTIAL, key, kid=kid)
        assert token == joserfc_token({"alg": "EdDSA", "typ": "JWT", "kid": kid}, payload, key)
    for kid in (None, kids[0]):
        header: dict[str, Any] = {"alg": "EdDSA", "typ": "JWT"}
        if kid is not None:
            header["kid"] = kid
        header["jwk"] = key.public_key.to_jwk()
        token = sign_vc_jwt(CREDENTIAL, key, kid=kid, embed_jwk=True)
        assert token == joserfc_token(header, payload, key)


def test_a_decoded_header_is_the_callers_own_copy() -> None:
    key = KEYS["Ed25519"]
    token = sign_vc_jwt(CREDENTIAL, key, kid=BASE_HEADER["kid"], embed_jwk=True)
    expected = {**BASE_HEADER, "jwk": key.public_key.to_jwk()}
    header, _ = decode_vc_jwt(token)
    assert header == expected
    header["kid"] = "https://elsewhere.example/keys/9"
    header["jwk"]["x"] = "changed"
    assert decode_vc_jwt(token)[0] == expected
    seen: list[str] = []

    def resolver(header: dict[str, Any]) -> PublicKey:
        seen.append(header["kid"])
        header["kid"] = "changed"  # a resolver that changes its header changes no later token's
        return key.public_key

    for _ in range(2):
        verify_vc_jwt(token, resolver, now=datetime(2025, 6, 1, tzinfo=UTC))
    assert seen == [BASE_HEADER["kid"], BASE_HEADER["kid"]]


def test_a_header_joserfc_refuses_is_refused_each_time_it_is_seen() -> None:
    key = KEYS["Ed25519"]
    token = _hand_signed({**BASE_HEADER, "foo": "bar"}, {**CREDENTIAL, **claims_of(CREDENTIAL)})
    for _ in range(3):
        with pytest.raises(BadSignatureError, match="could not be checked"):
            _verify(token, key.public_key)


def test_a_header_that_is_not_a_jwt_header_is_refused_each_time_it_is_seen() -> None:
    key = KEYS["Ed25519"]
    token = _hand_signed({**BASE_HEADER, "alg": "HS256"}, {**CREDENTIAL, **claims_of(CREDENTIAL)})
    for _ in range(3):
        with pytest.raises(AlgorithmNotAllowedError):
            _verify(token, key.public_key)
