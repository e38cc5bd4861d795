"""Signing keys: Ed25519 (primary), P-256 (ES256) and RSA (RS256) over ``cryptography``.

Encodings:

- **Multikey** (W3C Controlled Identifiers, Data Integrity EdDSA/ECDSA): ``publicKeyMultibase``
  and ``secretKeyMultibase`` are ``z`` + base58btc of a multicodec-prefixed key.
- **JWK** (RFC 7517/7518/8037): ``OKP``/``Ed25519``, ``EC``/``P-256``, ``RSA``.
- **did:key** (https://w3c-ccg.github.io/did-key-spec/): ``did:key:`` + the public Multikey,
  resolved locally to a DID document with one ``Multikey`` verification method.

Signatures are raw bytes as the VC specifications use them: 64 bytes for Ed25519, ``r || s``
(64 bytes) for ES256, and PKCS #1 v1.5 with SHA-256 for RS256.
"""

import functools
from collections.abc import Mapping
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from laurel.vc import multibase

KeyKind = Literal["Ed25519", "P-256", "RSA"]
PublicKeyObject = Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
PrivateKeyObject = Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

# Multicodec table entries (https://github.com/multiformats/multicodec/blob/master/table.csv).
ED25519_PUB = 0xED  # varint 0xed 0x01
ED25519_PRIV = 0x1300  # varint 0x80 0x26
P256_PUB = 0x1200  # varint 0x80 0x24, followed by the compressed point
P256_PRIV = 0x1306  # varint 0x86 0x26
RSA_PUB = 0x1205  # varint 0x85 0x24, followed by a DER PKCS #1 RSAPublicKey

MIN_RSA_BITS = 2048
JOSE_ALG: dict[KeyKind, str] = {"Ed25519": "EdDSA", "P-256": "ES256", "RSA": "RS256"}

DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
_P256_BYTES = 32
# Decoded public Multikeys, by their text: a verifier meets the same few issuer keys again
# and again. Bounded, so a stream of distinct keys cannot grow it; errors are not kept.
_MULTIKEY_CACHE_SIZE = 1024


class KeyFormatError(ValueError):
    """A key, Multikey, JWK or did:key is malformed or inconsistent."""


class UnsupportedKeyError(KeyFormatError):
    """A key type, curve, multicodec or size that Laurel does not accept."""


class InvalidSignatureError(ValueError):
    """A signature does not verify against the public key and data."""


