import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from joserfc import jws
from joserfc.jwk import OctKey, import_key

from laurel.vc.jwt import (
    MAX_TOKEN_BYTES,
    AlgorithmNotAllowedError,
    BadSignatureError,
    ClaimsMismatchError,
    ExpiredError,
    JwtError,
    KeyMismatchError,
    MalformedJwtError,
    NotYetValidError,
    decode_vc_jwt,
    public_key_from_header,
    sign_vc_jwt,
    verify_vc_jwt,
)
from laurel.vc.keys import KeyKind, KeyPair, PublicKey

# joserfc warns that "EdDSA" is deprecated by RFC 9864; OB 3.0 still names it, so we use it.
pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

KINDS: list[KeyKind] = ["Ed25519", "P-256", "RSA"]
SPEC_ALG = {"Ed25519": "EdDSA", "P-256": "ES256", "RSA": "RS256"}  # OB 3.0 section 8.2.3
KID = "https://example.edu/issuers/565049#key-1"


def jose_key(jwk: dict[str, str]) -> Any:
    """The same key as a joserfc key object, imported from its JWK."""
    return import_key(dict(jwk))


@pytest.fixture(scope="module")
def keys() -> dict[KeyKind, KeyPair]:
    return {kind: KeyPair.generate(kind) for kind in KINDS}


@pytest.fixture
def credential(conformance: Path) -> dict[str, Any]:
    vector = json.loads((conformance / "ob3-rdfc-vector" / "vector.json").read_text())
    unsigned: dict[str, Any] = vector["unsigned"]
    return unsigned


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64_json(value: Any) -> str:
    return b64(json.dumps(value).encode("utf-8"))


def unb64_json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def resolver(key: KeyPair | PublicKey) -> Callable[[dict[str, Any]], PublicKey]:
    public = key.public_key if isinstance(key, KeyPair) else key
    return lambda header: public


def joserfc_sign(header: dict[str, Any], payload: dict[str, Any], key: KeyPair) -> str:
    """An independent signer: joserfc with the key imported from its private JWK."""
    signer = jose_key(key.to_jwk(private=True))
    return jws.serialize_compact(header, json.dumps(payload).encode(), signer, algorithms=[header["alg"]])


def claims_of(credential: dict[str, Any]) -> dict[str, Any]:
    """The OB 3.0 section 8.2.4 claims, computed here independently of laurel.vc.jwt."""
    return {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(datetime.fromisoformat(credential["validFrom"]).timestamp()),
        "sub": credential["credentialSubject"]["id"],
    }


