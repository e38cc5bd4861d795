"""Open Badges 3.0 ``IdentityObject``: a recipient named by a (usually hashed) identifier.

An ``identityHash`` is ``"<algorithm>$" + hex(hash(identifier + salt))`` over UTF-8, where the
algorithm is ``sha256`` (what we issue) or ``md5`` (accepted from older issuers).

Canonicalising the identifier is the caller's job: pass the canonical form (for an email, the
address as the account stores it, e.g. lower-cased) both when issuing and when matching, or a
recipient's own address may fail to match.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any

# md5 is accepted only to recognise hashes made by other issuers; we never produce it.
_ALGORITHMS: dict[str, Callable[[bytes], str]] = {
    "sha256": lambda data: hashlib.sha256(data).hexdigest(),
    "md5": lambda data: hashlib.md5(data, usedforsecurity=False).hexdigest(),
}


class IdentityObjectError(ValueError):
    """An ``IdentityObject`` is malformed or uses an unsupported hash algorithm."""


def new_salt() -> str:
    """A fresh random salt (128 bits, URL-safe text)."""
    return secrets.token_urlsafe(16)


def hash_identity(identifier: str, salt: str) -> str:
    """``"sha256$" + hex(sha256(identifier + salt))``; pass ``""`` for an unsalted hash."""
    return "sha256$" + _ALGORITHMS["sha256"]((identifier + salt).encode("utf-8"))


def identity_object(
    identifier: str,
    salt: str | None = None,
    *,
    hashed: bool = True,
    identity_type: str = "emailAddress",
) -> dict[str, Any]:
    """An ``IdentityObject`` for a canonical identifier; a new salt is drawn when none is given."""
    if not hashed:
        return {
            "type": "IdentityObject",
            "identityHash": identifier,
            "identityType": identity_type,
            "hashed": False,
        }
    salt = new_salt() if salt is None else salt
    return {
        "type": "IdentityObject",
        "identityHash": hash_identity(identifier, salt),
        "identityType": identity_type,
        "hashed": True,
        "salt": salt,
    }


def matches(identity: dict[str, Any], candidate: str) -> bool:
    """Whether the canonical ``candidate`` identifier is the one ``identity`` names."""
    if identity.get("type") != "IdentityObject":
        raise IdentityObjectError("type must be IdentityObject")
    expected = identity.get("identityHash")
    if not isinstance(expected, str):
        raise IdentityObjectError("identityHash must be a string")
    hashed = identity.get("hashed")
    if hashed is False:
        return hmac.compare_digest(expected.encode("utf-8"), candidate.encode("utf-8"))
    if hashed is not True:
        raise IdentityObjectError("hashed must be true or false")
    algorithm, separator, digest = expected.partition("$")
    if not separator or algorithm not in _ALGORITHMS:
        raise IdentityObjectError(f"unsupported identityHash algorithm {algorithm!r}")
    # A missing salt means the hash was not salted (OB 3.0).
    salt = identity.get("salt", "")
    if not isinstance(salt, str):
        raise IdentityObjectError("salt must be a string")
    actual = _ALGORITHMS[algorithm]((candidate + salt).encode("utf-8"))
    # The spec allows upper- or lower-case hex.
    return hmac.compare_digest(actual.encode("ascii"), digest.lower().encode("utf-8"))
