"""Inserting new fact rows, as plain multi-row INSERT statements.

An LRS sends thousands of statements a second; building a model instance per fact and
letting the ORM compile every value costs more than the database does. On PostgreSQL the
rows go as one JSON parameter (laurel.ingest.bulk says why); elsewhere as a multi-row VALUES
list whose values are adapted by the backend's own operations, exactly as the ORM would.
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from laurel.ingest import bulk
from laurel.ingest.identities import chunks
from laurel.ingest.models import VALUE_DIGITS, VALUE_PLACES, Fact

COLUMNS = (
    "org_id",
    "source_id",
    "event_key",
    "identity_id",
    "recipient_id",
    "type",
    "object_id",
    "object_name",
    "course",
    "value",
    "max_value",
    "status",
    "occurred_at",
    "received_at",
    "content_hash",
)
# Rows per statement where the backend states no parameter limit.
DEFAULT_ROWS = 500

Row = tuple[
    int,
    int,
    str,
    int,
    int | None,
    str,
    str,
    str,
    str,
    Decimal | None,
    Decimal | None,
    str,
    datetime,
    datetime,
    str,
]


def insert_facts(rows: Sequence[Row]) -> list[int]:
    """Insert fact rows (values in COLUMNS order); returns their ids in the same order."""
    if not rows:
        return []
    connection = connections[router.db_for_write(Fact)]
    if bulk.supported(connection):
        return _insert_json(connection, rows)
    ops = connection.ops
    table = ops.quote_name(Fact._meta.db_table)
    names = ", ".join(ops.quote_name(column) for column in COLUMNS)
    one = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    limit = connection.features.max_query_params
    size = max(1, limit // len(COLUMNS)) if limit else DEFAULT_ROWS
    returning = connection.features.can_return_rows_from_bulk_insert
    ids: list[int] = []
    adapted: dict[object, object] = {}
    with connection.cursor() as cursor:
        for part in chunks(rows, size):
            # Only quoted names and placeholders go into the text; every value is a parameter.
            sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(part))}"  # noqa: S608
            if returning:
                sql += f" RETURNING {ops.quote_name('id')}"
            cursor.execute(sql, [value for row in part for value in _adapt(ops, row, adapted)])
            if returning:
                ids.extend(found for (found,) in cursor.fetchall())
    if not returning:
        # An older SQLite: find the ids by the unique (source, event key).
        keys = [row[2] for row in rows]
        by_key: dict[str, int] = {}
        for part in chunks(keys):
            found = Fact.objects.filter(source_id=rows[0][1], event_key__in=part).values_list(
                "event_key", "id"
            )
            by_key.update(found)
        ids = [by_key[key] for key in keys]
    return ids


def _insert_json(connection: BaseDatabaseWrapper, rows: Sequence[Row]) -> list[int]:
    sql = bulk.insert_sql(connection, Fact._meta.db_table, COLUMNS, returning="id")
    ids: list[int] = []
    with connection.cursor() as cursor:
        for part in chunks(rows, bulk.ROWS):
            cursor.execute(sql, [bulk.rows_json(COLUMNS, part)])
            ids.extend(found for (found,) in cursor.fetchall())
    return ids


def _adapt(ops: object, row: Row, adapted: dict[object, object]) -> tuple[object, ...]:
    """The row's values as the backend stores them; ``adapted`` remembers each distinct value's
    form (scores and the time received repeat across a batch)."""
    values = list(row)
    for at in (9, 10, 12, 13):
        value = values[at]
        if value is None:
            continue
        # Keyed by type as well: Decimal("1") and a datetime never share a key by accident.
        key = (at < 12, value)
        found = adapted.get(key)
        if found is None:
            if at < 12:
                found = ops.adapt_decimalfield_value(value, VALUE_DIGITS, VALUE_PLACES)  # type: ignore[attr-defined]
            else:
                found = ops.adapt_datetimefield_value(value)  # type: ignore[attr-defined]
            adapted[key] = found
        values[at] = found
    return tuple(values)
