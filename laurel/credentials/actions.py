"""What other apps call: the hook run when an award is created, and the status actions."""

from collections.abc import Sequence

from django.db import transaction

from laurel.awards.models import Award
from laurel.credentials.issuers import compromise_key, ensure_issuer_keys, rotate_key
from laurel.credentials.models import AwardStatus
from laurel.credentials.signing import credential_for, jwt_of, sign_award
from laurel.credentials.status import (
    allocate_statuses,
    ensure_status,
    public_status,
    reinstate,
    revoke,
    suspend,
)

__all__ = [
    "award_created",
    "awards_created",
    "compromise_key",
    "credential_for",
    "ensure_issuer_keys",
    "jwt_of",
    "public_status",
    "reinstate",
    "revoke",
    "rotate_key",
    "sign_award",
    "suspend",
]


def award_created(award: Award) -> None:
    """Call inside the transaction that creates the award.

    The status slot is taken at once (cheap, and it fixes the entry every language's
    credential will carry); signing runs after the commit in the worker, one task per
    transaction however many awards it made, so a 20,000-row upload stays fast.
    Pages that need a credential before the worker gets to it sign on demand
    (``credential_for``), which is idempotent.
    """
    ensure_status(award)
    _sign_after_commit()


def awards_created(awards: Sequence[Award], *, sign_later: bool = True) -> list[AwardStatus]:
    """:func:`award_created` for many new awards of one organization, in their transaction.

    Their status slots are taken in one allocation. ``sign_later=False`` leaves signing to
    the caller (the batch pipeline signs each chunk as soon as it is awarded).
    """
    slots = allocate_statuses(awards)
    if sign_later and awards:
        _sign_after_commit()
    return slots


def _sign_after_commit() -> None:
    connection = transaction.get_connection()
    if not any(entry[1] is _kick_signer for entry in connection.run_on_commit):
        transaction.on_commit(_kick_signer)


def _kick_signer() -> None:
    from laurel.credentials.tasks import sign_unsigned_awards

    sign_unsigned_awards.enqueue()
