"""Import batches: a file read into a preview, confirmed into facts at once, rolled back at will.

The preview reports each row's problems, people nobody knows included. Confirming imports
the rows without problems in one transaction (rows of unknown people too when the person
importing chooses to park them); rolling back voids every fact the batch wrote.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.audit.actions import record
from laurel.core.actor import Actor
from laurel.ingest.csvimport.common import Options, Parsed, fact_from_json, fact_to_json
from laurel.ingest.csvimport.formats import LABELS, parse_files
from laurel.ingest.csvimport.table import read_table
from laurel.ingest.facts import (
    RecordResult,
    known_identities,
    normalize,
    normalize_identity,
    record_facts,
    void_facts,
    void_queryset,
)
from laurel.ingest.models import Fact, ImportBatch, Source


def preview_import(
    actor: Actor,
    source: Source,
    data: bytes,
    *,
    filename: str = "",
    extra: bytes | None = None,
    options: Options | None = None,
) -> ImportBatch:
    """Read a file (and its OneRoster companion) into a batch to preview; raises CsvError for the file."""
    if source.kind != Source.Kind.CSV or not source.is_active:
        raise ValidationError(_("Files are imported into an active CSV source."), code="invalid")
    options = options or Options()
    options.filename = options.filename or filename
    main = read_table(data)
    companion = read_table(extra) if extra else None
    parsed = parse_files(main, companion, options)
    rows = _rows(source, parsed)
    return ImportBatch.objects.create(
        org=source.org,
        source=source,
        format=parsed.format,
        filename=filename[:255],
        encoding=main.encoding,
        options={
            "course": options.course,
            "occurred_at": options.occurred_at.isoformat() if options.occurred_at else None,
        },
        rows=rows,
        warnings=[str(w) for w in parsed.warnings],
        created_by=actor.user,
    )


def _rows(source: Source, parsed: Parsed) -> list[dict[str, Any]]:
    """Rows as the batch keeps them, each fact checked as record_facts will check it."""
    rows: list[dict[str, Any]] = []
    first_line: dict[str, int] = {}
    for row in parsed.rows:
        errors = list(row.errors)
        for fact in row.facts:
            try:
                normalize(fact)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            seen = first_line.setdefault(fact.event_key, row.line)
            if seen != row.line:
                errors.append(_("The same grade or activity as line %(line)s.") % {"line": seen})
        rows.append(
            {
                "line": row.line,
                "who": row.who,
                "facts": [fact_to_json(f) for f in row.facts] if not errors else [],
                "voids": row.voids,
                "errors": errors,
                "notes": [str(n) for n in row.notes],
                "unknown": "",
            }
        )
    _mark_unknown(source, rows)
    return rows


def _identity_key(data: dict[str, Any]) -> tuple[str, str]:
    kind, value, _name = data["actor"]
    return kind, normalize_identity(kind, value)


def _mark_unknown(source: Source, rows: list[dict[str, Any]]) -> None:
    """Say on each row whose learner no recipient is, and nobody has linked yet."""
    keys = sorted({_identity_key(f) for row in rows for f in row["facts"]})
    known = known_identities(source.org, keys)
    for row in rows:
        strangers = sorted({_identity_key(f) for f in row["facts"]} - known)
        row["unknown"] = (
            _("Nobody here is known as %(who)s.") % {"who": ", ".join(f"{k}: {v}" for k, v in strangers)}
            if strangers
            else ""
        )


@transaction.atomic
def confirm_import(actor: Actor, batch: ImportBatch, *, park_unknown: bool = False) -> RecordResult:
    """Import the batch's good rows, all or nothing; rows of unknown people only when parked."""
    batch = ImportBatch.objects.select_for_update().select_related("source__org").get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ValidationError(_("This import was already confirmed or rolled back."), code="invalid")
    # People may have been added or linked since the preview.
    _mark_unknown(batch.source, batch.rows)
    chosen = [r for r in batch.rows if not r["errors"] and (park_unknown or not r["unknown"])]
    facts = [fact_from_json(f) for row in chosen for f in row["facts"]]
    voids = [key for row in chosen for key in row["voids"]]
    now = timezone.now()
    # A corrected gradebook replaces what an earlier import of the same file said.
    result = record_facts(batch.source, facts, received_at=now, replace=True)
    Fact.objects.filter(pk__in=result.changed_ids).update(import_batch=batch)
    voided = void_facts(batch.source, voids, voided_at=now) if voids else 0
    batch.status = ImportBatch.Status.CONFIRMED
    batch.confirmed_at = now
    batch.options = {**batch.options, "park_unknown": park_unknown}
    batch.result = {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "parked": result.parked,
        "voided": voided,
        "skipped_rows": len(batch.rows) - len(chosen),
    }
    batch.save(update_fields=["rows", "status", "confirmed_at", "options", "result"])
    record(
        actor,
        batch.org,
        "import.confirm",
        batch,
        summary=f"{batch.filename} ({LABELS.get(batch.format, batch.format)}): "
        f"{result.created} new, {result.updated} updated, {voided} voided",
        after=batch.result,
    )
    return result


@transaction.atomic
def rollback_import(actor: Actor, batch: ImportBatch) -> int:
    """Void every fact the batch created or last changed; returns how many."""
    batch = ImportBatch.objects.select_for_update().select_related("org").get(pk=batch.pk)
    if batch.status != ImportBatch.Status.CONFIRMED:
        raise ValidationError(_("Only a confirmed import can be rolled back."), code="invalid")
    now = timezone.now()
    count = void_queryset(batch.org, Fact.objects.filter(import_batch=batch), now)
    batch.status = ImportBatch.Status.ROLLED_BACK
    batch.rolled_back_at = now
    batch.result = {**batch.result, "rolled_back": count}
    batch.save(update_fields=["status", "rolled_back_at", "result"])
    record(actor, batch.org, "import.rollback", batch, summary=f"{batch.filename}: {count} facts voided")
    return count


def discard_preview(batch: ImportBatch) -> None:
    """Forget a preview nobody confirmed; it wrote nothing."""
    ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW).delete()
