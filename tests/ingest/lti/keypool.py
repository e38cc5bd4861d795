"""RSA keys made once per test run: a 2,048-bit key costs tens of milliseconds to make, and
the LTI tests would otherwise make several per test.

Each key is real and distinct; only the moment it is made moves. The tool's sources draw
from a pool in turn, so any few sources made one after another still hold different keys.
"""

import itertools
from functools import cache

from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey

from laurel.ingest.lti import keys

POOL_SIZE = 4


@cache
def _tool_pool() -> "itertools.cycle[rsa.RSAPrivateKey]":
    return itertools.cycle([keys.new_private_key() for _ in range(POOL_SIZE)])


def next_tool_key() -> rsa.RSAPrivateKey:
    return next(_tool_pool())


@cache
def platform_key(name: str = "platform-key-1") -> RSAKey:
    """The fake platform's signing key, or with another name another key (a forger's)."""
    return RSAKey.generate_key(2048, parameters={"kid": name, "alg": "RS256", "use": "sig"})
