import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from joserfc.jwk import ECKey, OKPKey, RSAKey

from laurel.vc import multibase
from laurel.vc.keys import (
    InvalidSignatureError,
    KeyFormatError,
    KeyPair,
    PublicKey,
    UnsupportedKeyError,
    public_key_from_did_key,
    public_key_from_verification_method,
    resolve_did_key,
)

# The Ed25519 example used throughout the did:key specification.
SPEC_DID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
# The P-256 example from the did:key specification's test vectors.
SPEC_P256_DID = "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169"


@pytest.fixture(scope="module")
def rsa_pair() -> KeyPair:
    return KeyPair.generate("RSA")


def _text(path: Path) -> str:
    return path.read_text().strip()


# --- Official Data Integrity EdDSA vectors ------------------------------------------------


def test_the_vc_di_eddsa_key_pair_decodes_and_re_encodes_exactly(conformance: Path) -> None:
    pair_doc = json.loads((conformance / "vc-di-eddsa" / "keyPair.json").read_text())
    public, secret = pair_doc["publicKeyMultibase"], pair_doc["privateKeyMultibase"]

    pair = KeyPair.from_multikey(secret)

    assert pair.kind == "Ed25519"
    assert pair.public_key == PublicKey.from_multikey(public)
    assert pair.public_key.to_multikey() == public
    assert pair.to_multikey() == secret
    assert KeyPair.from_multikey(secret, public).public_key.did_key() == "did:key:" + public


@pytest.mark.parametrize(("suite", "name"), [("eddsa-rdfc-2022", "DataInt"), ("eddsa-jcs-2022", "JCS")])
def test_signing_the_vector_hashes_reproduces_the_official_signature(
    conformance: Path, suite: str, name: str
) -> None:
    folder = conformance / "vc-di-eddsa" / suite
    pair_doc = json.loads((conformance / "vc-di-eddsa" / "keyPair.json").read_text())
    pair = KeyPair.from_multikey(pair_doc["privateKeyMultibase"])
    # The signature input is proofHash || docHash, which is what combinedHash holds.
    combined = _text(folder / f"combinedHash{name}.txt")
    assert combined == _text(folder / f"proofHash{name}.txt") + _text(folder / f"docHash{name}.txt")

    signature = pair.sign(bytes.fromhex(combined))

    assert signature.hex() == _text(folder / f"sigHex{name}.txt")
    assert multibase.encode(signature) == _text(folder / f"sigBTC58{name}.txt")
    pair.public_key.verify(bytes.fromhex(combined), signature)


def test_the_signed_vector_names_the_key_by_its_did_key_verification_method(conformance: Path) -> None:
    signed = json.loads((conformance / "vc-di-eddsa" / "eddsa-rdfc-2022" / "signedDataInt.json").read_text())
    pair_doc = json.loads((conformance / "vc-di-eddsa" / "keyPair.json").read_text())
    key = public_key_from_verification_method(signed["proof"]["verificationMethod"])
    assert key.to_multikey() == pair_doc["publicKeyMultibase"]
    assert key.verification_method_id() == signed["proof"]["verificationMethod"]


def test_the_open_badges_vector_key_and_signature(conformance: Path) -> None:
    vector = json.loads((conformance / "ob3-rdfc-vector" / "vector.json").read_text())
    keys, expected = vector["keyPair"], vector["expected"]
    seed = bytes.fromhex(keys["privateKeySeedHex"])
    pair = KeyPair(Ed25519PrivateKey.from_private_bytes(seed))

    assert pair.public_key.raw().hex() == keys["publicKeyHex"]
    assert pair.public_key.to_multikey() == keys["publicKeyMultibase"]
    # This vector's secret is the 64-byte seed || public form; it must decode to the same key.
    decoded = KeyPair.from_multikey(keys["secretKeyMultibase"], keys["publicKeyMultibase"])
    assert decoded.public_key == pair.public_key
    assert multibase.decode(decoded.to_multikey())[2:] == seed

    signature = pair.sign(bytes.fromhex(expected["proofHashHex"] + expected["documentHashHex"]))
    assert signature.hex() == expected["signatureHex"]
    assert multibase.encode(signature) == expected["proofValue"]


