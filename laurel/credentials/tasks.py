"""Background signing: every award without its credentials gets them, in batches."""

import logging
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django_tasks import task

from laurel.awards.models import Award, AwardBatch
from laurel.credentials import issuers
from laurel.credentials.models import Credential
from laurel.credentials.signing import sign_award, sign_many, slots_for, store_new
from laurel.credentials.status import ensure_status
from laurel.orgs.models import Organization

log = logging.getLogger(__name__)
BATCH = 100


def unsigned_awards() -> QuerySet[Award]:
    """Awards with fewer stored credentials than their badge version has languages.

    Awards of a batch still being issued are left out: its pipeline signs them.
    """
    # Every version has at least one name; a bilingual one needs two credentials.
    both = Q(version__name_ko__gt="") & Q(version__name_en__gt="")
    return (
        Award.objects.annotate(signed=Count("credentials"))
        .filter(Q(signed=0) | (both & Q(signed__lt=2)))
        .exclude(batch__status=AwardBatch.Status.ISSUING)
        .order_by("pk")
    )


def sign_unsigned(limit: int | None = None, batch: int = BATCH) -> int:
    """Sign awards that lack credentials, oldest first; returns how many were signed.

    Resumable and safe beside other signers: each batch is stored in one transaction that
    skips whatever is already stored. When a batch fails, its awards are signed one at a
    time, and an award that still fails is logged and left for the next run, so one bad
    record never blocks the rest.
    """
    done, failed, last_pk = 0, 0, 0
    while limit is None or done < limit:
        size = batch if limit is None else min(batch, limit - done)
        chunk = list(unsigned_awards().filter(pk__gt=last_pk).values_list("pk", flat=True)[:size])
        if not chunk:
            break
        last_pk = chunk[-1]
        try:
            done += sign_batch(chunk)
        except Exception:
            log.warning("signing awards %s..%s together failed; signing them one by one", chunk[0], last_pk)
            signed, lost = _one_by_one(chunk)
            done, failed = done + signed, failed + lost
    if failed:
        log.warning("%s awards could not be signed", failed)
    return done


def sign_batch(award_ids: Sequence[int]) -> int:
    """Sign the missing credentials of these awards, one transaction per organization."""
    awards = list(
        Award.objects.filter(pk__in=award_ids)
        .select_related("achievement", "version", "recipient")
        .order_by("pk")
    )
    # One object per organization: its logo and signing key are read once.
    orgs = Organization.objects.in_bulk({award.org_id for award in awards})
    for award in awards:
        award.org = orgs[award.org_id]
    slots = slots_for(awards)
    missing = [award for award in awards if award.pk not in slots]
    if missing:  # made before status lists existed
        for award in missing:
            ensure_status(award)
        slots = slots_for(awards)
    done = set(Credential.objects.filter(award__in=awards).values_list("award_id", "language"))
    for org in orgs.values():
        theirs = [award for award in awards if award.org_id == org.pk]
        credentials = sign_many(theirs, slots, issuers.signer(org), skip=done)
        with transaction.atomic():
            store_new(credentials)
    return len(awards)


def _one_by_one(award_ids: Sequence[int]) -> tuple[int, int]:
    signed = failed = 0
    for pk in award_ids:
        try:
            sign_award(Award.objects.get(pk=pk))
            signed += 1
        except Exception:
            failed += 1
            log.exception("signing award %s failed", pk)
    return signed, failed


@task()
def sign_unsigned_awards() -> int:
    """Sign every unsigned award (enqueued after awards are created, and after an upgrade)."""
    return sign_unsigned()