@pytest.mark.parametrize("kind", KINDS)
def test_it_signs_and_verifies_with_each_allowed_algorithm(
    kind: KeyKind, keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    token = sign_vc_jwt(credential, keys[kind], kid=KID)
    assert verify_vc_jwt(token, resolver(keys[kind])) == credential


@pytest.mark.parametrize("kind", KINDS)
def test_it_writes_the_ob3_header_with_a_kid(
    kind: KeyKind, keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    token = sign_vc_jwt(credential, keys[kind], kid=KID)
    assert unb64_json(token.split(".")[0]) == {"alg": SPEC_ALG[kind], "typ": "JWT", "kid": KID}


@pytest.mark.parametrize("kind", KINDS)
def test_it_embeds_only_the_public_jwk(
    kind: KeyKind, keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    token = sign_vc_jwt(credential, keys[kind], embed_jwk=True)
    header = unb64_json(token.split(".")[0])
    assert header["alg"] == SPEC_ALG[kind] and header["typ"] == "JWT" and "kid" not in header
    assert "d" not in header["jwk"]
    # joserfc reads the embedded key as the same public key.
    jose_public = jose_key(keys[kind].to_jwk(private=True)).as_dict(private=False)
    assert header["jwk"] == {name: jose_public[name] for name in header["jwk"]}
    assert verify_vc_jwt(token, public_key_from_header) == credential


def test_it_puts_the_credential_and_registered_claims_in_the_payload(
    keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    token = sign_vc_jwt(credential, keys["Ed25519"], kid=KID)
    payload = unb64_json(token.split(".")[1])
    assert payload == {**credential, **claims_of(credential)}
    assert payload["nbf"] == 1262304000  # 2010-01-01T00:00:00Z
    assert "exp" not in payload and "iat" not in payload


def test_it_sets_exp_from_valid_until_and_optional_iat(
    keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    credential["validUntil"] = "2030-06-30T12:00:00+02:00"
    issued = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    token = sign_vc_jwt(credential, keys["P-256"], kid=KID, issued_at=issued)
    payload = unb64_json(token.split(".")[1])
    assert payload["exp"] == int(datetime(2030, 6, 30, 10, 0, tzinfo=UTC).timestamp())
    assert payload["iat"] == int(issued.timestamp())
    assert verify_vc_jwt(token, resolver(keys["P-256"]), now=issued) == credential


def test_it_uses_a_string_issuer_and_omits_sub_without_a_subject_id(
    keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    credential["issuer"] = "https://example.edu/issuers/565049"
    del credential["credentialSubject"]["id"]
    token = sign_vc_jwt(credential, keys["Ed25519"], kid=KID)
    payload = unb64_json(token.split(".")[1])
    assert payload["iss"] == "https://example.edu/issuers/565049" and "sub" not in payload
    assert verify_vc_jwt(token, resolver(keys["Ed25519"])) == credential


def test_it_requires_a_kid_or_jwk_to_sign(keys: dict[KeyKind, KeyPair], credential: dict[str, Any]) -> None:
    with pytest.raises(JwtError):
        sign_vc_jwt(credential, keys["Ed25519"])


def test_it_refuses_to_sign_a_credential_that_already_has_a_claim(
    keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    with pytest.raises(ClaimsMismatchError):
        sign_vc_jwt({**credential, "jti": "urn:other"}, keys["Ed25519"], kid=KID)


@pytest.mark.parametrize("kind", KINDS)
def test_it_verifies_a_token_signed_by_joserfc(
    kind: KeyKind, keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    header = {"alg": SPEC_ALG[kind], "typ": "JWT", "kid": KID}
    token = joserfc_sign(header, {**credential, **claims_of(credential)}, keys[kind])
    assert verify_vc_jwt(token, resolver(keys[kind])) == credential


@pytest.mark.parametrize("kind", KINDS)
def test_joserfc_verifies_our_tokens(
    kind: KeyKind, keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    token = sign_vc_jwt(credential, keys[kind], kid=KID)
    public = jose_key(keys[kind].public_key.to_jwk())
    result = jws.deserialize_compact(token, public, algorithms=[SPEC_ALG[kind]])
    assert json.loads(result.payload) == {**credential, **claims_of(credential)}


def test_it_rejects_a_tampered_payload(keys: dict[KeyKind, KeyPair], credential: dict[str, Any]) -> None:
    header, _, signature = sign_vc_jwt(credential, keys["Ed25519"], kid=KID).split(".")
    forged = {**credential, **claims_of(credential), "name": "Leadership Badge"}
    with pytest.raises(BadSignatureError):
        verify_vc_jwt(f"{header}.{b64_json(forged)}.{signature}", resolver(keys["Ed25519"]))


@pytest.mark.parametrize("kind", KINDS)
def test_it_rejects_a_tampered_signature(
    kind: KeyKind, keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    header, payload, signature = sign_vc_jwt(credential, keys[kind], kid=KID).split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[5] ^= 1
    with pytest.raises(BadSignatureError):
        verify_vc_jwt(f"{header}.{payload}.{b64(bytes(raw))}", resolver(keys[kind]))


def test_it_rejects_a_signature_by_another_key(
    keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    token = sign_vc_jwt(credential, KeyPair.generate("Ed25519"), kid=KID)
    with pytest.raises(BadSignatureError):
        verify_vc_jwt(token, resolver(keys["Ed25519"]))


def test_it_refuses_alg_none(keys: dict[KeyKind, KeyPair], credential: dict[str, Any]) -> None:
    header = b64_json({"alg": "none", "typ": "JWT", "kid": KID})
    token = f"{header}.{b64_json({**credential, **claims_of(credential)})}."
    with pytest.raises(AlgorithmNotAllowedError):
        decode_vc_jwt(token)
    with pytest.raises(AlgorithmNotAllowedError):
        verify_vc_jwt(token, resolver(keys["Ed25519"]))


def test_it_refuses_hs256_signed_with_the_public_key_as_secret(
    keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    # Algorithm confusion: a verifier that fed the public key to HMAC would accept this.
    secret = OctKey.import_key(keys["Ed25519"].public_key.raw())
    header = {"alg": "HS256", "typ": "JWT", "kid": KID}
    payload = json.dumps({**credential, **claims_of(credential)}).encode()
    token = jws.serialize_compact(header, payload, secret, algorithms=["HS256"])
    with pytest.raises(AlgorithmNotAllowedError):
        verify_vc_jwt(token, resolver(keys["Ed25519"]))


def test_it_refuses_hs256_keyed_with_the_rsa_public_key_pem(
    keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    # joserfc itself refuses asymmetric keys as HMAC secrets, so this one is made with hmac.
    pem = keys["RSA"].key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    signing_input = f"{b64_json({'alg': 'HS256', 'typ': 'JWT', 'kid': KID})}.{b64_json(credential)}"
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(AlgorithmNotAllowedError):
        verify_vc_jwt(f"{signing_input}.{b64(signature)}", resolver(keys["RSA"]))


@pytest.mark.parametrize("alg", ["HS256", "HS512", "PS256", "ES384", "RS512", "Ed25519", None, 7])
def test_decode_allows_only_rs256_es256_and_eddsa(alg: Any, credential: dict[str, Any]) -> None:
    token = f"{b64_json({'alg': alg, 'typ': 'JWT', 'kid': KID})}.{b64_json(credential)}.AAAA"
    with pytest.raises(AlgorithmNotAllowedError):
        decode_vc_jwt(token)


@pytest.mark.parametrize(("signer", "verifier"), [("Ed25519", "P-256"), ("P-256", "RSA"), ("RSA", "Ed25519")])
def test_it_refuses_a_key_of_another_type_than_alg(
    signer: KeyKind, verifier: KeyKind, keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    token = sign_vc_jwt(credential, keys[signer], kid=KID)
    with pytest.raises(KeyMismatchError):
        verify_vc_jwt(token, resolver(keys[verifier]))


def test_it_checks_validity_dates_against_an_injected_now(
    keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    credential["validUntil"] = "2020-01-01T00:00:00Z"
    token = sign_vc_jwt(credential, keys["Ed25519"], kid=KID)
    verify = resolver(keys["Ed25519"])
    valid_from = datetime(2010, 1, 1, tzinfo=UTC)
    valid_until = datetime(2020, 1, 1, tzinfo=UTC)
    assert verify_vc_jwt(token, verify, now=valid_from) == credential
    assert verify_vc_jwt(token, verify, now=valid_until - timedelta(seconds=1)) == credential
    with pytest.raises(NotYetValidError):
        verify_vc_jwt(token, verify, now=valid_from - timedelta(seconds=1))
    with pytest.raises(ExpiredError):
        verify_vc_jwt(token, verify, now=valid_until)
    with pytest.raises(ExpiredError):
        verify_vc_jwt(token, verify)  # the real clock is past 2020


@pytest.mark.parametrize(
    "change",
    [
        {"jti": "http://example.com/credentials/9999"},
        {"iss": "https://evil.example/issuer"},
        {"sub": "did:example:someone-else"},
        {"nbf": 1262304000 - 3600},
        {"nbf": "1262304000"},
        {"exp": 1893456000},
        {"iat": "yesterday"},
    ],
)
def test_it_refuses_claims_that_disagree_with_the_credential(
    change: dict[str, Any], keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    header = {"alg": "ES256", "typ": "JWT", "kid": KID}
    token = joserfc_sign(header, {**credential, **claims_of(credential), **change}, keys["P-256"])
    with pytest.raises(ClaimsMismatchError):
        verify_vc_jwt(token, resolver(keys["P-256"]))


@pytest.mark.parametrize("missing", ["iss", "jti", "nbf", "sub"])
def test_it_refuses_a_missing_claim(
    missing: str, keys: dict[KeyKind, KeyPair], credential: dict[str, Any]
) -> None:
    claims = claims_of(credential)
    del claims[missing]
    token = joserfc_sign({"alg": "ES256", "typ": "JWT", "kid": KID}, {**credential, **claims}, keys["P-256"])
    with pytest.raises(ClaimsMismatchError):
        verify_vc_jwt(token, resolver(keys["P-256"]))


def test_it_refuses_an_oversized_token(keys: dict[KeyKind, KeyPair], credential: dict[str, Any]) -> None:
    credential["description"] = "x" * MAX_TOKEN_BYTES
    token = sign_vc_jwt(credential, keys["Ed25519"], kid=KID)
    with pytest.raises(MalformedJwtError, match="larger"):
        verify_vc_jwt(token, resolver(keys["Ed25519"]))


DUPLICATE = b64(b'{"a":1,"a":2}')
NAN = b64(b'{"a":NaN}')


def valid_parts(credential: dict[str, Any]) -> tuple[str, str, str]:
    return b64_json({"alg": "EdDSA", "typ": "JWT", "kid": KID}), b64_json(credential), b64(b"\1" * 64)


@pytest.mark.parametrize(
    "build",
    [
        lambda h, p, s: f"{h}.{p}",
        lambda h, p, s: f"{h}.{p}.{s}.{s}",
        lambda h, p, s: f"{h}.{p}.",
        lambda h, p, s: f"{h}=.{p}.{s}",
        lambda h, p, s: f"{h}.{p}.{s}+",
        lambda h, p, s: f"{h}.{b64(b'not json')}.{s}",
        lambda h, p, s: f"{h}.{b64_json([1, 2])}.{s}",
        lambda h, p, s: f"{h}.{DUPLICATE}.{s}",
        lambda h, p, s: f"{h}.{NAN}.{s}",
        lambda h, p, s: f"{b64_json({'alg': 'EdDSA', 'kid': KID})}.{p}.{s}",
        lambda h, p, s: f"{b64_json({'alg': 'EdDSA', 'typ': 'JOSE', 'kid': KID})}.{p}.{s}",
        lambda h, p, s: f"{b64_json({'alg': 'EdDSA', 'typ': 'JWT'})}.{p}.{s}",
        lambda h, p, s: f"{b64_json({'alg': 'EdDSA', 'typ': 'JWT', 'kid': KID, 'crit': ['b64']})}.{p}.{s}",
        lambda h, p, s: (
            f"{b64_json({'alg': 'EdDSA', 'typ': 'JWT', 'jwk': {'kty': 'OKP', 'd': 'AA'}})}.{p}.{s}"
        ),
    ],
)
def test_decode_rejects_malformed_tokens(
    build: Callable[[str, str, str], str], credential: dict[str, Any]
) -> None:
    with pytest.raises(MalformedJwtError):
        decode_vc_jwt(build(*valid_parts(credential)))


def test_decode_returns_header_and_payload_without_verifying(credential: dict[str, Any]) -> None:
    header, payload, signature = valid_parts(credential)
    assert decode_vc_jwt(f"{header}.{payload}.{signature}") == (
        {"alg": "EdDSA", "typ": "JWT", "kid": KID},
        credential,
    )


def test_it_refuses_a_naive_now(keys: dict[KeyKind, KeyPair], credential: dict[str, Any]) -> None:
    token = sign_vc_jwt(credential, keys["Ed25519"], kid=KID)
    with pytest.raises(ValueError, match="timezone"):
        verify_vc_jwt(token, resolver(keys["Ed25519"]), now=datetime(2015, 1, 1))
