"""Revocation slots for endorsement credentials, in the signing organization's revocation list.

``laurel.credentials.status`` offers public slot functions for awards only; these two wrap
its list allocation and bit setting so an endorsement shares the organization's lists (one
list credential for verifiers to fetch) rather than keeping lists of its own.
"""

from laurel.credentials import status as credential_status
from laurel.credentials.models import StatusList
from laurel.orgs.models import Organization
from laurel.vc import status_list

REVOCATION = StatusList.Purpose.REVOCATION


def allocate(org: Organization, issuer: str) -> tuple[StatusList, int]:
    """One free revocation slot of ``org``'s list published under ``issuer``; call in a transaction."""
    [(lst, index)] = credential_status._allocate_many(org, REVOCATION, issuer, status_list.MIN_BITS, 1)
    return lst, index


def entry(lst: StatusList, index: int) -> dict[str, str]:
    return status_list.status_list_entry(lst.url, index, REVOCATION)


def revoke(lst: StatusList, index: int) -> None:
    """Set the slot's bit and sign the list again; call in a transaction."""
    credential_status._set_bit(lst, index, True)
