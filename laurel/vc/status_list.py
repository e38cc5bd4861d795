"""W3C Bitstring Status List v1.0: the bitstring, its encoding, entries and list credentials.

https://www.w3.org/TR/vc-bitstring-status-list/

Only one-bit statuses are supported (``statusPurpose`` ``revocation`` or ``suspension``);
entries with a ``statusSize`` other than 1 (status messages) are refused. Checking the proof
of a list credential is not this module's job: ``status_of`` trusts the document it is given.
"""

import gzip
import random
import re
import secrets
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from laurel.vc import multibase

# The spec's minimum (16 KiB uncompressed) gives every credential a crowd to hide in.
MIN_BITS = 131_072
PURPOSES = ("revocation", "suspension")
# Far above any list we issue (over 130 million slots), yet small enough to hold in memory.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"

_DIGITS = re.compile(r"[0-9]+")
_SYSTEM_RANDOM = secrets.SystemRandom()
# Random probes before falling back to a scan: a nearly full list should still allocate.
_RANDOM_ATTEMPTS = 64


class StatusListError(ValueError):
    """Base class for every status list problem."""


class EncodedListError(StatusListError):
    """An ``encodedList`` is not multibase base64url of a well-formed GZIP stream."""


class EncodedListTooLargeError(EncodedListError):
    """An ``encodedList`` would decompress beyond the allowed size (a possible gzip bomb)."""


class StatusListLengthError(StatusListError):
    """A bitstring is shorter than the herd-privacy minimum or not a whole number of bytes."""


class StatusListFullError(StatusListError):
    """No free index is left to allocate."""


class StatusEntryError(StatusListError):
    """A status entry or a status list credential is malformed or unsupported."""


class StatusPurposeMismatchError(StatusListError):
    """The entry's ``statusPurpose`` is not one the list credential serves."""


class StatusIndexOutOfRangeError(StatusListError):
    """The entry's ``statusListIndex`` lies outside the bitstring."""