# --- did:key -----------------------------------------------------------------------------


def test_the_did_key_spec_example_resolves_to_its_multikey() -> None:
    multikey = SPEC_DID.removeprefix("did:key:")
    vm_id = f"{SPEC_DID}#{multikey}"

    doc = resolve_did_key(SPEC_DID)

    assert doc == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": SPEC_DID,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": SPEC_DID, "publicKeyMultibase": multikey}
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }
    key = public_key_from_verification_method(vm_id)
    assert key.kind == "Ed25519"
    assert key == public_key_from_did_key(SPEC_DID)
    assert key.did_key() == SPEC_DID


def test_the_p256_did_key_spec_example_decodes_to_a_point_on_the_curve() -> None:
    key = public_key_from_did_key(SPEC_P256_DID)
    assert key.kind == "P-256"
    assert key.alg == "ES256"
    assert key.did_key() == SPEC_P256_DID
    assert resolve_did_key(SPEC_P256_DID)["verificationMethod"][0]["publicKeyMultibase"] == (
        SPEC_P256_DID.removeprefix("did:key:")
    )


def test_did_keys_carry_the_prefixes_the_spec_lists(rsa_pair: KeyPair) -> None:
    assert KeyPair.generate().public_key.did_key().startswith("did:key:z6Mk")
    assert KeyPair.generate("P-256").public_key.did_key().startswith("did:key:zDn")
    assert rsa_pair.public_key.did_key().startswith("did:key:z4MX")


@pytest.mark.parametrize(
    "vm_id",
    [
        SPEC_DID,  # no fragment
        SPEC_DID + "#key-1",
        SPEC_DID + "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "did:web:example.com#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    ],
)
def test_verification_method_ids_must_be_did_key_with_the_key_as_fragment(vm_id: str) -> None:
    with pytest.raises(KeyFormatError):
        public_key_from_verification_method(vm_id)


@pytest.mark.parametrize(
    "did",
    [
        "did:key:",
        "did:key:6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "did:key:z0OIl",
        "did:key:1.1:z6Mk",
    ],
)
def test_malformed_did_keys_are_rejected(did: str) -> None:
    with pytest.raises(KeyFormatError):
        resolve_did_key(did)


# --- Multikey errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "size"),
    [(0xE7, 33), (0xEC, 32), (0x1201, 49)],  # secp256k1-pub, x25519-pub, p384-pub
)
def test_unknown_public_key_multicodecs_are_rejected(code: int, size: int) -> None:
    value = multibase.encode(multibase.add_multicodec(code, b"\x02" * size))
    with pytest.raises(UnsupportedKeyError):
        PublicKey.from_multikey(value)
    with pytest.raises(UnsupportedKeyError):
        resolve_did_key("did:key:" + value)


def test_unknown_secret_key_multicodecs_are_rejected() -> None:
    with pytest.raises(UnsupportedKeyError):
        KeyPair.from_multikey(multibase.encode(multibase.add_multicodec(0x1301, b"\x01" * 32)))


@pytest.mark.parametrize(
    "value",
    [
        multibase.encode(multibase.add_multicodec(0xED, b"\x01" * 31)),  # wrong length
        multibase.encode(multibase.add_multicodec(0x1200, b"\x05" + b"\x01" * 32)),  # not a point
        "u7QE" + "A" * 43,  # base64url instead of base58btc
        "z",
    ],
)
def test_malformed_public_multikeys_are_rejected(value: str) -> None:
    with pytest.raises(KeyFormatError):
        PublicKey.from_multikey(value)


