"""Issuer private keys at rest: PKCS #8 DER sealed with the KEK, bound to their row."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from laurel.credentials import kek
from laurel.credentials.models import IssuerKey
from laurel.vc.keys import KeyKind, KeyPair, PublicKey


class StoredKeyError(ValueError):
    """A stored key cannot be opened, or its private half does not match its public half."""


def associated_data(key: IssuerKey) -> bytes:
    # Binding the organization, key id, kind and public key means a ciphertext copied to
    # another row (another organization, or another key of the same one) fails to decrypt.
    parts = [b"laurel issuer key v1", str(key.org.public_id).encode(), key.public_id.encode()]
    parts += [key.kind.encode(), key.public_key_multibase.encode()]
    return b"\x00".join(parts)


def seal(key: IssuerKey, pair: KeyPair) -> None:
    """Fill the row's public fields from ``pair`` and store its private half encrypted."""
    key.kind = pair.kind
    key.public_key_multibase = pair.public_key.to_multikey()
    key.public_key_jwk = pair.public_key.to_jwk()
    der = pair.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    key.kek_id, key.private_key_encrypted = kek.encrypt(der, associated_data(key))


def open_key(key: IssuerKey) -> KeyPair:
    """Decrypt a stored key; raises :class:`kek.KekError` or :class:`StoredKeyError`."""
    der = kek.decrypt(key.kek_id, bytes(key.private_key_encrypted), associated_data(key))
    private = serialization.load_der_private_key(der, password=None)
    if not isinstance(private, Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise StoredKeyError(f"key {key.public_id} holds an unsupported key type")
    pair = KeyPair(private)
    if pair.public_key != public_key(key):
        raise StoredKeyError(f"key {key.public_id}: the private key does not match the public key")
    return pair


def public_key(key: IssuerKey) -> PublicKey:
    return PublicKey.from_multikey(key.public_key_multibase)


def generate(kind: KeyKind) -> KeyPair:
    return KeyPair.generate(kind)


def reseal(key: IssuerKey) -> bool:
    """Re-encrypt under the current KEK; False when it already is."""
    if key.kek_id == kek.current_kek_id():
        return False
    seal(key, open_key(key))
    return True
