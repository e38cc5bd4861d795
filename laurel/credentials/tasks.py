"""Background signing: every award without its credentials gets them, in batches."""

import logging

from django.db.models import Count, Q, QuerySet
from django_tasks import task

from laurel.awards.models import Award

log = logging.getLogger(__name__)
BATCH = 100


def unsigned_awards() -> QuerySet[Award]:
    """Awards with fewer stored credentials than their badge version has languages."""
    # Every version has at least one name; a bilingual one needs two credentials.
    both = Q(version__name_ko__gt="") & Q(version__name_en__gt="")
    return (
        Award.objects.annotate(signed=Count("credentials"))
        .filter(Q(signed=0) | (both & Q(signed__lt=2)))
        .order_by("pk")
    )


def sign_unsigned(limit: int | None = None, batch: int = BATCH) -> int:
    """Sign awards that lack credentials, oldest first; returns how many were signed.

    Resumable and safe beside other signers: each award is signed in its own transaction
    and ``sign_award`` skips whatever is already stored. An award that fails is logged and
    left for the next run, so one bad record never blocks the rest.
    """
    from laurel.credentials.signing import sign_award

    done, failed, last_pk = 0, 0, 0
    while limit is None or done < limit:
        size = batch if limit is None else min(batch, limit - done)
        chunk = list(unsigned_awards().filter(pk__gt=last_pk).values_list("pk", flat=True)[:size])
        if not chunk:
            break
        for pk in chunk:
            last_pk = pk
            try:
                sign_award(Award.objects.get(pk=pk))
                done += 1
            except Exception:
                failed += 1
                log.exception("signing award %s failed", pk)
    if failed:
        log.warning("%s awards could not be signed", failed)
    return done


@task()
def sign_unsigned_awards() -> int:
    """Sign every unsigned award (enqueued after awards are created, and after an upgrade)."""
    return sign_unsigned()
