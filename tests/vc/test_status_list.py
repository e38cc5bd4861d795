import base64
import gzip
import random
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from laurel.vc.status_list import (
    MIN_BITS,
    Bitstring,
    EncodedListError,
    EncodedListTooLargeError,
    StatusEntryError,
    StatusIndexOutOfRangeError,
    StatusListFullError,
    StatusListLengthError,
    StatusPurposeMismatchError,
    allocate,
    decode,
    status_list_credential,
    status_list_entry,
    status_of,
)

LIST_URL = "https://example.com/credentials/status/3"
ISSUER = "did:example:12345"
NOW = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
# The encodedList of the Bitstring Status List v1.0 examples (an all-clear list).
SPEC_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def raw_bytes(encoded: str) -> bytes:
    """Undo the encoding independently: multibase 'u', base64url without padding, GZIP."""
    assert encoded[0] == "u"
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def multibase(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def bomb() -> str:
    """An encodedList of 64 MiB of zeros in about 64 KiB, built by streaming so the test never holds it."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1024 * 1024)
    out = [deflater.compress(chunk) for _ in range(64)]
    return multibase(b"".join([*out, deflater.flush()]))


def test_a_new_list_has_the_herd_privacy_minimum_and_is_clear() -> None:
    bitstring = Bitstring()
    assert len(bitstring) == MIN_BITS == 131_072
    assert bitstring.to_bytes() == bytes(16 * 1024)


def test_it_refuses_lists_below_the_minimum_or_not_whole_bytes() -> None:
    with pytest.raises(StatusListLengthError):
        Bitstring(MIN_BITS - 8)
    with pytest.raises(StatusListLengthError):
        Bitstring(MIN_BITS + 1)


@pytest.mark.parametrize(
    ("index", "byte", "value"),
    [(0, 0, 0x80), (7, 0, 0x01), (8, 1, 0x80), (MIN_BITS - 1, MIN_BITS // 8 - 1, 0x01)],
)
def test_index_zero_is_the_most_significant_bit_of_the_first_byte(index: int, byte: int, value: int) -> None:
    bitstring = Bitstring()
    bitstring.set(index, True)
    expected = bytearray(MIN_BITS // 8)
    expected[byte] = value
    assert raw_bytes(bitstring.encode()) == bytes(expected)
    assert bitstring.get(index)
    assert sum(bitstring.get(i) for i in range(len(bitstring))) == 1


def test_clearing_a_bit_leaves_its_neighbours() -> None:
    bitstring = Bitstring()
    for index in (8, 9, 10):
        bitstring.set(index, True)
    bitstring.set(9, False)
    assert raw_bytes(bitstring.encode())[1] == 0b1010_0000


def test_it_refuses_indexes_outside_the_list() -> None:
    bitstring = Bitstring()
    for index in (-1, MIN_BITS):
        with pytest.raises(StatusIndexOutOfRangeError):
            bitstring.get(index)
        with pytest.raises(StatusIndexOutOfRangeError):
            bitstring.set(index, True)


def test_an_empty_list_encodes_deterministically_and_like_plain_gzip() -> None:
    encoded = Bitstring().encode()
    assert encoded == Bitstring().encode()
    compressed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert compressed[:2] == b"\x1f\x8b"
    assert compressed[4:8] == b"\x00\x00\x00\x00"  # MTIME: no clock in the output
    assert "=" not in encoded
    assert encoded == multibase(gzip.compress(bytes(16 * 1024), mtime=0))
    assert decode(encoded).to_bytes() == bytes(16 * 1024)


def test_it_decodes_the_spec_example_to_131072_clear_bits() -> None:
    assert raw_bytes(SPEC_EXAMPLE) == bytes(16 * 1024)
    bitstring = decode(SPEC_EXAMPLE)
    assert len(bitstring) == 131_072
    assert not any(bitstring.to_bytes())


def test_it_round_trips_random_bits() -> None:
    rng = random.Random(7)
    bitstring = Bitstring(MIN_BITS * 2)
    chosen = {rng.randrange(len(bitstring)) for _ in range(500)}
    for index in chosen:
        bitstring.set(index, True)
    decoded = decode(bitstring.encode())
    assert len(decoded) == MIN_BITS * 2
    assert {i for i in range(len(decoded)) if decoded.get(i)} == chosen


def test_it_decodes_other_encoders_gzip() -> None:
    data = bytearray(16 * 1024)
    data[2] = 0x40  # index 17
    encoded = multibase(gzip.compress(bytes(data), compresslevel=1, mtime=1_700_000_000))
    assert decode(encoded).get(17)
    assert not decode(encoded).get(16)


@pytest.mark.parametrize(
    "encoded",
    [
        Bitstring().encode()[1:],  # no multibase prefix
        "z" + Bitstring().encode()[1:],  # another multibase base
        Bitstring().encode() + "=",  # padding
        Bitstring().encode().replace("-", "+"),  # plain base64 alphabet
        "u" + "A" * 5,  # impossible base64 length
        multibase(b"not gzip at all"),
        multibase(gzip.compress(bytes(16 * 1024), mtime=0)[:-12]),  # truncated stream
        multibase(gzip.compress(bytes(16 * 1024), mtime=0) + b"trailing"),
        multibase(zlib.compress(bytes(16 * 1024))),  # zlib, not gzip
    ],
)
def test_it_refuses_malformed_encoded_lists(encoded: str) -> None:
    with pytest.raises(EncodedListError):
        decode(encoded)


def test_it_refuses_a_list_shorter_than_the_minimum() -> None:
    with pytest.raises(StatusListLengthError):
        decode(multibase(gzip.compress(bytes(1024))))


def test_it_refuses_a_gzip_bomb_without_inflating_it(bomb: str) -> None:
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(EncodedListTooLargeError):
            decode(bomb, max_bytes=1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_the_default_limit_refuses_a_bomb_too(bomb: str) -> None:
    with pytest.raises(EncodedListTooLargeError):
        decode(bomb)


def test_a_list_exactly_at_the_limit_is_accepted() -> None:
    encoded = Bitstring(MIN_BITS).encode()
    assert len(decode(encoded, max_bytes=MIN_BITS // 8)) == MIN_BITS
    with pytest.raises(EncodedListTooLargeError):
        decode(encoded, max_bytes=MIN_BITS // 8 - 1)


def test_it_refuses_an_oversized_input_before_decoding() -> None:
    with pytest.raises(EncodedListTooLargeError):
        decode("u" + "A" * 4_000_000, max_bytes=1024 * 1024)


def test_allocation_never_returns_a_taken_index() -> None:
    taken: set[int] = set()
    rng = random.Random(1)
    for _ in range(64):
        index = allocate(taken, 64, rng)
        assert 0 <= index < 64
        assert index not in taken
        taken.add(index)
    assert taken == set(range(64))
    with pytest.raises(StatusListFullError):
        allocate(taken, 64, rng)


def test_allocation_finds_the_last_free_index_with_a_callable() -> None:
    assert allocate(lambda index: index != 4321, MIN_BITS) == 4321
    with pytest.raises(StatusListFullError):
        allocate(lambda index: True, 16)


def test_allocation_uses_the_system_random_by_default() -> None:
    picks = {allocate(set(), MIN_BITS) for _ in range(20)}
    assert len(picks) > 1


def test_an_empty_list_has_no_room() -> None:
    with pytest.raises(StatusListFullError):
        allocate(set(), 0)


def test_it_builds_a_status_list_entry() -> None:
    assert status_list_entry(LIST_URL, 94567, "revocation") == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }


def test_the_status_list_index_is_a_string() -> None:
    assert isinstance(status_list_entry(LIST_URL, 0, "suspension")["statusListIndex"], str)


def test_it_refuses_unknown_purposes_and_negative_indexes() -> None:
    with pytest.raises(StatusEntryError):
        status_list_entry(LIST_URL, 1, "refresh")
    with pytest.raises(StatusIndexOutOfRangeError):
        status_list_entry(LIST_URL, -1, "revocation")


def test_it_builds_an_unsigned_status_list_credential() -> None:
    bitstring = Bitstring()
    credential = status_list_credential(
        LIST_URL, ISSUER, "revocation", bitstring, valid_from=NOW + timedelta(microseconds=5)
    )
    assert credential == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2024-05-01T12:30:00Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": multibase(gzip.compress(bytes(16 * 1024), mtime=0)),
        },
    }


def test_validity_dates_are_written_in_utc() -> None:
    seoul = timezone(timedelta(hours=9))
    credential = status_list_credential(
        LIST_URL,
        {"id": ISSUER, "type": ["Profile"]},
        "suspension",
        Bitstring(),
        valid_from=datetime(2024, 5, 1, 21, 30, tzinfo=seoul),
        valid_until=datetime(2024, 6, 1, 9, 0, tzinfo=seoul),
    )
    assert credential["validFrom"] == "2024-05-01T12:30:00Z"
    assert credential["validUntil"] == "2024-06-01T00:00:00Z"
    with pytest.raises(ValueError):
        status_list_credential(LIST_URL, ISSUER, "revocation", Bitstring(), valid_from=datetime(2024, 5, 1))


def revocation_list(*revoked: int) -> dict[str, Any]:
    bitstring = Bitstring()
    for index in revoked:
        bitstring.set(index, True)
    return status_list_credential(LIST_URL, ISSUER, "revocation", bitstring, valid_from=NOW)


def test_it_reads_the_status_of_an_entry() -> None:
    credential = revocation_list(94567)
    assert status_of(status_list_entry(LIST_URL, 94567, "revocation"), credential) is True
    assert status_of(status_list_entry(LIST_URL, 94566, "revocation"), credential) is False


def test_it_reads_the_spec_example_as_all_clear() -> None:
    credential = revocation_list()
    credential["credentialSubject"]["encodedList"] = SPEC_EXAMPLE
    assert status_of(status_list_entry(LIST_URL, 94567, "revocation"), credential) is False


def test_a_purpose_mismatch_raises() -> None:
    with pytest.raises(StatusPurposeMismatchError):
        status_of(status_list_entry(LIST_URL, 1, "suspension"), revocation_list(1))


def test_a_list_may_serve_several_purposes() -> None:
    credential = revocation_list(1)
    credential["credentialSubject"]["statusPurpose"] = ["revocation", "suspension"]
    assert status_of(status_list_entry(LIST_URL, 1, "suspension"), credential) is True


def test_an_index_beyond_the_list_raises() -> None:
    with pytest.raises(StatusIndexOutOfRangeError):
        status_of(status_list_entry(LIST_URL, MIN_BITS, "revocation"), revocation_list())


@pytest.mark.parametrize(
    "change",
    [
        {"statusListIndex": 5},  # a number, not a string
        {"statusListIndex": "-5"},
        {"statusListIndex": "five"},
        {"type": "StatusList2021Entry"},
        {"statusSize": 2},
        {"statusListCredential": "https://example.com/credentials/status/4"},
    ],
)
def test_it_refuses_malformed_entries(change: dict[str, object]) -> None:
    entry = {**status_list_entry(LIST_URL, 5, "revocation"), **change}
    with pytest.raises(StatusEntryError):
        status_of(entry, revocation_list(5))


@pytest.mark.parametrize(
    "change",
    [
        {"type": ["VerifiableCredential"]},
        {"credentialSubject": {"type": "StatusList2021", "statusPurpose": "revocation"}},
        {"credentialSubject": [{"type": "BitstringStatusList"}]},
    ],
)
def test_it_refuses_documents_that_are_not_status_list_credentials(change: dict[str, object]) -> None:
    credential = {**revocation_list(5), **change}
    with pytest.raises(StatusEntryError):
        status_of(status_list_entry(LIST_URL, 5, "revocation"), credential)


def test_a_missing_encoded_list_raises() -> None:
    credential = revocation_list(5)
    del credential["credentialSubject"]["encodedList"]
    with pytest.raises(StatusEntryError):
        status_of(status_list_entry(LIST_URL, 5, "revocation"), credential)


def test_status_of_refuses_a_gzip_bomb(bomb: str) -> None:
    credential = revocation_list()
    credential["credentialSubject"]["encodedList"] = bomb
    with pytest.raises(EncodedListTooLargeError):
        status_of(status_list_entry(LIST_URL, 5, "revocation"), credential, max_bytes=1024 * 1024)
