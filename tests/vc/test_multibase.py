import base64
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laurel.vc import multibase
from laurel.vc.multibase import MultibaseError

# Vectors from the Base58 Encoding Scheme draft (draft-msporny-base58, section 5).
BASE58_VECTORS = [
    (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
    (
        b"The quick brown fox jumps over the lazy dog.",
        "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
    ),
    (bytes.fromhex("0000287fb4cd"), "11233QC4"),
]


def _reference_base58(data: bytes) -> str:
    # Schoolbook long division over the bytes, independent of our big-integer version.
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    digits = [0]
    for byte in data:
        carry = byte
        for i in range(len(digits)):
            carry += digits[i] << 8
            digits[i], carry = carry % 58, carry // 58
        while carry:
            digits.append(carry % 58)
            carry //= 58
    zeros = len(data) - len(data.lstrip(b"\0"))
    body = "".join(alphabet[d] for d in reversed(digits)).lstrip("1")
    return "1" * zeros + body


@pytest.mark.parametrize(("data", "text"), BASE58_VECTORS)
def test_base58btc_matches_the_draft_vectors(data: bytes, text: str) -> None:
    assert multibase.encode_base58btc(data) == text
    assert multibase.decode_base58btc(text) == data


def test_leading_zero_bytes_become_leading_ones() -> None:
    assert multibase.encode_base58btc(b"\0\0\0") == "111"
    assert multibase.encode_base58btc(b"\0\x01") == "12"
    assert multibase.decode_base58btc("111") == b"\0\0\0"
    assert multibase.encode_base58btc(b"") == ""


@given(st.binary(max_size=80))
def test_base58btc_agrees_with_a_reference_and_round_trips(data: bytes) -> None:
    text = multibase.encode_base58btc(data)
    assert text == _reference_base58(data)
    assert multibase.decode_base58btc(text) == data


@pytest.mark.parametrize("bad", ["0", "O", "I", "l", "abc+", "2NEpo7TZRRrLZSi2U ", "é"])
def test_base58btc_rejects_characters_outside_the_alphabet(bad: str) -> None:
    with pytest.raises(MultibaseError):
        multibase.decode_base58btc(bad)


def test_multibase_spec_example_in_both_bases() -> None:
    # From the multibase spec's test vectors for "Multibase is awesome! \o/".
    data = b"Multibase is awesome! \\o/"
    assert multibase.encode(data) == "zYAjKoNbau5KiqmHPmSxYCvn66dA1vLmwbt"
    assert multibase.encode(data, "base64url") == "uTXVsdGliYXNlIGlzIGF3ZXNvbWUhIFxvLw"
    assert multibase.decode("zYAjKoNbau5KiqmHPmSxYCvn66dA1vLmwbt") == data
    assert multibase.decode_with_base("uTXVsdGliYXNlIGlzIGF3ZXNvbWUhIFxvLw") == ("base64url", data)


@given(st.binary(max_size=64))
def test_base64url_agrees_with_the_standard_library(data: bytes) -> None:
    expected = base64.urlsafe_b64encode(data).decode().rstrip("=")
    assert multibase.encode(data, "base64url") == "u" + expected
    assert multibase.decode("u" + expected) == data


@pytest.mark.parametrize("bad", ["uAA==", "uA+/", "uA", "uAB", "uA B"])
def test_base64url_rejects_padding_foreign_characters_and_spare_bits(bad: str) -> None:
    # "uAB": the spare low bits of "B" are not zero, so it is a second spelling of "uAA".
    with pytest.raises(MultibaseError):
        multibase.decode(bad)


@pytest.mark.parametrize("bad", ["", "f48656c6c6f", "m SGVsbG8", "Z2NEpo7TZRRrLZSi2U"])
def test_decode_rejects_unknown_prefixes(bad: str) -> None:
    with pytest.raises(MultibaseError):
        multibase.decode(bad)


@pytest.mark.parametrize(
    ("code", "encoded"),
    [
        # Byte sequences quoted by the Multikey / did:key specifications.
        (0xED, b"\xed\x01"),
        (0x1300, b"\x80\x26"),
        (0x1200, b"\x80\x24"),
        (0x1205, b"\x85\x24"),
        (0, b"\x00"),
        (127, b"\x7f"),
        (128, b"\x80\x01"),
        (16384, b"\x80\x80\x01"),
    ],
)
def test_varints_match_the_unsigned_varint_spec(code: int, encoded: bytes) -> None:
    assert multibase.encode_varint(code) == encoded
    assert multibase.decode_varint(encoded + b"rest") == (code, len(encoded))


@pytest.mark.parametrize("bad", [b"", b"\x80", b"\x80\x00", b"\xff" * 9 + b"\x01"])
def test_decode_varint_rejects_truncated_overlong_and_non_minimal(bad: bytes) -> None:
    with pytest.raises(MultibaseError):
        multibase.decode_varint(bad)


def test_encode_varint_rejects_negative_numbers() -> None:
    with pytest.raises(MultibaseError):
        multibase.encode_varint(-1)


def test_multicodec_prefix_round_trips() -> None:
    prefixed = multibase.add_multicodec(0xED, b"key bytes")
    assert prefixed == b"\xed\x01key bytes"
    assert multibase.split_multicodec(prefixed) == (0xED, b"key bytes")


def _stdlib_base64url(text: str) -> bytes | None:
    """Strict unpadded base64url through the standard library, the general way: the alphabet
    by a regular expression, the bytes by ``base64``, canonical form by encoding them again.
    None where strict decoding must refuse the text."""
    if re.fullmatch(r"[A-Za-z0-9_-]*", text) is None or len(text) % 4 == 1:
        return None
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return data if base64.urlsafe_b64encode(data).decode().rstrip("=") == text else None


BASE64URL_CHARS = st.sampled_from(
    list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") + list("=+/ \n\t.é\x00한")
)


def _decoded_or_none(text: str) -> bytes | None:
    try:
        return multibase.decode_base64url(text)
    except MultibaseError:
        return None


@given(st.text(BASE64URL_CHARS, max_size=14))
def test_base64url_decoding_accepts_and_refuses_exactly_what_the_standard_library_way_does(text: str) -> None:
    assert _decoded_or_none(text) == _stdlib_base64url(text)


@given(st.binary(max_size=40), st.sampled_from("AQgw_-9zB"))
def test_base64url_decoding_refuses_every_other_last_character_than_the_canonical_one(
    data: bytes, last: str
) -> None:
    text = base64.urlsafe_b64encode(data).decode().rstrip("=")
    changed = text[:-1] + last if text else last
    assert _decoded_or_none(changed) == _stdlib_base64url(changed)
    assert multibase.decode_base64url(text) == data


def _reference_base58_decode(text: str) -> bytes:
    """Schoolbook base58btc decoding, one character at a time, independent of ours."""
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number = 0
    for position, char in enumerate(text):
        if char not in alphabet:
            raise MultibaseError(f"invalid base58btc character {char!r} at position {position}")
        number = number * 58 + alphabet.index(char)
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


BASE58_CHARS = st.sampled_from(
    list("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz") + list("0OIl+ é")
)


@given(st.text(BASE58_CHARS, max_size=100))
def test_base58btc_decoding_agrees_with_a_schoolbook_reference_on_any_text(text: str) -> None:
    try:
        expected: bytes | str = _reference_base58_decode(text)
    except MultibaseError as error:
        expected = str(error)
    try:
        got: bytes | str = multibase.decode_base58btc(text)
    except MultibaseError as error:
        got = str(error)
    assert got == expected


@given(st.binary(min_size=60, max_size=70))
def test_signature_sized_values_round_trip_through_base58btc(data: bytes) -> None:
    text = multibase.encode_base58btc(data)
    assert text == _reference_base58(data)
    assert _reference_base58_decode(text) == data == multibase.decode_base58btc(text)