def test_a_secret_that_does_not_match_the_given_public_key_is_rejected() -> None:
    one, other = KeyPair.generate(), KeyPair.generate()
    with pytest.raises(KeyFormatError):
        KeyPair.from_multikey(one.to_multikey(), other.public_key.to_multikey())


def test_p256_keys_round_trip_through_multikey() -> None:
    pair = KeyPair.generate("P-256")
    again = KeyPair.from_multikey(pair.to_multikey(), pair.public_key.to_multikey())
    assert again.public_key == pair.public_key
    assert multibase.decode(pair.public_key.to_multikey())[:2] == b"\x80\x24"
    assert len(multibase.decode(pair.public_key.to_multikey())) == 2 + 33


def test_rsa_public_keys_round_trip_through_multikey_but_have_no_secret_multikey(rsa_pair: KeyPair) -> None:
    assert PublicKey.from_multikey(rsa_pair.public_key.to_multikey()) == rsa_pair.public_key
    with pytest.raises(UnsupportedKeyError):
        rsa_pair.to_multikey()


# --- Allowed key types ---------------------------------------------------------------------


def test_small_rsa_keys_and_other_curves_are_refused() -> None:
    with pytest.raises(UnsupportedKeyError):
        PublicKey(rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key())
    with pytest.raises(UnsupportedKeyError):
        KeyPair(ec.generate_private_key(ec.SECP384R1()))
    with pytest.raises(UnsupportedKeyError):
        KeyPair.generate("RSA", rsa_bits=1024)


# --- Signing and verifying -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["Ed25519", "P-256", "RSA"])
def test_signatures_verify_and_tampering_is_detected(kind: Any, rsa_pair: KeyPair) -> None:
    pair = rsa_pair if kind == "RSA" else KeyPair.generate(kind)
    signature = pair.sign(b"payload")

    pair.public_key.verify(b"payload", signature)

    tampered = bytes([signature[0] ^ 1]) + signature[1:]
    with pytest.raises(InvalidSignatureError):
        pair.public_key.verify(b"payload", tampered)
    with pytest.raises(InvalidSignatureError):
        pair.public_key.verify(b"payloaD", signature)
    with pytest.raises(InvalidSignatureError):
        pair.public_key.verify(b"payload", signature[:-1])
    with pytest.raises(InvalidSignatureError):
        KeyPair.generate("P-256" if kind == "Ed25519" else "Ed25519").public_key.verify(b"payload", signature)


def test_es256_signatures_are_raw_r_and_s() -> None:
    pair = KeyPair.generate("P-256")
    signature = pair.sign(b"payload")
    assert len(signature) == 64
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    key = pair.public_key.key
    assert isinstance(key, ec.EllipticCurvePublicKey)
    key.verify(der, b"payload", ec.ECDSA(hashes.SHA256()))


def test_the_rfc_8037_ed25519_jws_signature_is_reproduced() -> None:
    # RFC 8037 appendix A.1 key and A.4 signature.
    jwk = {
        "kty": "OKP",
        "crv": "Ed25519",
        "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    }
    signing_input = b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
    expected = "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"

    pair = KeyPair.from_jwk(jwk)

    assert multibase.encode_base64url(pair.sign(signing_input)) == expected
    assert pair.to_jwk(private=True) == jwk
    assert pair.to_jwk() == {k: v for k, v in jwk.items() if k != "d"}


# --- JWK -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make", [lambda: OKPKey.generate_key("Ed25519"), lambda: ECKey.generate_key("P-256")], ids=["OKP", "EC"]
)
def test_jwks_match_an_independent_implementation(make: Any) -> None:
    theirs = make()
    pair = KeyPair(theirs.raw_value)

    assert pair.to_jwk(private=True) == theirs.as_dict(private=True)
    assert pair.to_jwk() == theirs.as_dict(private=False)
    assert "d" not in pair.to_jwk()
    assert KeyPair.from_jwk(theirs.as_dict(private=True)).public_key == pair.public_key
    assert PublicKey.from_jwk(theirs.as_dict(private=False)) == pair.public_key