def _kind_of(key: PublicKeyObject) -> KeyKind:
    """Name the key type, refusing curves and sizes outside the allow-list."""
    if isinstance(key, Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise UnsupportedKeyError(f"unsupported elliptic curve {key.curve.name}")
        return "P-256"
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise UnsupportedKeyError(f"RSA keys must have at least {MIN_RSA_BITS} bits, not {key.key_size}")
        return "RSA"
    raise UnsupportedKeyError(f"unsupported key type {type(key).__name__}")


def _b64_int(value: int, length: int | None = None) -> str:
    """JWK integers are unsigned big-endian base64url; EC coordinates have a fixed length."""
    size = length if length is not None else max(1, (value.bit_length() + 7) // 8)
    return multibase.encode_base64url(value.to_bytes(size, "big"))


def _jwk_bytes(jwk: Mapping[str, Any], name: str, length: int | None = None) -> bytes:
    """Read one base64url member of a JWK, checking its length when it is fixed."""
    value = jwk.get(name)
    if not isinstance(value, str):
        raise KeyFormatError(f"JWK member {name!r} is missing or not a string")
    try:
        data = multibase.decode_base64url(value)
    except multibase.MultibaseError as error:
        raise KeyFormatError(f"JWK member {name!r}: {error}") from error
    if length is not None and len(data) != length:
        raise KeyFormatError(f"JWK member {name!r} must be {length} bytes, not {len(data)}")
    return data


def _jwk_int(jwk: Mapping[str, Any], name: str) -> int:
    return int.from_bytes(_jwk_bytes(jwk, name), "big")


def _check_jwk_header(jwk: Mapping[str, Any]) -> KeyKind:
    """Find the key kind from ``kty``/``crv`` and make sure any ``alg`` agrees with it."""
    kty, crv = jwk.get("kty"), jwk.get("crv")
    kind: KeyKind
    if kty == "OKP" and crv == "Ed25519":
        kind = "Ed25519"
    elif kty == "EC" and crv == "P-256":
        kind = "P-256"
    elif kty == "RSA":
        kind = "RSA"
    else:
        raise UnsupportedKeyError(f"unsupported JWK kty/crv: {kty!r}/{crv!r}")
    alg = jwk.get("alg")
    # "Ed25519" is the fully-specified name for EdDSA over Ed25519 (RFC 9864).
    if alg is not None and alg != JOSE_ALG[kind] and not (kind == "Ed25519" and alg == "Ed25519"):
        raise KeyFormatError(f"JWK alg {alg!r} does not match a {kind} key")
    return kind


class PublicKey:
    """A verification key of an allowed type: Ed25519, P-256 or RSA (at least 2048 bits)."""

    __slots__ = ("_key", "_multikey", "kind")

    def __init__(self, key: PublicKeyObject) -> None:
        self.kind: KeyKind = _kind_of(key)
        self._key = key
        self._multikey: str | None = None

    @property
    def key(self) -> PublicKeyObject:
        """The underlying ``cryptography`` key object."""
        return self._key

    @property
    def alg(self) -> str:
        """The JOSE algorithm name: ``EdDSA``, ``ES256`` or ``RS256``."""
        return JOSE_ALG[self.kind]

    def raw(self) -> bytes:
        """The key bytes that follow the multicodec prefix in a Multikey."""
        key = self._key
        if isinstance(key, Ed25519PublicKey):
            return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        if isinstance(key, ec.EllipticCurvePublicKey):
            return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
        return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)

    def verify(self, data: bytes, signature: bytes) -> None:
        """Check a raw signature over ``data``; raise :class:`InvalidSignatureError` if it fails."""
        key = self._key
        try:
            if isinstance(key, Ed25519PublicKey):
                key.verify(signature, data)
            elif isinstance(key, ec.EllipticCurvePublicKey):
                if len(signature) != 2 * _P256_BYTES:
                    raise InvalidSignatureError("an ES256 signature must be 64 bytes (r || s)")
                r = int.from_bytes(signature[:_P256_BYTES], "big")
                s = int.from_bytes(signature[_P256_BYTES:], "big")
                key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
            else:
                key.verify(signature, data, PKCS1v15(), hashes.SHA256())
        except InvalidSignature as error:
            raise InvalidSignatureError(f"{self.alg} signature does not verify") from error

    def to_multikey(self) -> str:
        """The ``publicKeyMultibase`` value: ``z`` + base58btc(multicodec prefix + key bytes)."""
        multikey = self._multikey
        if multikey is None:  # worked out once: did:key ids and key ids are made from it
            code = {"Ed25519": ED25519_PUB, "P-256": P256_PUB, "RSA": RSA_PUB}[self.kind]
            multikey = self._multikey = multibase.encode(multibase.add_multicodec(code, self.raw()))
        return multikey

    @classmethod
    def from_multikey(cls, value: str) -> "PublicKey":
        """Decode a ``publicKeyMultibase`` value (``z`` prefix only, as Multikey requires).

        Keys are immutable, so the same text gives the same (cached) key object.
        """
        if cls is PublicKey and type(value) is str:
            return _public_key_from_multikey(value)
        return cls._decode_multikey(value)

    @classmethod
    def _decode_multikey(cls, value: str) -> "PublicKey":
        if not isinstance(value, str) or not value.startswith("z"):
            raise KeyFormatError("publicKeyMultibase must be base58btc (start with 'z')")
        try:
            code, data = multibase.split_multicodec(multibase.decode(value))
        except multibase.MultibaseError as error:
            raise KeyFormatError(f"publicKeyMultibase: {error}") from error
        return cls._from_multicodec(code, data)

    @classmethod
    def _from_multicodec(cls, code: int, data: bytes) -> "PublicKey":
        try:
            if code == ED25519_PUB:
                if len(data) != 32:
                    raise KeyFormatError(f"an Ed25519 public key is 32 bytes, not {len(data)}")
                return cls(Ed25519PublicKey.from_public_bytes(data))
            if code == P256_PUB:
                if len(data) != 1 + _P256_BYTES:
                    raise KeyFormatError("a P-256 Multikey holds a 33-byte compressed point")
                return cls(ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data))
            if code == RSA_PUB:
                key = serialization.load_der_public_key(data)
                if not isinstance(key, rsa.RSAPublicKey):
                    raise KeyFormatError("rsa-pub Multikey does not hold an RSA key")
                return cls(key)
        except KeyFormatError:
            raise
        except ValueError as error:  # cryptography: not a point on the curve, bad DER
            raise KeyFormatError(f"invalid key bytes: {error}") from error
        raise UnsupportedKeyError(f"unsupported public key multicodec 0x{code:x}")

    def to_jwk(self) -> dict[str, str]:
        """The public JWK: ``OKP``/``Ed25519`` ``x``, ``EC``/``P-256`` ``x``/``y`` or ``RSA`` ``n``/``e``."""
        key = self._key
        if isinstance(key, Ed25519PublicKey):
            return {"kty": "OKP", "crv": "Ed25519", "x": multibase.encode_base64url(self.raw())}
        if isinstance(key, ec.EllipticCurvePublicKey):
            point = key.public_numbers()
            return {
                "kty": "EC",
                "crv": "P-256",
                "x": _b64_int(point.x, _P256_BYTES),
                "y": _b64_int(point.y, _P256_BYTES),
            }
        numbers = key.public_numbers()
        return {"kty": "RSA", "n": _b64_int(numbers.n), "e": _b64_int(numbers.e)}

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> "PublicKey":
        """Read the public part of a JWK (private members, if present, are ignored)."""
        kind = _check_jwk_header(jwk)
        try:
            if kind == "Ed25519":
                return cls(Ed25519PublicKey.from_public_bytes(_jwk_bytes(jwk, "x", 32)))
            if kind == "P-256":
                x = int.from_bytes(_jwk_bytes(jwk, "x", _P256_BYTES), "big")
                y = int.from_bytes(_jwk_bytes(jwk, "y", _P256_BYTES), "big")
                return cls(ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key())
            return cls(rsa.RSAPublicNumbers(_jwk_int(jwk, "e"), _jwk_int(jwk, "n")).public_key())
        except KeyFormatError:
            raise
        except ValueError as error:  # cryptography: point not on curve, bad RSA numbers
            raise KeyFormatError(f"invalid {kind} JWK: {error}") from error

    def did_key(self) -> str:
        """The ``did:key`` identifier for this key (``did:key:z6Mk…`` for Ed25519)."""
        return "did:key:" + self.to_multikey()

    def verification_method_id(self) -> str:
        """The did:key verification method id ``did:key:X#X``."""
        multikey = self.to_multikey()
        return f"did:key:{multikey}#{multikey}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PublicKey):
            return NotImplemented
        return self.kind == other.kind and self.raw() == other.raw()

    def __hash__(self) -> int:
        return hash((self.kind, self.raw()))

    def __repr__(self) -> str:
        return f"PublicKey({self.kind}, {self.to_multikey()})"


