"""Public, opaque identifiers. Database keys never leave the server."""

import secrets

# 128 bits of randomness, URL-safe, no padding.
PUBLIC_ID_BYTES = 16


def new_public_id() -> str:
    return secrets.token_urlsafe(PUBLIC_ID_BYTES)
