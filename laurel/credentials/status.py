"""Bitstring status lists: slot allocation, publishing, and revoke / suspend / reinstate."""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.audit.actions import record
from laurel.awards.models import Award
from laurel.awards.signals import award_revoked
from laurel.core.actor import Actor
from laurel.core.inserts import insert_objects
from laurel.credentials import issuers, keys
from laurel.credentials.models import AwardStatus, Credential, IssuerKey, StatusList
from laurel.credentials.proofs import prove, xsd_now
from laurel.orgs.models import Organization
from laurel.vc import status_list

MAX_REASON = 1000
Purpose = StatusList.Purpose


def _publish(lst: StatusList) -> None:
    """Sign the list credential for the current bits and remember its ETag (no save)."""
    signer = issuers.signer_for_issuer(lst.org, lst.issuer)
    now = timezone.now()
    unsigned = status_list.status_list_credential(
        lst.url,
        lst.issuer,
        lst.purpose,
        status_list.Bitstring.from_bytes(bytes(lst.bits)),
        valid_from=now,
    )
    signed, _suite = prove(unsigned, signer, created=xsd_now(now))
    lst.credential = signed
    lst.signed_with = signer.key
    lst.updated_at = now
    body = json.dumps(signed, sort_keys=True, ensure_ascii=False).encode()
    lst.etag = hashlib.sha256(body).hexdigest()[:32]


def _new_list(org: Organization, purpose: str, issuer: str, size: int) -> StatusList:
    empty = bytes(size // 8)
    lst = StatusList(org=org, purpose=purpose, issuer=issuer, size=size, bits=empty, allocated=empty)
    _publish(lst)
    lst.save()
    return lst


def _allocate_many(
    org: Organization, purpose: str, issuer: str, size: int, count: int
) -> list[tuple[StatusList, int]]:
    """``count`` free random slots, from the open lists in order and new lists when they fill.

    Each list row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite serializes writers)
    and written once however many slots it gives, so no two awards receive the same index.
    """
    slots: list[tuple[StatusList, int]] = []
    # The published bits and list credential are not needed to hand out slots.
    candidates = (
        StatusList.objects.select_for_update()
        .filter(org=org, purpose=purpose, issuer=issuer)
        .defer("bits", "credential")
    )
    open_lists = iter([c for c in candidates.order_by("created_at", "pk") if not c.is_full])
    while len(slots) < count:
        lst = next(open_lists, None)
        if lst is None:
            lst = _new_list(org, purpose, issuer, size)
            lst = StatusList.objects.select_for_update().get(pk=lst.pk)
        taken = status_list.Bitstring.from_bytes(bytes(lst.allocated))
        wanted = min(count - len(slots), lst.size - lst.allocated_count)
        for _n in range(wanted):
            index = status_list.allocate(taken.get, lst.size)
            taken.set(index, True)
            slots.append((lst, index))
        lst.allocated = taken.to_bytes()
        lst.allocated_count += wanted
        lst.save(update_fields=["allocated", "allocated_count"])
    return slots


def ensure_status(award: Award, *, size: int = status_list.MIN_BITS) -> AwardStatus:
    """The award's status slots, allocated on first use; every language's credential shares them."""
    with transaction.atomic():
        # Locking the award makes a second caller wait and then find the first one's slots.
        Award.objects.select_for_update().filter(pk=award.pk).first()
        existing = AwardStatus.objects.filter(award=award).select_related("revocation_list").first()
        if existing is not None:
            return existing
        return allocate_statuses([award], size=size)[0]


def allocate_statuses(awards: Sequence[Award], *, size: int = status_list.MIN_BITS) -> list[AwardStatus]:
    """Status slots for new awards of one organization, that have none yet; in their order.

    Call inside the transaction that creates the awards: two list writes and one insert
    however many awards there are.
    """
    if not awards:
        return []
    org = awards[0].org
    issuer = issuers.issuer_id(org)
    revocations = _allocate_many(org, Purpose.REVOCATION, issuer, size, len(awards))
    suspensions = _allocate_many(org, Purpose.SUSPENSION, issuer, size, len(awards))
    slots = [
        AwardStatus(
            award=award,
            revocation_list=revocation,
            revocation_index=revocation_index,
            suspension_list=suspension,
            suspension_index=suspension_index,
        )
        for award, (revocation, revocation_index), (suspension, suspension_index) in zip(
            awards, revocations, suspensions, strict=True
        )
    ]
    insert_objects(slots, key="award_id")
    return slots


def entry(slots: AwardStatus) -> dict[str, str]:
    """The ``credentialStatus`` every credential of the award carries: its revocation entry."""
    return status_list.status_list_entry(
        slots.revocation_list.url, slots.revocation_index, Purpose.REVOCATION
    )


def _set_bit(lst: StatusList, index: int, value: bool) -> None:
    lst = StatusList.objects.select_for_update().select_related("org").get(pk=lst.pk)
    bits = status_list.Bitstring.from_bytes(bytes(lst.bits))
    if bits.get(index) == value:
        return
    bits.set(index, value)
    lst.bits = bits.to_bytes()
    _publish(lst)
    lst.save(update_fields=["bits", "credential", "signed_with", "etag", "updated_at"])


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {
                "reason": [
                    _("The reason is %(n)s characters long; the limit is %(max)s.")
                    % {"n": len(reason), "max": MAX_REASON}
                ]
            }
        )
    return reason


