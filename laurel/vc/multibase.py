"""Multibase and multicodec encodings used by Multikey, did:key and Data Integrity proofs.

Only the two bases the VC specifications use are supported: ``z`` (base58btc, Bitcoin
alphabet) and ``u`` (base64url without padding). Multicodec prefixes are unsigned varints
(https://github.com/multiformats/unsigned-varint).

Decoding is strict: a character outside the alphabet, padding, a non-canonical encoding or
an unknown prefix raises :class:`MultibaseError` instead of being silently skipped, because
two different strings must never decode to the same key or signature.
"""

import binascii
from typing import Literal

Base = Literal["base58btc", "base64url"]

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: value for value, char in enumerate(BASE58_ALPHABET)}
_BASE64URL_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_BASE64URL_VALUE = {char: value for value, char in enumerate(_BASE64URL_ALPHABET)}
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")
# The low bits of the last character that carry no data, by the text's length modulo 4.
_SPARE_BITS = (0, 0, 0b1111, 0b11)
_PREFIXES: dict[str, Base] = {"z": "base58btc", "u": "base64url"}

# The unsigned-varint spec caps varints at 9 bytes (63 bits of payload).
_MAX_VARINT_BYTES = 9


class MultibaseError(ValueError):
    """A multibase string, base58/base64url text or multicodec varint is malformed."""


_BASE58_CHUNK_DIGITS = 10
_BASE58_CHUNK = 58**_BASE58_CHUNK_DIGITS
_BASE58_PAIR = 58 * 58
_BASE58_PAIRS = [high + low for high in BASE58_ALPHABET for low in BASE58_ALPHABET]
_BASE58_PAIR_INDEX = {pair: value for value, pair in enumerate(_BASE58_PAIRS)}


def encode_base58btc(data: bytes) -> str:
    """Encode bytes in base58btc; each leading zero byte becomes a leading ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    pairs: list[str] = []
    append, table, pair = pairs.append, _BASE58_PAIRS, _BASE58_PAIR
    # Ten digits per division of the big number, two per division of the small one (written
    # out: a signature is 88 digits, and the loop's own cost was a third of the encoding's).
    while number:
        number, chunk = divmod(number, _BASE58_CHUNK)
        chunk, low = divmod(chunk, pair)
        append(table[low])
        chunk, low = divmod(chunk, pair)
        append(table[low])
        chunk, low = divmod(chunk, pair)
        append(table[low])
        chunk, low = divmod(chunk, pair)
        append(table[low])
        append(table[chunk])
    # The last chunk was padded with zero digits at the most significant end.
    return "1" * zeros + "".join(reversed(pairs)).lstrip("1")


def decode_base58btc(text: str) -> bytes:
    """Decode base58btc text; raise :class:`MultibaseError` on any character outside the alphabet."""
    odd = len(text) % 2
    try:
        number = _BASE58_INDEX[text[0]] if odd else 0
        pairs, pair = _BASE58_PAIR_INDEX, _BASE58_PAIR
        # Two characters per multiplication: a signature's 88 characters take 44 steps.
        for start in range(odd, len(text), 2):
            number = number * pair + pairs[text[start : start + 2]]
    except KeyError:
        raise MultibaseError(_base58_culprit(text)) from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * zeros + body


def _base58_culprit(text: str) -> str:
    position, char = next((at, char) for at, char in enumerate(text) if char not in _BASE58_INDEX)
    return f"invalid base58btc character {char!r} at position {position}"


def encode_base64url(data: bytes) -> str:
    """Encode bytes in base64url without padding (RFC 4648 section 5)."""
    return binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE).rstrip(b"=").decode("ascii")


def decode_base64url(text: str) -> bytes:
    """Decode unpadded base64url; reject padding, foreign characters and non-zero spare bits."""
    if not isinstance(text, str):
        raise TypeError(f"base64url text must be a string, not {type(text).__name__}")
    # Deleting every alphabet character leaves nothing exactly when the text is all alphabet.
    data = text.encode("ascii") if text.isascii() else None
    if data is None or data.translate(None, _BASE64URL_ALPHABET):
        raise MultibaseError("invalid base64url text (only A-Z a-z 0-9 - _ without padding)")
    remainder = len(data) % 4
    if remainder == 1:
        raise MultibaseError("invalid base64url length")
    # Unused low bits of the last character must be zero, or two strings would decode alike.
    if remainder and _BASE64URL_VALUE[data[-1]] & _SPARE_BITS[remainder]:
        raise MultibaseError("non-canonical base64url text")
    return binascii.a2b_base64(data.translate(_FROM_URLSAFE) + b"=" * (-remainder % 4))


def encode(data: bytes, base: Base = "base58btc") -> str:
    """Encode bytes as a multibase string: ``z`` + base58btc or ``u`` + base64url."""
    if base == "base58btc":
        return "z" + encode_base58btc(data)
    if base == "base64url":
        return "u" + encode_base64url(data)
    raise MultibaseError(f"unsupported multibase encoding {base!r}")


def decode(text: str) -> bytes:
    """Decode a multibase string whose prefix is ``z`` or ``u``."""
    return decode_with_base(text)[1]


def decode_with_base(text: str) -> tuple[Base, bytes]:
    """Decode a multibase string and also say which base it used."""
    if not isinstance(text, str) or not text:
        raise MultibaseError("multibase value must be a non-empty string")
    base = _PREFIXES.get(text[0])
    if base is None:
        raise MultibaseError(f"unsupported multibase prefix {text[0]!r}")
    body = text[1:]
    data = decode_base58btc(body) if base == "base58btc" else decode_base64url(body)
    return base, data


def encode_varint(number: int) -> bytes:
    """Encode a non-negative integer as an unsigned varint (little-endian groups of 7 bits)."""
    if number < 0 or number.bit_length() > 7 * _MAX_VARINT_BYTES:
        raise MultibaseError(f"varint out of range: {number}")
    out = bytearray()
    while True:
        low, number = number & 0x7F, number >> 7
        if number:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def decode_varint(data: bytes, offset: int = 0) -> tuple[int, int]:
    """Read an unsigned varint at ``offset``; return ``(value, offset after it)``.

    Over-long (non-minimal) encodings are rejected, as the unsigned-varint spec requires.
    """
    value = 0
    for index in range(_MAX_VARINT_BYTES):
        position = offset + index
        if position >= len(data):
            raise MultibaseError("truncated varint")
        byte = data[position]
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if byte == 0 and index > 0:
                raise MultibaseError("non-minimal varint encoding")
            return value, position + 1
    raise MultibaseError("varint longer than 9 bytes")


def add_multicodec(code: int, data: bytes) -> bytes:
    """Prefix ``data`` with the varint of a multicodec ``code``."""
    return encode_varint(code) + data


def split_multicodec(data: bytes) -> tuple[int, bytes]:
    """Split multicodec-prefixed bytes into ``(code, payload)``."""
    code, offset = decode_varint(data)
    return code, data[offset:]
