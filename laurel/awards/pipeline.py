"""Issuing a confirmed CSV batch: chunks awarded and signed by background tasks, in any number of workers.

A chunk goes pending → awarded → signed. Awarding is one transaction (recipients, awards,
audit events, status slots, emails, and the chunk's new state), so a worker that dies
leaves the chunk as it was. Signing runs outside any transaction, and one short
transaction stores the credentials and marks the chunk signed.

Workers take chunks by lease: a claim writes a random token and an end time, and every
step commits only while its worker still holds that token, so a step is done once even
when a slow worker's lease runs out and another takes over. On PostgreSQL the claim skips
rows other claims hold (``SELECT … FOR UPDATE SKIP LOCKED``); SQLite serializes writers, so
there the claim is a plain conditional UPDATE. The claim also makes sure a task is queued
to run once the lease is over (``watch``): if the worker dies, that task takes the chunk
up again; a task queue has no other way to learn that its worker has gone.
"""

import logging
import os
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from laurel.audit.actions import record
from laurel.awards import rows as batch_rows
from laurel.awards.bulk import Wanted, award_many
from laurel.awards.models import Award, AwardBatch, AwardChunk
from laurel.core.actor import Actor
from laurel.credentials import issuers
from laurel.credentials.models import AwardStatus, Credential
from laurel.credentials.signing import sign_many, slots_for, store_new
from laurel.outbox.delivery import shutting_down

log = logging.getLogger(__name__)

State = AwardChunk.State
MAX_ATTEMPTS = 5
# Tasks queued when a batch is confirmed; each works until no chunk is left, so this is
# how many workers can start on one batch at once.
PARALLEL_TASKS = 8
WORKER = Actor(user=None, via="worker")


@dataclass(frozen=True)
class Claim:
    chunk_id: int
    batch_id: int
    lease: str
    state: str


def chunk_rows() -> int:
    return int(getattr(settings, "AWARD_CHUNK_ROWS", 500))


def lease() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "AWARD_CHUNK_LEASE_SECONDS", 120)))


def retry_after(attempts: int) -> timedelta:
    """How long a chunk whose step failed waits: 5 s, 10 s, 20 s, ... (AWARD_CHUNK_RETRY_SECONDS)."""
    first = float(getattr(settings, "AWARD_CHUNK_RETRY_SECONDS", 5))
    return timedelta(seconds=first * 2 ** max(attempts - 1, 0))


def split(batch: AwardBatch, rows: Sequence[dict[str, Any]]) -> list[AwardChunk]:
    """The batch's rows as chunks to issue; call in the transaction that confirms it."""
    size = chunk_rows()
    parts = [rows[start : start + size] for start in range(0, len(rows), size)]
    return AwardChunk.objects.bulk_create(
        AwardChunk(
            batch=batch,
            number=number,
            rows=[{"line": row["line"], "values": row["values"]} for row in part],
            size=len(part),
        )
        for number, part in enumerate(parts)
    )


def start_after_commit(chunks: int) -> None:
    """Queue the tasks that issue a just-confirmed batch, once its transaction commits."""
    transaction.on_commit(lambda: _enqueue(min(chunks, PARALLEL_TASKS)))


def _enqueue(count: int, run_after: datetime | None = None) -> None:
    from laurel.awards.tasks import issue_awards

    queued = issue_awards
    if run_after is not None:
        if not issue_awards.get_backend().supports_defer:
            return  # a backend that runs tasks at once has no worker to lose
        queued = issue_awards.using(run_after=run_after)
    for _n in range(count):
        queued.enqueue()


def lease_token() -> str:
    """Random, and naming the process that holds the lease, for whoever looks at a stuck chunk."""
    return f"{os.getpid():x}.{secrets.token_hex(12)}"


def _claimable(now: datetime) -> Q:
    return Q(state__in=[State.PENDING, State.AWARDED]) & (
        Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    )


