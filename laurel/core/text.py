"""Identity text in one canonical form, for matching and for hashing."""

import unicodedata


def canonical_email(value: str) -> str:
    """Trimmed, NFC-normalized, lower-cased whole address.

    The same form is used to match recipients to learners and, later, to hash
    recipient identities in credentials, so it must never change silently.
    """
    return unicodedata.normalize("NFC", value.strip()).lower()


def canonical_student_id(value: str) -> str:
    return unicodedata.normalize("NFC", value.strip())
