"""RFC 6238 TOTP written out by hand, so tests never take a code from the code under test."""

import base64
import hashlib
import hmac
import struct
import time


def totp(key: bytes, at: float | None = None, step: int = 30, digits: int = 6, t0: int = 0) -> str:
    """HMAC-SHA1 TOTP as authenticator apps compute it (RFC 6238 over RFC 4226)."""
    counter = int(((time.time() if at is None else at) - t0) // step)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def key_from_base32(secret: str) -> bytes:
    secret = secret.replace(" ", "").upper()
    return base64.b32decode(secret + "=" * (-len(secret) % 8))
