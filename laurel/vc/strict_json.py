"""Strict JSON for everything read from outside: credentials, JWS parts, fetched documents.

Two parsers that disagree on which of two duplicate keys wins is a classic way to make a
verifier check one document while a wallet shows another, and NaN or Infinity are not JSON;
both are refused. Messages are phrased to follow a subject ("the input …", "JWS payload …").
"""

import json
from typing import Any


class StrictJsonError(ValueError):
    """The text is not strict JSON."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):  # rare: find the first repeated key for the message
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise StrictJsonError(f"has a duplicate JSON key {key!r}")
            seen.add(key)
    return result


def _reject_constant(name: str) -> Any:
    raise StrictJsonError(f"uses the constant {name}, which JSON does not allow")


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_reject_constant)


def loads(text: str) -> Any:
    """Parse ``text``; raise :class:`StrictJsonError` on bad syntax, duplicate keys or NaN."""
    if text.startswith("\ufeff"):
        # As json.loads does: a byte-order mark is not JSON.
        raise StrictJsonError("is not valid JSON: Unexpected UTF-8 BOM")
    try:
        return _DECODER.decode(text)
    except StrictJsonError:
        raise
    except (ValueError, RecursionError) as error:  # JSONDecodeError, oversized integers, deep nesting
        raise StrictJsonError(f"is not valid JSON: {error}") from error