def claim(now: datetime | None = None) -> Claim | None:
    """Lease the next chunk that needs work, oldest batch first; None when none does."""
    while True:
        moment = now or timezone.now()
        with transaction.atomic():
            found = (
                AwardChunk.objects.select_for_update(skip_locked=True)
                .filter(_claimable(moment))
                .order_by("batch_id", "number")
                .values_list("pk", "batch_id", "state", "attempts", "error")
                .first()
            )
            if found is None:
                return None
            pk, batch_id, state, attempts, error = found
            token, until = lease_token(), moment + lease()
            taken = AwardChunk.objects.filter(_claimable(moment), pk=pk).update(
                lease=token, leased_until=until, attempts=F("attempts") + 1, updated_at=moment
            )
            if not taken:
                continue
            if attempts >= MAX_ATTEMPTS:
                # Every earlier claim ended without an outcome, or with an error each time.
                _fail(pk, batch_id, error or f"the worker stopped while issuing this chunk, {attempts} times")
                continue
            watch(batch_id, until)
            return Claim(pk, batch_id, token, state)


def watch(batch_id: int, until: datetime) -> None:
    """Make sure a task runs after ``until``, when a lease granted now ends.

    Call in the transaction that grants the lease, so the lease and its watch commit
    together. One queued task covers every lease that ends before it runs; it is set half
    a lease later than needed so a steady stream of claims queues one now and then.
    """
    later = until + lease() / 2
    due = Q(watched_until__isnull=True) | Q(watched_until__lt=until)
    if AwardBatch.objects.filter(due, pk=batch_id).update(watched_until=later):
        _enqueue(1, run_after=later)


def work(should_stop: Callable[[], bool] = shutting_down.is_set) -> int:
    """Award and sign chunks until none is waiting; returns how many steps were done.

    A worker asked to stop finishes the chunk at hand, takes no other, and queues a task
    so the next worker carries on at once.
    """
    steps = 0
    while True:
        if should_stop():
            if AwardChunk.objects.filter(state__in=[State.PENDING, State.AWARDED]).exists():
                _enqueue(1)
            return steps
        held = claim()
        if held is None:
            return steps
        steps += run(held)


def run(held: Claim) -> int:
    """The claimed chunk's remaining steps; a failure is recorded and retried later."""
    steps = 0
    try:
        awarded = None
        if held.state == State.PENDING:
            awarded = award_chunk(held)
            if awarded is None:
                return steps
            steps += 1
            held = replace(held, state=State.AWARDED)
        steps += sign_chunk(held, awarded)
    except Exception as error:
        log.exception("issuing chunk %s failed", held.chunk_id)
        _failed_attempt(held, f"{type(error).__name__}: {error}")
    return steps


@dataclass
class Awarded:
    """A chunk's awards ready to sign: as just awarded, or loaded again by a later worker."""

    batch: AwardBatch
    awards: list[Award]
    slots: dict[int, AwardStatus]
    done: set[tuple[int, str]]  # (award pk, language) pairs already signed
    timings: dict[str, float]


def _held(held: Claim, state: str) -> AwardChunk | None:
    """The chunk, locked, if this claim still holds it in ``state``."""
    return (
        AwardChunk.objects.select_for_update().filter(pk=held.chunk_id, lease=held.lease, state=state).first()
    )


def _batch(batch_id: int) -> AwardBatch:
    # Every row of the file is in `rows`; a chunk carries its own.
    return (
        AwardBatch.objects.select_related("org", "achievement", "version", "confirmed_by")
        .defer("rows", "warnings")
        .get(pk=batch_id)
    )


def award_chunk(held: Claim) -> Awarded | None:
    """Award the chunk's rows and mark it awarded, in one transaction; None if the lease was lost.

    The same worker signs them next with what it holds in memory; a later worker reloads them.
    """
    started = time.perf_counter()
    with transaction.atomic():
        chunk = _held(held, State.PENDING)
        if chunk is None:
            return None
        batch = _batch(held.batch_id)
        wanted, skipped = _wanted(batch, chunk.rows)
        outcome = award_many(
            Actor(user=batch.confirmed_by, via="worker"),
            batch.org,
            [item for _row, item in wanted],
            source=Award.Source.BULK,
            batch=batch,
            version=batch.version,
            sign_later=False,
        )
        for refusal in outcome.refused:
            row, item = wanted[refusal.index]
            skipped.append({"line": row["line"], "email": item.data.email, "message": refusal.message})
        now = timezone.now()
        chunk.state, chunk.awarded_count = State.AWARDED, len(outcome.awards)
        chunk.skipped = sorted(skipped, key=lambda s: s["line"])
        # The same worker signs next, still under its lease: the first attempt at signing.
        chunk.attempts, chunk.error, chunk.leased_until, chunk.updated_at = 1, "", now + lease(), now
        chunk.timings = {"award": time.perf_counter() - started}
        fields = ["state", "awarded_count", "skipped", "attempts", "error", "leased_until", "updated_at"]
        chunk.save(update_fields=[*fields, "timings"])
        watch(batch.pk, now + lease())
    return Awarded(batch, outcome.awards, outcome.slots, set(), dict(chunk.timings))


