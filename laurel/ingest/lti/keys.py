"""The tool's signing keys: RSA (LTI 1.3 requires RS256), private halves sealed with the KEK."""

import json
from collections.abc import Callable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

from laurel.credentials import kek
from laurel.ingest.lti.models import ToolKey
from laurel.ingest.models import Source

KEY_BITS = 2048


def new_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


# Where fresh key pairs come from; the test suite points it at a pool made once per run.
make_private_key: Callable[[], rsa.RSAPrivateKey] = new_private_key


def _associated_data(source: Source, kid: str) -> bytes:
    # A ciphertext moved to another source's row, or swapped between keys, does not decrypt.
    return b"\x00".join([b"laurel lti tool key v1", source.public_id.encode(), kid.encode()])


def public_jwk(public_pem: bytes) -> dict[str, str]:
    """The JWK the platform fetches; its kid is the RFC 7638 thumbprint, as the LTI library computes it."""
    jwk = JWK.from_pem(public_pem)
    return {**json.loads(jwk.export_public()), "kid": jwk.thumbprint(), "alg": "RS256", "use": "sig"}


def generate(source: Source) -> ToolKey:
    """A new key pair for the source, saved; the caller holds the transaction."""
    private = make_private_key()
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    jwk = public_jwk(public_pem)
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    kek_id, sealed = kek.encrypt(der, _associated_data(source, jwk["kid"]))
    return ToolKey.objects.create(
        source=source, kid=jwk["kid"], public_jwk=jwk, kek_id=kek_id, private_key_encrypted=sealed
    )


def private_key(key: ToolKey) -> rsa.RSAPrivateKey:
    der = kek.decrypt(key.kek_id, bytes(key.private_key_encrypted), _associated_data(key.source, key.kid))
    # The key is one we made, and the KEK's authenticated encryption proves it unchanged, so
    # the RSA consistency check (tens of milliseconds each time) would prove nothing more.
    private = serialization.load_der_private_key(der, password=None, unsafe_skip_rsa_key_validation=True)
    assert isinstance(private, rsa.RSAPrivateKey)
    return private


def private_pem(key: ToolKey) -> str:
    pem = private_key(key).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem.decode()


def reseal(key: ToolKey) -> bool:
    """Re-encrypt the private key under the current KEK (for ``rotate_kek``); False if it already is.

    The caller saves ``kek_id`` and ``private_key_encrypted``.
    """
    current = kek.current_kek_id()
    if key.kek_id == current:
        return False
    aad = _associated_data(key.source, key.kid)
    der = kek.decrypt(key.kek_id, bytes(key.private_key_encrypted), aad)
    key.kek_id, key.private_key_encrypted = kek.encrypt(der, aad)
    return True


def public_pem(key: ToolKey) -> str:
    return JWK(**key.public_jwk).export_to_pem().decode()


def current(source: Source) -> ToolKey | None:
    """The key to sign with: the newest active one (older active keys stay published for rotation)."""
    return ToolKey.objects.filter(source=source, is_active=True).order_by("-created_at", "-id").first()


def jwks(source: Source) -> dict[str, list[dict[str, str]]]:
    keys = ToolKey.objects.filter(source=source, is_active=True).order_by("-created_at", "-id")
    return {"keys": [key.public_jwk for key in keys]}
