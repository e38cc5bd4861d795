"""JSON Canonicalization Scheme (JCS, RFC 8785): one byte string for each JSON value.

Objects have their members sorted by the UTF-16 code units of their names, there is no
whitespace, strings use the minimal escaping of ECMAScript's ``JSON.stringify`` and numbers
are serialized as ECMAScript ``Number.prototype.toString`` does for IEEE 754 doubles. The
output is UTF-8. Used by the ``eddsa-jcs-2022`` Data Integrity cryptosuite.
"""

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

# Integers beyond 2**53 are not exactly representable in the IEEE 754 doubles JCS works on.
MAX_SAFE_INTEGER = 2**53
# ECMAScript switches to exponent notation at 1e21 and below 1e-6.
_MAX_PLAIN_EXPONENT = 21
_MIN_PLAIN_EXPONENT = -6

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class CanonicalizationError(ValueError):
    """A value has no JCS form: NaN, Infinity, a lone surrogate, a non-string key, an unknown type."""


def canonicalize(value: Any) -> bytes:
    """Serialize a JSON value (dict, list, str, int, float, bool, None) as RFC 8785 UTF-8 bytes."""
    parts: list[str] = []
    _write(value, parts)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate cannot be sent as UTF-8
        raise CanonicalizationError(f"string is not valid Unicode: {error}") from error


def _write(value: Any, parts: list[str]) -> None:
    # bool is checked before int because True and False are ints in Python.
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, str):
        parts.append(serialize_string(value))
    elif isinstance(value, int | float):
        parts.append(serialize_number(value))
    elif isinstance(value, Mapping):
        _write_object(value, parts)
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(item, parts)
        parts.append("]")
    else:
        raise CanonicalizationError(f"{type(value).__name__} is not a JSON value")


def _write_object(value: Mapping[Any, Any], parts: list[str]) -> None:
    for name in value:
        if not isinstance(name, str):
            raise CanonicalizationError(f"object member names must be strings, not {type(name).__name__}")
    # Big-endian UTF-16 bytes compare exactly as the code units do (RFC 8785 section 3.2.3).
    names = sorted(value, key=lambda name: name.encode("utf-16-be", "surrogatepass"))
    parts.append("{")
    for index, name in enumerate(names):
        if index:
            parts.append(",")
        parts.append(serialize_string(name))
        parts.append(":")
        _write(value[name], parts)
    parts.append("}")


def serialize_string(text: str) -> str:
    """Quote a string as RFC 8785 section 3.2.2.2 says: escape only what JSON requires."""
    out = ['"']
    for char in text:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif char < " ":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def serialize_number(number: int | float) -> str:
    """Format a number as ECMAScript ``Number.prototype.toString`` (RFC 8785 section 3.2.2.3)."""
    if isinstance(number, int):
        if abs(number) <= MAX_SAFE_INTEGER:
            return str(number)
        # A larger integer is only acceptable if a double holds it exactly, as 2**60 does.
        try:
            as_float = float(number)
        except OverflowError:
            as_float = math.inf
        if not math.isfinite(as_float) or int(as_float) != number:
            raise CanonicalizationError(f"integer {number} is not exactly representable as a double")
        number = as_float
    if not math.isfinite(number):
        raise CanonicalizationError(f"{number} is not allowed in JSON")
    if number == 0:
        return "0"  # also -0
    sign = "-" if number < 0 else ""
    # repr gives the shortest digits that round-trip, the same digits ECMAScript chooses.
    _, digit_tuple, exponent = Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    assert isinstance(exponent, int)  # finite, so never "n", "N" or "F"
    k = len(digits)
    n = k + exponent  # the value is 0.digits × 10**n
    if k <= n <= _MAX_PLAIN_EXPONENT:
        return sign + digits + "0" * (n - k)
    if 0 < n <= _MAX_PLAIN_EXPONENT:
        return sign + digits[:n] + "." + digits[n:]
    if _MIN_PLAIN_EXPONENT < n <= 0:
        return sign + "0." + "0" * -n + digits
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{sign}{mantissa}e{'+' if n > 0 else '-'}{abs(n - 1)}"