def test_rsa_jwks_match_an_independent_implementation(rsa_pair: KeyPair) -> None:
    theirs = RSAKey.import_key(rsa_pair.key)  # type: ignore[arg-type]
    mine = rsa_pair.to_jwk(private=True)

    assert mine == theirs.as_dict(private=True)
    assert rsa_pair.to_jwk() == {"kty": "RSA", "n": mine["n"], "e": "AQAB"}
    assert KeyPair.from_jwk(mine).public_key == rsa_pair.public_key
    # A JWK with only n, e and d still loads: the primes are recovered.
    minimal = {"kty": "RSA", "n": mine["n"], "e": mine["e"], "d": mine["d"]}
    again = KeyPair.from_jwk(minimal)
    rsa_pair.public_key.verify(b"x", again.sign(b"x"))


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "OKP", "crv": "X25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
        {"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"},
        {"kty": "oct", "k": "AA"},
        {},
    ],
)
def test_unsupported_jwks_are_rejected(jwk: dict[str, str]) -> None:
    with pytest.raises(UnsupportedKeyError):
        PublicKey.from_jwk(jwk)


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "OKP", "crv": "Ed25519"},
        {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="},
        {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"},
        {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "alg": "ES256"},
        {"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "A" * 43},  # not on the curve
    ],
)
def test_malformed_jwks_are_rejected(jwk: dict[str, str]) -> None:
    with pytest.raises(KeyFormatError):
        PublicKey.from_jwk(jwk)


def test_a_private_jwk_whose_public_part_does_not_match_is_rejected() -> None:
    mine, other = KeyPair.generate("P-256"), KeyPair.generate("P-256")
    jwk = {**other.to_jwk(), "d": mine.to_jwk(private=True)["d"]}
    with pytest.raises(KeyFormatError):
        KeyPair.from_jwk(jwk)
    with pytest.raises(KeyFormatError):
        KeyPair.from_jwk(mine.to_jwk())  # no "d"


def test_key_pairs_do_not_show_their_secret() -> None:
    pair = KeyPair.generate()
    assert pair.to_jwk(private=True)["d"] not in repr(pair)
    assert pair.public_key.to_multikey() in repr(pair)


# --- Decoded keys are kept by their Multikey text -----------------------------------------


@pytest.mark.parametrize("kind", ["Ed25519", "P-256"])
def test_a_multikey_decodes_to_the_same_key_each_time_it_is_read(kind: Any) -> None:
    pair = KeyPair.generate(kind)
    jwk_key = PublicKey.from_jwk(pair.public_key.to_jwk())  # decoded another way, never cached
    text = pair.public_key.to_multikey()
    first, second = PublicKey.from_multikey(text), PublicKey.from_multikey(text)
    assert first == second == jwk_key == pair.public_key
    assert first.to_multikey() == second.to_multikey() == jwk_key.to_multikey() == text
    assert public_key_from_did_key(f"did:key:{text}") == jwk_key
    assert public_key_from_verification_method(f"did:key:{text}#{text}") == jwk_key
    data = b"signed once, checked twice"
    first.verify(data, pair.sign(data))


def test_a_malformed_multikey_is_refused_every_time_it_is_read() -> None:
    bad = multibase.encode(multibase.add_multicodec(0xED, b"\x01" * 31))
    for _ in range(3):
        with pytest.raises(KeyFormatError, match="32 bytes"):
            PublicKey.from_multikey(bad)


def test_a_key_decoded_from_a_multikey_does_not_verify_another_keys_signature() -> None:
    one, other = KeyPair.generate(), KeyPair.generate()
    key = PublicKey.from_multikey(one.public_key.to_multikey())
    with pytest.raises(InvalidSignatureError):
        key.verify(b"data", other.sign(b"data"))
    assert PublicKey.from_multikey(other.public_key.to_multikey()) != key