def _wanted(
    batch: AwardBatch, rows: Sequence[dict[str, Any]]
) -> tuple[list[tuple[dict[str, Any], Wanted]], list[dict[str, Any]]]:
    """The rows as awards to make, and the rows that no longer pass the checks of the confirm."""
    today = confirm_day(batch)
    wanted: list[tuple[dict[str, Any], Wanted]] = []
    skipped: list[dict[str, Any]] = []
    for row in rows:
        data, errors = batch_rows.row_input(row["line"], row["values"], today)
        if errors:
            message = next(iter(errors.values()))[0]
            skipped.append({"line": row["line"], "email": data.email, "message": message})
            continue
        item = Wanted(batch.achievement, data, allow_duplicate=batch.allow_duplicates, line=row["line"])
        wanted.append((row, item))
    return wanted, skipped


def confirm_day(batch: AwardBatch) -> date:
    """The organization's date when the batch was confirmed: rows without a date are issued on it."""
    moment = batch.confirmed_at or timezone.now()
    return timezone.localdate(moment, timezone=timezone.get_default_timezone())


def sign_chunk(held: Claim, awarded: Awarded | None = None) -> int:
    """Sign every language of the chunk's awards and mark it signed; 0 if the lease was lost.

    ``awarded`` is what :func:`award_chunk` just made; without it the awards are loaded.
    """
    if awarded is None:
        awarded = _load(held)
    batch, timings = awarded.batch, awarded.timings
    started = time.perf_counter()
    signer = issuers.signer(batch.org)
    timings["load"] = timings.get("load", 0.0) + time.perf_counter() - started
    # VC-JWTs are made on first download, as baked images are (signing.jwt_of); the documents
    # are only stored, so they need not be copies of one another's shared parts.
    credentials = sign_many(
        awarded.awards,
        awarded.slots,
        signer,
        skip=awarded.done,
        timer=timings,
        with_jwt=False,
        copies=False,
    )
    stored = time.perf_counter()
    with transaction.atomic():
        chunk = _held(held, State.AWARDED)
        if chunk is None:
            return 0
        store_new(credentials)
        timings["store"] = time.perf_counter() - stored
        chunk.state, chunk.signed_count = State.SIGNED, len(awarded.done) + len(credentials)
        chunk.timings = timings
        chunk.lease, chunk.leased_until, chunk.error, chunk.updated_at = "", None, "", timezone.now()
        chunk.save(
            update_fields=["state", "signed_count", "timings", "lease", "leased_until", "error", "updated_at"]
        )
        _finish(held.batch_id)
    return 1


def _load(held: Claim) -> Awarded:
    """The chunk's awards as stored, for a worker that did not award them itself."""
    started = time.perf_counter()
    rows, timings = AwardChunk.objects.filter(pk=held.chunk_id).values_list("rows", "timings").get()
    first, last = rows[0]["line"], rows[-1]["line"]
    batch = _batch(held.batch_id)
    org = batch.org
    awards = list(
        Award.objects.filter(batch=batch, batch_line__gte=first, batch_line__lte=last)
        .select_related("recipient")
        .order_by("batch_line")
    )
    for award in awards:
        # One copy of what they share, instead of a join per award.
        award.org, award.achievement, award.batch = org, batch.achievement, batch
        if award.version_id == batch.version_id:
            award.version = batch.version  # type: ignore[assignment]
    slots = slots_for(awards)
    done = set(Credential.objects.filter(award__in=awards).values_list("award_id", "language"))
    timings["load"] = time.perf_counter() - started
    return Awarded(batch, awards, slots, done, timings)