class Bitstring:
    """A fixed-length list of bits; index 0 is the most significant bit of the first byte."""

    def __init__(self, length: int = MIN_BITS) -> None:
        _check_length(length)
        self._bytes = bytearray(length // 8)

    @classmethod
    def from_bytes(cls, data: bytes) -> "Bitstring":
        """Wrap raw (uncompressed) bitstring bytes."""
        bitstring = cls(len(data) * 8)
        bitstring._bytes[:] = data
        return bitstring

    def __len__(self) -> int:
        return len(self._bytes) * 8

    def get(self, index: int) -> bool:
        """The bit at ``index``."""
        self._check_index(index)
        return bool(self._bytes[index // 8] & (0x80 >> (index % 8)))

    def set(self, index: int, value: bool) -> None:
        """Set or clear the bit at ``index``."""
        self._check_index(index)
        mask = 0x80 >> (index % 8)
        if value:
            self._bytes[index // 8] |= mask
        else:
            self._bytes[index // 8] &= ~mask & 0xFF

    def to_bytes(self) -> bytes:
        """The raw, uncompressed bytes."""
        return bytes(self._bytes)

    def encode(self) -> str:
        """The ``encodedList`` value: ``"u"`` + base64url without padding of the GZIP bytes."""
        # mtime=0 keeps the GZIP header free of the clock, so equal lists encode equally.
        compressed = gzip.compress(self.to_bytes(), mtime=0)
        return multibase.encode(compressed, "base64url")

    def _check_index(self, index: int) -> None:
        if not 0 <= index < len(self):
            raise StatusIndexOutOfRangeError(f"index {index} is outside a list of {len(self)} bits")


def decode(encoded: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Bitstring:
    """Decode an ``encodedList``, refusing anything that would inflate beyond ``max_bytes``."""
    if not encoded.startswith("u"):
        raise EncodedListError("encodedList must be multibase base64url (a leading 'u')")
    body = encoded[1:]
    # GZIP never shrinks incompressible data by much, so a huge input is refused before decoding.
    if len(body) > (max_bytes + 1024) * 4 // 3 + 4:
        raise EncodedListTooLargeError("encodedList is larger than any allowed list")
    try:
        compressed = multibase.decode_base64url(body)
    except multibase.MultibaseError as exc:
        raise EncodedListError(f"encodedList is not base64url without padding: {exc}") from exc
    return Bitstring.from_bytes(_gunzip_bounded(compressed, max_bytes))


def _gunzip_bounded(compressed: bytes, max_bytes: int) -> bytes:
    # One more byte than allowed tells "exactly at the limit" from "over it" without inflating more.
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error as exc:
        raise EncodedListError(f"encodedList is not valid GZIP: {exc}") from exc
    if len(data) > max_bytes:
        raise EncodedListTooLargeError(f"encodedList inflates beyond {max_bytes} bytes")
    if not inflater.eof:
        raise EncodedListError("encodedList GZIP stream is truncated")
    if inflater.unused_data:
        raise EncodedListError("encodedList has data after the GZIP stream")
    return data


def allocate(
    taken: Callable[[int], bool] | set[int],
    size: int,
    rng: random.Random = _SYSTEM_RANDOM,
) -> int:
    """Pick a random free index in ``range(size)``; random so an index says nothing of issue order."""
    if size <= 0:
        raise StatusListFullError(f"a list of {size} indexes has no room")
    is_taken = taken.__contains__ if isinstance(taken, set) else taken
    for _ in range(_RANDOM_ATTEMPTS):
        index = rng.randrange(size)
        if not is_taken(index):
            return index
    # Nearly full: scan once from a random start so the last free slots are still found.
    start = rng.randrange(size)
    for offset in range(size):
        index = (start + offset) % size
        if not is_taken(index):
            return index
    raise StatusListFullError(f"all {size} status list indexes are taken")


def status_list_entry(list_url: str, index: int, purpose: str) -> dict[str, str]:
    """A ``BitstringStatusListEntry`` for a credential's ``credentialStatus``."""
    _check_purpose(purpose)
    if index < 0:
        raise StatusIndexOutOfRangeError(f"index {index} is negative")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        # The spec makes the index a base-10 string, not a JSON number.
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    list_url: str,
    issuer: str | dict[str, Any],
    purpose: str,
    bitstring: Bitstring,
    *,
    valid_from: datetime,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` published at ``list_url``."""
    _check_purpose(purpose)
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": _xsd_datetime(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = _xsd_datetime(valid_until)
    credential["credentialSubject"] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": bitstring.encode(),
    }
    return credential


def status_of(
    entry: dict[str, Any],
    list_credential: dict[str, Any],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> bool:
    """Whether the entry's bit is set (revoked or suspended) in an already verified list credential."""
    if entry.get("type") != "BitstringStatusListEntry":
        raise StatusEntryError("credentialStatus type is not BitstringStatusListEntry")
    if entry.get("statusSize", 1) != 1:
        raise StatusEntryError("only one-bit statuses (statusSize 1) are supported")
    index = _entry_index(entry)
    list_id = list_credential.get("id")
    if list_id is not None and list_id != entry.get("statusListCredential"):
        raise StatusEntryError("list credential id does not match statusListCredential")
    subject = _list_subject(list_credential)
    served = subject.get("statusPurpose")
    # The list may serve one purpose or several ("one or more strings").
    purposes = served if isinstance(served, list) else [served]
    if entry.get("statusPurpose") not in purposes:
        raise StatusPurposeMismatchError(
            f"entry purpose {entry.get('statusPurpose')!r} is not served by a list for {served!r}"
        )
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise StatusEntryError("list credential has no encodedList string")
    bitstring = decode(encoded, max_bytes=max_bytes)
    if index >= len(bitstring):
        raise StatusIndexOutOfRangeError(f"index {index} is outside a list of {len(bitstring)} bits")
    return bitstring.get(index)


def _entry_index(entry: dict[str, Any]) -> int:
    value = entry.get("statusListIndex")
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        raise StatusEntryError("statusListIndex must be a base-10 integer written as a string")
    return int(value)


def _list_subject(list_credential: dict[str, Any]) -> dict[str, Any]:
    types = list_credential.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        raise StatusEntryError("document is not a BitstringStatusListCredential")
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        raise StatusEntryError("credentialSubject is not a BitstringStatusList")
    return subject


def _check_length(length: int) -> None:
    if length < MIN_BITS:
        raise StatusListLengthError(f"a status list needs at least {MIN_BITS} bits, not {length}")
    if length % 8:
        raise StatusListLengthError(f"a status list is whole bytes; {length} bits is not")


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise StatusEntryError(f"statusPurpose must be one of {PURPOSES}, not {purpose!r}")


def _xsd_datetime(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