def _locked(award: Award) -> tuple[Award, AwardStatus]:
    slots = ensure_status(award)
    award = Award.objects.select_for_update().select_related("org").get(pk=award.pk)
    slots = AwardStatus.objects.select_for_update().get(pk=slots.pk)
    return award, slots


def revoke(actor: Actor, award: Award, reason: str) -> Award:
    """Revoke for good; the reason is shown publicly on the award's page. Idempotent."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        award, slots = _locked(award)
        if award.revoked_at is not None:
            return award
        award.revoked_at, award.revocation_reason = timezone.now(), reason
        award.save(update_fields=["revoked_at", "revocation_reason"])
        _set_bit(slots.revocation_list, slots.revocation_index, True)
        record(actor, award.org, "awards.revoke", award, summary=reason, after={"reason": reason})
        award_revoked.send(sender=Award, award=award)
        return award


def suspend(actor: Actor, award: Award, reason: str) -> Award:
    """Suspend until reinstated. Idempotent; a revoked award cannot be suspended."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        award, slots = _locked(award)
        if award.revoked_at is not None:
            raise ValidationError(_("This award is revoked; a revoked award cannot be suspended."))
        if slots.suspended_at is not None:
            return award
        slots.suspended_at, slots.suspension_reason = timezone.now(), reason
        slots.save(update_fields=["suspended_at", "suspension_reason"])
        _set_bit(slots.suspension_list, slots.suspension_index, True)
        record(actor, award.org, "awards.suspend", award, summary=reason, after={"reason": reason})
        return award


def reinstate(actor: Actor, award: Award) -> Award:
    """Lift a suspension. Idempotent; revocation is permanent and cannot be lifted."""
    with transaction.atomic():
        award, slots = _locked(award)
        if award.revoked_at is not None:
            raise ValidationError(_("This award is revoked; revocation cannot be undone."))
        if slots.suspended_at is None:
            return award
        before = {"reason": slots.suspension_reason}
        slots.suspended_at, slots.suspension_reason = None, ""
        slots.save(update_fields=["suspended_at", "suspension_reason"])
        _set_bit(slots.suspension_list, slots.suspension_index, False)
        record(actor, award.org, "awards.reinstate", award, before=before)
        return award


def public_status(award: Award) -> dict[str, Any]:
    """What the award's public page and JSON show: the state and, when there is one, the reason.

    Bitstring Status List can only carry a message with multi-bit statuses, so the reason
    is published here rather than in the list credential.
    """
    slots = AwardStatus.objects.filter(award=award).first()
    if award.revoked_at is not None:
        return {"status": "revoked", "reason": award.revocation_reason, "since": award.revoked_at}
    if slots is not None and slots.suspended_at is not None:
        return {"status": "suspended", "reason": slots.suspension_reason, "since": slots.suspended_at}
    return {"status": award.status, "reason": "", "since": None}


def after_compromise(actor: Actor, org: Organization, key: IssuerKey, *, reason: str = "") -> None:
    """Called by ``issuers.compromise_key`` inside its transaction.

    Lists the key signed under a did:web are signed again by the new key. Credentials whose
    issuer is the key's own did:key cannot be withdrawn any other way, so their awards are
    revoked.
    """
    for lst in StatusList.objects.select_for_update().filter(signed_with=key, issuer__startswith="did:web:"):
        _publish(lst)
        lst.save(update_fields=["credential", "signed_with", "etag", "updated_at"])
    did = keys.public_key(key).did_key()
    award_ids = Credential.objects.filter(key=key, json__issuer__id=did).values_list("award_id", flat=True)
    why = reason or _("The issuer's signing key was compromised.")
    for award in Award.objects.filter(pk__in=list(award_ids), revoked_at__isnull=True).order_by("pk"):
        revoke(actor, award, why)