@functools.lru_cache(maxsize=_MULTIKEY_CACHE_SIZE)
def _public_key_from_multikey(value: str) -> PublicKey:
    return PublicKey._decode_multikey(value)


class KeyPair:
    """A signing key and its public key. ``repr`` never shows the secret."""

    __slots__ = ("_key", "public_key")

    def __init__(self, key: PrivateKeyObject) -> None:
        self.public_key = PublicKey(key.public_key())
        self._key = key

    @classmethod
    def generate(cls, kind: KeyKind = "Ed25519", *, rsa_bits: int = MIN_RSA_BITS) -> "KeyPair":
        """Create a new random key pair."""
        if kind == "Ed25519":
            return cls(Ed25519PrivateKey.generate())
        if kind == "P-256":
            return cls(ec.generate_private_key(ec.SECP256R1()))
        if kind == "RSA":
            if rsa_bits < MIN_RSA_BITS:
                raise UnsupportedKeyError(f"RSA keys must have at least {MIN_RSA_BITS} bits")
            return cls(rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits))
        raise UnsupportedKeyError(f"unsupported key kind {kind!r}")

    @property
    def key(self) -> PrivateKeyObject:
        """The underlying ``cryptography`` private key object."""
        return self._key

    @property
    def kind(self) -> KeyKind:
        return self.public_key.kind

    @property
    def alg(self) -> str:
        """The JOSE algorithm name: ``EdDSA``, ``ES256`` or ``RS256``."""
        return self.public_key.alg

    def sign(self, data: bytes) -> bytes:
        """Sign raw bytes; see the module docstring for each algorithm's signature format."""
        key = self._key
        if isinstance(key, Ed25519PrivateKey):
            return key.sign(data)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(_P256_BYTES, "big") + s.to_bytes(_P256_BYTES, "big")
        return key.sign(data, PKCS1v15(), hashes.SHA256())

    def _secret_bytes(self) -> bytes:
        key = self._key
        if isinstance(key, Ed25519PrivateKey):
            return key.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            )
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.private_numbers().private_value.to_bytes(_P256_BYTES, "big")
        raise UnsupportedKeyError("RSA keys have no secretKeyMultibase encoding")

    def to_multikey(self) -> str:
        """The ``secretKeyMultibase`` value (Ed25519: 0x8026 + 32-byte seed; P-256: 0x8626 + scalar)."""
        code = ED25519_PRIV if self.kind == "Ed25519" else P256_PRIV
        return multibase.encode(multibase.add_multicodec(code, self._secret_bytes()))

    @classmethod
    def from_multikey(cls, secret: str, public: str | None = None) -> "KeyPair":
        """Decode a ``secretKeyMultibase``; if ``public`` is given it must match the derived key.

        An Ed25519 secret may also be the 64-byte ``seed || public key`` form some
        implementations emit; its public half must match the seed.
        """
        if not isinstance(secret, str) or not secret.startswith("z"):
            raise KeyFormatError("secretKeyMultibase must be base58btc (start with 'z')")
        try:
            code, data = multibase.split_multicodec(multibase.decode(secret))
        except multibase.MultibaseError as error:
            raise KeyFormatError(f"secretKeyMultibase: {error}") from error
        pair = cls._from_multicodec(code, data)
        if public is not None and PublicKey.from_multikey(public) != pair.public_key:
            raise KeyFormatError("publicKeyMultibase does not match secretKeyMultibase")
        return pair

    @classmethod
    def _from_multicodec(cls, code: int, data: bytes) -> "KeyPair":
        if code == ED25519_PRIV:
            if len(data) not in (32, 64):
                raise KeyFormatError(f"an Ed25519 secret key is 32 (or 64) bytes, not {len(data)}")
            pair = cls(Ed25519PrivateKey.from_private_bytes(data[:32]))
            if len(data) == 64 and data[32:] != pair.public_key.raw():
                raise KeyFormatError("the public half of the 64-byte Ed25519 secret does not match its seed")
            return pair
        if code == P256_PRIV:
            if len(data) != _P256_BYTES:
                raise KeyFormatError(f"a P-256 secret key is 32 bytes, not {len(data)}")
            try:
                return cls(ec.derive_private_key(int.from_bytes(data, "big"), ec.SECP256R1()))
            except ValueError as error:  # zero or not below the group order
                raise KeyFormatError(f"invalid P-256 secret key: {error}") from error
        raise UnsupportedKeyError(f"unsupported secret key multicodec 0x{code:x}")

    def to_jwk(self, *, private: bool = False) -> dict[str, str]:
        """The JWK; private members (``d``, and for RSA the CRT values) only when ``private``."""
        jwk = self.public_key.to_jwk()
        if not private:
            return jwk
        key = self._key
        if isinstance(key, Ed25519PrivateKey):
            jwk["d"] = multibase.encode_base64url(self._secret_bytes())
        elif isinstance(key, ec.EllipticCurvePrivateKey):
            jwk["d"] = multibase.encode_base64url(self._secret_bytes())
        else:
            numbers = key.private_numbers()
            jwk.update(
                d=_b64_int(numbers.d),
                p=_b64_int(numbers.p),
                q=_b64_int(numbers.q),
                dp=_b64_int(numbers.dmp1),
                dq=_b64_int(numbers.dmq1),
                qi=_b64_int(numbers.iqmp),
            )
        return jwk

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> "KeyPair":
        """Read a private JWK; its public members must match the private ones."""
        public = PublicKey.from_jwk(jwk)
        kind, public_key = public.kind, public.key
        try:
            pair: KeyPair
            if isinstance(public_key, Ed25519PublicKey):
                pair = cls(Ed25519PrivateKey.from_private_bytes(_jwk_bytes(jwk, "d", 32)))
            elif isinstance(public_key, ec.EllipticCurvePublicKey):
                scalar = int.from_bytes(_jwk_bytes(jwk, "d", _P256_BYTES), "big")
                pair = cls(ec.derive_private_key(scalar, ec.SECP256R1()))
            else:
                pair = cls(_rsa_private_from_jwk(jwk, public_key.public_numbers()))
        except KeyFormatError:
            raise
        except ValueError as error:  # cryptography: inconsistent RSA numbers, scalar out of range
            raise KeyFormatError(f"invalid private {kind} JWK: {error}") from error
        if pair.public_key != public:
            raise KeyFormatError("the JWK's public members do not match its private key")
        return pair

    def __repr__(self) -> str:
        return f"KeyPair({self.kind}, {self.public_key.to_multikey()})"


