"""Key-encryption keys (KEK): issuer private keys are stored only as AES-256-GCM ciphertexts.

Settings (from the environment):

- ``KEK`` (``LAUREL_KEK``): base64url of 32 random bytes; every new ciphertext uses it.
- ``KEK_PREVIOUS`` (``LAUREL_KEK_PREVIOUS``): older KEKs, comma-separated, still accepted for
  decryption until ``laurel manage rotate_kek`` has re-encrypted every key under ``KEK``.

Each KEK is named by a short id derived from the key itself, stored beside the ciphertext,
so decryption picks the right key without trying them all and an id reveals nothing useful.
"""

import base64
import binascii
import hashlib
import logging
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

log = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12
_ID_LABEL = b"laurel kek id"
_DERIVE_LABEL = b"laurel issuer key encryption"


class KekError(ValueError):
    """A KEK setting is malformed, or a ciphertext cannot be decrypted."""


class UnknownKekError(KekError):
    """The ciphertext was made under a KEK that is no longer configured."""


class DecryptionError(KekError):
    """The ciphertext, its associated data or the KEK does not match (tampered or swapped)."""


@dataclass(frozen=True)
class Kek:
    id: str
    secret: bytes

    def __repr__(self) -> str:  # the secret never reaches a log line or a traceback
        return f"Kek({self.id})"


def kek_id(secret: bytes) -> str:
    return hashlib.sha256(_ID_LABEL + secret).hexdigest()[:12]


def parse_kek(text: str, name: str = "LAUREL_KEK") -> Kek:
    """Read one KEK written as base64url (padding optional) of exactly 32 bytes."""
    text = text.strip()
    try:
        secret = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise KekError(f"{name} is not base64url") from None
    if len(secret) != KEY_BYTES:
        raise KekError(f"{name} must encode {KEY_BYTES} bytes, not {len(secret)}")
    return Kek(kek_id(secret), secret)


def new_kek_text() -> str:
    """A fresh KEK as the environment variable wants it."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode().rstrip("=")


def _derived_from_secret_key() -> Kek:
    # Development and the demo must work with no configuration at all. A KEK derived from
    # SECRET_KEY still keeps private keys out of a leaked database dump that lacks the
    # secret, but both usually sit side by side, hence the warning: production sets LAUREL_KEK.
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=_DERIVE_LABEL)
    secret = hkdf.derive(settings.SECRET_KEY.encode("utf-8"))
    return Kek(kek_id(secret), secret)


@lru_cache(maxsize=1)
def _warn_derived() -> None:
    log.warning("LAUREL_KEK is not set: issuer keys are encrypted with a key derived from SECRET_KEY")


def keyring() -> tuple[Kek, dict[str, Kek]]:
    """The current KEK and every KEK accepted for decryption, by id.

    The SECRET_KEY-derived KEK is always accepted for decryption so that a development or
    demo database can be moved under a real KEK with ``rotate_kek``.
    """
    derived = _derived_from_secret_key()
    configured = settings.KEK
    if configured:
        current = parse_kek(configured)
    else:
        _warn_derived()
        current = derived
    accepted = {derived.id: derived, current.id: current}
    for position, text in enumerate(settings.KEK_PREVIOUS):
        if text.strip():
            old = parse_kek(text, f"LAUREL_KEK_PREVIOUS[{position}]")
            accepted[old.id] = old
    return current, accepted


def encrypt(plaintext: bytes, associated_data: bytes) -> tuple[str, bytes]:
    """Encrypt under the current KEK; returns ``(kek id, nonce || ciphertext)``."""
    current, _accepted = keyring()
    nonce = os.urandom(NONCE_BYTES)
    return current.id, nonce + AESGCM(current.secret).encrypt(nonce, plaintext, associated_data)


def decrypt(kek_id_: str, sealed: bytes, associated_data: bytes) -> bytes:
    """Decrypt a ciphertext made by :func:`encrypt` with the same associated data."""
    _current, accepted = keyring()
    kek = accepted.get(kek_id_)
    if kek is None:
        raise UnknownKekError(f"the KEK {kek_id_!r} is not configured (LAUREL_KEK or LAUREL_KEK_PREVIOUS)")
    sealed = bytes(sealed)
    if len(sealed) <= NONCE_BYTES:
        raise DecryptionError("the encrypted key is truncated")
    try:
        return AESGCM(kek.secret).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated_data)
    except InvalidTag:  # never echo any of the inputs
        raise DecryptionError("the encrypted key does not decrypt: tampered, moved or wrong KEK") from None


def current_kek_id() -> str:
    return keyring()[0].id
