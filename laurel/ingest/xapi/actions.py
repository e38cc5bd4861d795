"""Storing statements: one transaction per request, a handful of queries per batch.

A batch is all or nothing. Statements already stored under the same id are compared and
either accepted again (no change at all) or refused with a conflict. New statements become
rows and facts; voiding statements void their targets and the facts those made, including a
target that arrives after its voider.

Statements are compared only when their id is already stored: the comparison form is then
made from both bodies, so the many statements that arrive once never pay for it.
"""

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from laurel.ingest import bulk
from laurel.ingest.facts import FactConflict, FactInput, RecordResult, record_facts, void_facts
from laurel.ingest.models import Source
from laurel.ingest.xapi import canonical, formats, mapping, validation
from laurel.ingest.xapi.models import Statement
from laurel.ingest.xapi.versions import Version

CHUNK = 500


class Refused(Exception):
    """The whole request is refused; ``status`` is 400 or 409."""

    def __init__(self, status: int, message: str, ids: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.ids = list(ids)


@dataclass
class Incoming:
    """A checked statement in its stored form, ready to be compared and written."""

    statement: dict[str, Any]
    key: str  # the id, lower case, as rows and facts are keyed
    derived: bool  # the id was made from the content (the sender gave none)
    voids: str | None
    occurred_at: datetime


def authority(source: Source) -> dict[str, Any]:
    """The Agent Laurel writes as "authority": the source whose credentials stored the statement."""
    return {
        "objectType": "Agent",
        "name": source.name,
        "account": {"homePage": settings.SITE_URL.rstrip("/") + "/xapi/", "name": source.public_id},
    }


@dataclass
class Receipt:
    """What every statement of one request shares: who sent it, in which version, and when."""

    source: Source
    version: Version
    now: datetime
    stored: str = ""
    authority: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # "stored" is written with milliseconds; the row keeps the same instant.
        self.now = self.now.replace(microsecond=self.now.microsecond // 1000 * 1000)
        self.stored = formats.format_timestamp(self.now)
        self.authority = authority(self.source)


def prepare(raw: Any, index: int | None, receipt: Receipt) -> Incoming:
    """Validate one statement as received and bring it to its stored form; raises Invalid."""
    try:
        validation.statement(raw, receipt.version.v2)
    except validation.Invalid as error:
        if index is None:
            raise
        where = f"statements[{index}]" + (f".{error.where}" if error.where else "")
        raise validation.Invalid(where, error.message) from None
    canonical.normalize_context_activities(raw)
    derived = "id" not in raw
    statement_id = canonical.content_id(receipt.source.public_id, raw) if derived else raw["id"]
    statement: dict[str, Any] = {"id": statement_id, **raw}
    statement["authority"] = receipt.authority
    statement["stored"] = receipt.stored
    statement.setdefault("timestamp", receipt.stored)
    statement.setdefault("version", receipt.version.statement)
    target = statement["object"]
    voids = target["id"].lower() if statement["verb"]["id"] == validation.VOIDED else None
    occurred_at = formats.parse_timestamp(statement["timestamp"]) or receipt.now
    return Incoming(
        statement=statement,
        key=statement_id.lower(),
        derived=derived,
        voids=voids,
        occurred_at=occurred_at,
    )


def store(source: Source, batch: Sequence[Incoming], now: datetime) -> None:
    """Store a batch all or nothing; raises Refused (400 or 409) and changes nothing then."""
    unique = _unique(batch)
    try:
        _store(source, unique, now)
    except IntegrityError:
        # Another request stored one of these ids between our read and our insert; running
        # again sees its row and treats ours as a re-delivery or a conflict.
        _store(source, unique, now)


def _unique(batch: Sequence[Incoming]) -> list[Incoming]:
    seen: dict[str, Incoming] = {}
    duplicated: list[str] = []
    for item in batch:
        first = seen.setdefault(item.key, item)
        # The same content sent twice without ids is one statement; two given ids alike are an error.
        if first is not item and not (first.derived and item.derived):
            duplicated.append(item.key)
    if duplicated:
        raise Refused(400, _("The batch uses the same statement id more than once."), duplicated)
    return list(seen.values())


@transaction.atomic
def _store(source: Source, batch: list[Incoming], now: datetime) -> None:
    existing, voiders = _lookup(source, [item.key for item in batch])
    conflicts = [item.key for item in batch if item.key in existing and not _same(item, existing[item.key])]
    if conflicts:
        raise Refused(409, _("A statement with this id is already stored with different content."), conflicts)
    new = [item for item in batch if item.key not in existing]
    if not new:
        return
    targets = _voiding_targets(source, new)
    voided_now = set(targets)
    # A statement whose voider arrived first is voided from the start (a voider itself cannot be).
    voided_now.update(item.key for item in new if item.voids is None and item.key in voiders)
    facts: list[FactInput] = []
    owners: list[Incoming] = []
    for item in new:
        # A statement voided on arrival still makes its fact, voided below, so the facts do not
        # depend on whether the voider came first, last or in the same batch.
        fact = mapping.fact_for(item.statement, item.occurred_at)
        if fact is not None:
            facts.append(fact)
            owners.append(item)
    fact_ids: dict[str, list[int]] = {}
    if facts:
        recorded = _record(source, facts, owners, now)
        for item, fact_id in zip(owners, recorded.fact_ids, strict=True):
            fact_ids[item.key] = [fact_id]
    _insert(
        source,
        now,
        [
            (
                uuid.UUID(item.key),
                item.statement,
                None if item.voids is None else uuid.UUID(item.voids),
                item.key in voided_now,
                fact_ids.get(item.key),
            )
            for item in new
        ],
    )
    if targets:
        _void(source, targets, now)
    arrived_voided = [item.key for item in new if item.key in voided_now and item.key in fact_ids]
    if arrived_voided:
        void_facts(source, arrived_voided, voided_at=now)


def _same(item: Incoming, stored_body: str) -> bool:
    """Whether a statement re-sent under a stored id says the same as the stored one."""
    stored = canonical.comparison_hash(json.loads(stored_body))
    return stored == canonical.comparison_hash(item.statement)


def _record(source: Source, facts: list[FactInput], owners: list[Incoming], now: datetime) -> RecordResult:
    """Record the facts; a fact Laurel cannot keep is dropped (its statement is still stored)."""
    try:
        # record_facts checks every fact before it writes, so a refusal leaves nothing to undo.
        # The statements are new, so their facts are too.
        return record_facts(source, facts, received_at=now, fresh=True)
    except FactConflict as error:
        raise Refused(409, error.messages[0], error.keys) from None
    except ValidationError:
        # Rare: checked one by one only when the fast path fails, so batches stay fast.
        keep = [n for n, fact in enumerate(facts) if mapping.fits(fact)]
        facts[:] = [facts[n] for n in keep]
        owners[:] = [owners[n] for n in keep]
        return record_facts(source, facts, received_at=now, fresh=True) if facts else RecordResult()


_COLUMNS = ("org", "source", "stored", "statement_id", "body", "voids", "voided", "fact_ids")


def _insert(source: Source, now: datetime, rows: list[tuple[Any, ...]]) -> None:
    """INSERT the rows in one statement: the ORM's per-object work is most of bulk_create's cost.

    ``rows`` are (statement_id, statement, voids, voided, fact_ids); the values common to the
    batch are converted once. The body stored is canonical.dumps(statement).
    """
    fields = [Statement._meta.get_field(name) for name in _COLUMNS]
    table = Statement._meta.db_table
    if bulk.supported(connection):
        # Each statement goes into the rows' JSON as an object, not as a string holding its
        # text: PostgreSQL fills a text column from a nested JSON object with that object's
        # text exactly as written, and canonical.dumps writes a nested object exactly as it
        # writes it alone (compact, keys in order). So the body is what dumps(statement) gives,
        # written once, with no second escaping here nor unescaping in the database.
        columns = [f.column for f in fields]
        values = [
            (source.org_id, source.pk, now, key, statement, voids, voided, ids or [])
            for key, statement, voids, voided, ids in rows
        ]
        sql = bulk.insert_sql(connection, table, columns)
        with connection.cursor() as cursor:
            for start in range(0, len(values), bulk.ROWS):
                part = values[start : start + bulk.ROWS]
                cursor.execute(sql, [bulk.rows_json(columns, part, canonical.dumps)])
        return
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    common = [
        f.get_db_prep_save(v, connection)
        for f, v in zip(fields[:3], (source.org_id, source.pk, now), strict=True)
    ]
    native = connection.features.has_native_uuid_field
    facts_field, no_facts = fields[-1], fields[-1].get_db_prep_save([], connection)
    prepared = [
        [
            *common,
            key if native else key.hex,
            canonical.dumps(statement),
            None if voids is None else (voids if native else voids.hex),
            voided,
            facts_field.get_db_prep_save(ids, connection) if ids else no_facts,
        ]
        for key, statement, voids, voided, ids in rows
    ]
    with connection.cursor() as cursor:
        sql = f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(sql, prepared)


def _lookup(source: Source, keys: list[str]) -> tuple[dict[str, str], set[str]]:
    """In one query: the stored body of each id already stored, and the ids a stored statement voids.

    Raw SQL, a UNION of two index lookups: the ORM spends longer compiling two hundred-item IN
    lists than the database spends answering, and an OR of the two conditions would scan. On
    PostgreSQL the ids go as one array literal, so the query text is the same for every batch.
    """
    found: dict[str, str] = {}
    voided: set[str] = set()
    quote = connection.ops.quote_name
    table = quote(Statement._meta.db_table)
    sid, body, voids, org = (quote(name) for name in ("statement_id", "body", "voids", "org_id"))
    native = connection.features.has_native_uuid_field
    array = bulk.supported(connection)
    for start in range(0, len(keys), CHUNK):
        ids = [uuid.UUID(key) for key in keys[start : start + CHUNK]]
        if array:
            # Each id went through uuid.UUID: the literal holds hex digits and dashes only.
            marks, part = "= ANY(%s::uuid[])", ["{" + ",".join(map(str, ids)) + "}"]
        else:
            part = [key if native else key.hex for key in ids]
            marks = "IN (" + ", ".join(["%s"] * len(part)) + ")"
        by_id = f"SELECT {sid}, {body}, {voids} FROM {table} WHERE {org} = %s AND {sid} {marks}"  # noqa: S608
        by_target = f"SELECT {sid}, NULL, {voids} FROM {table} WHERE {org} = %s AND {voids} {marks}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(f"{by_id} UNION ALL {by_target}", [source.org_id, *part, source.org_id, *part])
            rows = cursor.fetchall()
        for statement_id, stored_body, target in rows:
            if stored_body is not None:
                found[str(uuid.UUID(str(statement_id)))] = stored_body
            if target is not None:
                voided.add(str(uuid.UUID(str(target))))
    return found, voided


def _voiding_targets(source: Source, new: list[Incoming]) -> dict[str, int | None]:
    """The statements the batch's voiding statements void: key → source id (None: in this batch).

    Refuses a batch that voids a voiding statement. A target the LRS does not have is not an
    error (the specification forbids refusing for that); it is voided if it ever arrives.
    """
    wanted = {item.voids for item in new if item.voids is not None}
    if not wanted:
        return {}
    in_batch = {item.key: item for item in new}
    targets: dict[str, int | None] = {}
    rows = Statement.objects.filter(org_id=source.org_id, statement_id__in=[uuid.UUID(k) for k in wanted])
    for statement_id, voids, source_id in rows.values_list("statement_id", "voids", "source_id"):
        if voids is not None:
            raise Refused(400, _("A voiding statement cannot be voided."), [str(statement_id)])
        targets[str(statement_id)] = source_id
    for key in wanted:
        if key in in_batch:
            if in_batch[key].voids is not None:
                raise Refused(400, _("A voiding statement cannot be voided."), [key])
            targets[key] = None
    return targets


def _void(source: Source, targets: dict[str, int | None], now: datetime) -> None:
    stored = [key for key, owner in targets.items() if owner is not None]
    if not stored:
        return
    Statement.objects.filter(
        org_id=source.org_id, statement_id__in=[uuid.UUID(k) for k in stored], voids=None
    ).update(voided=True)
    by_source: dict[int, list[str]] = {}
    for key in stored:
        owner = targets[key]
        if owner is not None:
            by_source.setdefault(owner, []).append(key)
    for owner, keys in by_source.items():
        owner_source = source if owner == source.pk else Source.objects.get(pk=owner)
        void_facts(owner_source, keys, voided_at=now)