def _rsa_private_from_jwk(jwk: Mapping[str, Any], public_numbers: rsa.RSAPublicNumbers) -> rsa.RSAPrivateKey:
    """Build an RSA private key; the primes are recovered when a JWK carries only ``d``."""
    d = _jwk_int(jwk, "d")
    if "p" in jwk and "q" in jwk:
        p, q = _jwk_int(jwk, "p"), _jwk_int(jwk, "q")
    else:
        p, q = rsa.rsa_recover_prime_factors(public_numbers.n, public_numbers.e, d)
    numbers = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=rsa.rsa_crt_dmp1(d, p),
        dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q),
        public_numbers=public_numbers,
    )
    return numbers.private_key()


def public_key_from_did_key(did: str) -> PublicKey:
    """Decode the public key inside a ``did:key`` identifier (a fragment, if any, is ignored)."""
    if not isinstance(did, str) or not did.startswith("did:key:"):
        raise KeyFormatError(f"not a did:key identifier: {did!r}")
    multikey = did.removeprefix("did:key:").split("#", 1)[0]
    if ":" in multikey or "/" in multikey or "?" in multikey:
        raise KeyFormatError("did:key identifiers with a version, path or query are not supported")
    return PublicKey.from_multikey(multikey)


def public_key_from_verification_method(vm_id: str) -> PublicKey:
    """Decode a did:key verification method id ``did:key:X#X`` into its public key.

    The fragment must repeat the key, as the did:key method defines it; another fragment
    would name a verification method the DID document does not have.
    """
    did, hash_sign, fragment = vm_id.partition("#") if isinstance(vm_id, str) else ("", "", "")
    if not hash_sign:
        raise KeyFormatError(f"verification method id has no fragment: {vm_id!r}")
    key = public_key_from_did_key(did)
    if fragment != did.removeprefix("did:key:"):
        raise KeyFormatError(f"unknown did:key verification method fragment {fragment!r}")
    return key


def resolve_did_key(did: str) -> dict[str, Any]:
    """Build the DID document of a ``did:key`` (Multikey form, no network involved)."""
    key = public_key_from_did_key(did)
    did = key.did_key()
    vm_id = key.verification_method_id()
    return {
        "@context": list(DID_CONTEXT),
        "id": did,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.to_multikey(),
            }
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }
