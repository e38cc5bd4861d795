"""JSON Canonicalization Scheme (JCS, RFC 8785): one byte string for each JSON value.

Objects have their members sorted by the UTF-16 code units of their names, there is no
whitespace, strings use the minimal escaping of ECMAScript's ``JSON.stringify`` and numbers
are serialized as ECMAScript ``Number.prototype.toString`` does for IEEE 754 doubles. The
output is UTF-8. Used by the ``eddsa-jcs-2022`` Data Integrity cryptosuite.

Most documents are plain JSON (exact ``dict``, ``list``, ``tuple``, ``str``, ``bool``,
``None`` and integers within ±2**53, string keys, no key outside the Basic Multilingual
Plane). For those, Python's C encoder with sorted keys writes exactly the RFC 8785 bytes,
an order of magnitude faster than the general writer; everything else takes the general
writer. ``_fast_form`` explains why the two agree.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from laurel.vc import jsonvalue

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
    fast = _fast_form(value)
    if fast is not None:
        return fast
    return _exact_form(value)


def _exact_form(value: Any) -> bytes:
    parts: list[str] = []
    _write(value, parts)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate cannot be sent as UTF-8
        raise CanonicalizationError(f"string is not valid Unicode: {error}") from error


# The writer is stateless between calls. The circular-reference check is off because
# ``_is_plain`` has already walked the whole value: a cycle would never have finished.
_WRITE = jsonvalue.compact_writer(ensure_ascii=False, sort_keys=True)


def _fast_form(value: Any) -> bytes | None:
    r"""The JCS bytes from the C encoder when they are provably right, else None.

    For plain JSON (see ``_is_plain``) ``json`` and RFC 8785 agree on every point:

    - ``null``, ``true``, ``false``, and integers within ±2**53 in plain decimal, which is
      what ECMAScript prints for those doubles; floats never get here (``repr`` is not
      ECMAScript's format) and neither do subclasses, whose own methods the two writers
      would consult differently;
    - strings: both escape only ``"``, ``\``, ``\b``, ``\f``, ``\n``, ``\r``, ``\t`` by
      their short forms and the other characters below U+0020 as ``\u00xx`` in lowercase
      hex; U+007F, ``/`` and all other characters are written as they are;
    - member names are exact ``str``: ``json`` would quietly write ``1``, ``True`` or ``None``
      as the names ``"1"``, ``"true"`` and ``"null"``, where JCS has no form at all;
    - member order: ``json`` sorts by code point, JCS by UTF-16 code unit. These orders are
      the same for names inside the Basic Multilingual Plane, where every character is one
      code unit of its own value; a document with a name outside it takes the general writer;
    - a lone surrogate cannot be encoded as UTF-8, so such a document takes the general
      writer too, which reports it.
    """
    try:
        if not _is_plain(value):
            return None
    except RecursionError:
        return None  # the general writer gives the same result or the proper error
    return _plain_form(value)


def _plain_form(value: Any) -> bytes | None:
    """The C encoder's bytes for a value ``_is_plain`` accepts, unless a name leaves the BMP."""
    try:
        data = _WRITE(value).encode("utf-8")
    except (RecursionError, UnicodeEncodeError):
        return None  # the general writer gives the same result or the proper error
    if _has_astral_bytes(data) and _has_astral_name(value):
        return None
    return data


class _NotPlain(Exception):
    """A node ``_is_plain`` would refuse, met by ``_plain_copy``."""


def copy_and_canonicalize(value: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """A deep copy of a JSON object (as :func:`laurel.vc.jsonvalue.copy` makes it) and its JCS bytes.

    A signer needs both; for plain JSON one walk makes the copy and proves it plain for the
    fast path, instead of one walk for each.
    """
    try:
        copied = _plain_copy(value) if type(value) is dict else None
    except (_NotPlain, RecursionError):
        copied = None
    if copied is not None:
        data = _plain_form(copied)
        if data is not None:
            return copied, data
    data = canonicalize(value)  # refused values are refused before anything is copied
    return jsonvalue.copy(value), data


def _plain_copy(value: Any) -> Any:
    """A copy made of the nodes ``_is_plain`` accepts (tuples aside); raise _NotPlain on any other."""
    if type(value) is dict:
        copied: dict[str, Any] = {}
        for name, item in value.items():
            if type(name) is not str:
                raise _NotPlain
            kind = type(item)
            if kind is str or item is None or kind is bool:
                copied[name] = item
            elif kind is dict or kind is list:
                copied[name] = _plain_copy(item)
            elif kind is int and -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                copied[name] = item
            else:
                raise _NotPlain
        return copied
    items: list[Any] = []
    append = items.append
    for item in value:
        kind = type(item)
        if kind is str or item is None or kind is bool:
            append(item)
        elif kind is dict or kind is list:
            append(_plain_copy(item))
        elif kind is int and -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
            append(item)
        else:
            raise _NotPlain
    return items


def _has_astral_bytes(data: bytes) -> bool:
    """True if UTF-8 ``data`` holds a character above U+FFFF: only such a character's first
    byte is 0xF0 to 0xF4. Searching for five single bytes is far cheaper than a walk."""
    return b"\xf0" in data or b"\xf1" in data or b"\xf2" in data or b"\xf3" in data or b"\xf4" in data


def _is_plain(value: Any) -> bool:
    """True if every node is an exact JSON type the C encoder writes as RFC 8785 does."""
    kind = type(value)
    items: Iterable[Any]
    if kind is dict:
        for name in value:
            if type(name) is not str:
                return False
        items = value.values()
    elif kind is list or kind is tuple:
        items = value
    else:
        items = (value,)
    # Common cases first: this loop runs for every node of every document signed.
    for item in items:
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is int and -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
            continue
        if (kind is dict or kind is list or kind is tuple) and _is_plain(item):
            continue
        return False
    return True


def _has_astral_name(value: Any) -> bool:
    """True if some member name has a character above U+FFFF (two UTF-16 code units)."""
    if type(value) is dict:
        for name, item in value.items():
            if max(name, default="") > "\uffff" or _has_astral_name(item):
                return True
        return False
    if type(value) is list or type(value) is tuple:
        return any(_has_astral_name(item) for item in value)
    return False


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
