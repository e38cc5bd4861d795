"""Inserting many rows in a few statements, without a model instance or field call per value.

Django's ``bulk_create`` prepares every value of every object through the field API (and on
PostgreSQL dumps whole columns as arrays); for the bulk pipeline's chunks that cost more than
the database's own work. Here each column's adapter is chosen once per call, and rows go out
as multi-row ``INSERT … VALUES`` statements, or through ``COPY`` on PostgreSQL when nothing is
wanted back. Like ``bulk_create`` this sends no signals and runs no ``save()``.

Rows hold Python values as a model instance would (columns are attnames: ``org_id``, not
``org``); every other concrete field gets its model default, computed per row.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connections, models, router

Adapter = Callable[[Any], Any]
# Values the database drivers take as they are.
PLAIN = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)
# PostgreSQL's protocol counts a statement's parameters in 16 bits.
POSTGRESQL_MAX_PARAMS = 65_535
SQLITE_DEFAULT_MAX_PARAMS = 999


def insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (values in the order of ``columns``) into the model's table.

    With ``returning`` (column names, such as ``("id", "public_id")``) the inserted rows'
    values of those columns come back, one tuple per row; match them by a unique column
    rather than by position. Call inside the caller's transaction.
    """
    rows = list(rows)
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    fields = _fields(model)
    named = [fields[name] for name in columns]
    missing = [field for field in fields.values() if field.attname not in columns and not field.primary_key]
    adapters = [_adapter(field, connection) for field in (*named, *missing)]
    defaults = [_default(field) for field in missing]
    names = [field.column for field in (*named, *missing)]
    # Per row only the columns that need it are adapted, and only callable defaults are called.
    adapted = [(position, adapt) for position, adapt in enumerate(adapters) if adapt is not None]
    calls = any(is_callable for _value, is_callable in defaults)
    constants = [value for value, _is_callable in defaults]
    width = len(columns)

    def prepared(row: Sequence[Any]) -> list[Any]:
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} values for {width} columns")
        if calls:
            values = [*row, *(value() if is_callable else value for value, is_callable in defaults)]
        else:
            values = [*row, *constants]
        for position, adapt in adapted:
            values[position] = adapt(values[position])
        return values

    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(name) for name in names)
    if connection.vendor == "postgresql" and not returning:
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(prepared(row))
        return []
    back = ""
    if returning:
        back = " RETURNING " + ", ".join(connection.ops.quote_name(fields[name].column) for name in returning)
    per_statement = max(1, _max_params(connection) // len(names))
    placeholder = "(" + ", ".join(["%s"] * len(names)) + ")"
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            part = rows[start : start + per_statement]
            params = [value for row in part for value in prepared(row)]
            values = ", ".join([placeholder] * len(part))
            # Only quoted names from the model's meta and placeholders go into the text.
            sql = f"INSERT INTO {table} ({quoted}) VALUES {values}{back}"  # noqa: S608
            cursor.execute(sql, params)
            if returning:
                found.extend(tuple(row) for row in cursor.fetchall())
    return found


def insert_objects(objects: Sequence[models.Model], *, key: str) -> None:
    """Insert unsaved model instances of one model, and give each its primary key.

    On PostgreSQL the keys are drawn from the table's sequence first and the rows copied in;
    elsewhere they come back from ``RETURNING``, matched to the instances by ``key``, a unique
    field the instances already hold (such as ``public_id``).
    """
    if not objects:
        return
    model = type(objects[0])
    pk = model._meta.pk
    assert pk is not None
    db = router.db_for_write(model)
    connection = connections[db]
    columns = [field.attname for field in _fields(model).values() if not field.primary_key]
    if connection.vendor == "postgresql":
        for obj, new_pk in zip(objects, _reserve_keys(connection, model, len(objects)), strict=True):
            obj.pk = new_pk
        columns.insert(0, pk.attname)
        insert(model, columns, ([getattr(obj, name) for name in columns] for obj in objects))
    else:
        by_key = {getattr(obj, key): obj for obj in objects}
        key_field = model._meta.get_field(key)
        values = ([getattr(obj, name) for name in columns] for obj in objects)
        for value, new_pk in insert(model, columns, values, returning=(key, pk.attname)):
            by_key[key_field.to_python(value)].pk = new_pk
    for obj in objects:
        obj._state.adding, obj._state.db = False, db


def _reserve_keys(connection: Any, model: type[models.Model], count: int) -> list[int]:
    """``count`` new values of the table's key sequence (an identity column's, as Django makes)."""
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {
        field.attname: field
        for field in model._meta.concrete_fields
        if field.column and not getattr(field, "generated", False)
    }


def _adapter(field: models.Field, connection: Any) -> Adapter | None:
    kind = field.get_internal_type()
    if kind in PLAIN:
        return None
    ops = connection.ops
    if kind == "JSONField":
        encoder = field.encoder  # type: ignore[attr-defined]
        return lambda value: None if value is None else ops.adapt_json_value(value, encoder)
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    return lambda value: field.get_db_prep_save(value, connection)


def _default(field: models.Field) -> tuple[Any, bool]:
    """The field's default: a callable to call per row (True) or a value to use as it is (False)."""
    if field.has_default() and callable(field.default):
        return field.default, True
    return field.get_default(), False


def _max_params(connection: Any) -> int:
    if connection.vendor == "postgresql":
        return POSTGRESQL_MAX_PARAMS
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        getlimit = getattr(connection.connection, "getlimit", None)  # Python 3.11+
        if getlimit is not None:
            import sqlite3

            return int(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        return SQLITE_DEFAULT_MAX_PARAMS
    return connection.features.max_query_params or SQLITE_DEFAULT_MAX_PARAMS