def _failed_attempt(held: Claim, error: str) -> None:
    with transaction.atomic():
        chunk = AwardChunk.objects.select_for_update().filter(pk=held.chunk_id, lease=held.lease).first()
        if chunk is None or chunk.state not in (State.PENDING, State.AWARDED):
            return
        if chunk.attempts >= MAX_ATTEMPTS:
            _fail(chunk.pk, held.batch_id, error)
            return
        now = timezone.now()
        chunk.lease, chunk.leased_until = "", now + retry_after(chunk.attempts)
        chunk.error, chunk.updated_at = error[:2000], now
        chunk.save(update_fields=["lease", "leased_until", "error", "updated_at"])
        watch(held.batch_id, chunk.leased_until)


def _fail(chunk_id: int, batch_id: int, error: str) -> None:
    log.error("chunk %s of batch %s failed for good: %s", chunk_id, batch_id, error)
    AwardChunk.objects.filter(pk=chunk_id).update(
        state=State.FAILED, lease="", leased_until=None, error=error[:2000], updated_at=timezone.now()
    )
    _finish(batch_id)


def _finish(batch_id: int) -> None:
    """Close the batch when none of its chunks has work left; in the caller's transaction.

    The batch row is locked first, so of two workers finishing the last two chunks at the
    same time the second waits and then sees the first one's chunk done.
    """
    issuing = AwardBatch.objects.select_for_update().filter(pk=batch_id, status=AwardBatch.Status.ISSUING)
    batch = issuing.select_related("org").defer("rows", "warnings").first()
    if batch is None:
        return
    states = set(AwardChunk.objects.filter(batch_id=batch_id).values_list("state", flat=True))
    if states & {State.PENDING, State.AWARDED}:
        return
    totals = Progress.of(batch)
    batch.status = AwardBatch.Status.FAILED if State.FAILED in states else AwardBatch.Status.ISSUED
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "finished_at"])
    record(
        WORKER,
        batch.org,
        "awards.batch_issued" if batch.status == AwardBatch.Status.ISSUED else "awards.batch_failed",
        batch,
        summary=f"{totals.awarded}/{totals.rows}",
        after={"awarded": totals.awarded, "skipped": totals.skipped, "signed": totals.signed},
    )


@dataclass(frozen=True)
class Progress:
    """How far a batch has come, from its chunks' counters (one query)."""

    rows: int
    awarded: int
    skipped: int
    credentials: int  # how many there will be: awarded (or still to award) rows × languages
    signed: int
    failed: int  # rows of chunks given up on that were not awarded

    @classmethod
    def of(cls, batch: AwardBatch) -> "Progress":
        totals = {
            row["state"]: row
            for row in AwardChunk.objects.filter(batch=batch)
            .values("state")
            .annotate(size=Sum("size"), awarded=Sum("awarded_count"), signed=Sum("signed_count"))
        }

        if not totals:
            return cls._without_chunks(batch)

        def total(key: str, *states: str) -> int:
            return sum(totals[state][key] for state in states if state in totals)

        rows = total("size", *State.values)
        # A chunk given up on while signing keeps the awards it made.
        awarded = total("awarded", *State.values)
        skipped = total("size", State.AWARDED, State.SIGNED) - total("awarded", State.AWARDED, State.SIGNED)
        failed = total("size", State.FAILED) - total("awarded", State.FAILED)
        languages = len(batch.version.languages) if batch.version else 1
        return cls(
            rows=rows,
            awarded=awarded,
            skipped=skipped,
            credentials=(rows - skipped - failed) * languages,
            signed=total("signed", State.SIGNED),
            failed=failed,
        )

    @classmethod
    def _without_chunks(cls, batch: AwardBatch) -> "Progress":
        # Batches confirmed before chunks existed were awarded inside the confirm.
        awarded = Award.objects.filter(batch=batch).count()
        version = batch.version or batch.achievement.current_version
        languages = len(version.languages) if version else 1
        signed = Credential.objects.filter(award__batch=batch).count()
        return cls(
            rows=awarded, awarded=awarded, skipped=0, credentials=awarded * languages, signed=signed, failed=0
        )
