"""Many rows in one INSERT on PostgreSQL, passed as a single JSON parameter.

psycopg binds parameters on the client (Django's default): it parses the query for its
placeholders and quotes every value into the text, and a query with more than 50 parameters
is parsed anew each time. A hundred fact rows are 1,500 parameters, which cost more than the
rest of the request. One JSON document holding the rows costs one C-speed encoding here;
PostgreSQL turns it back into rows of the table's own type (``json_populate_recordset``),
converting each value with the column type's input function, as a quoted literal would be.
"""

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

# Rows per statement: bounds the size of the one parameter.
ROWS = 5000
# Values are plain lists and strings made here: no cycles to look for.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def supported(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "postgresql"


def insert_sql(
    connection: BaseDatabaseWrapper, table: str, columns: Sequence[str], returning: str | None = None
) -> str:
    """``INSERT … SELECT … FROM json_populate_recordset(NULL::table, %s)``, for rows_json's text.

    Only quoted names go into the text; the rows are the one parameter. Columns left out take
    no default here: callers name every column they fill.
    """
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    sql = (
        f"INSERT INTO {quote(table)} ({names}) "  # noqa: S608
        f"SELECT {names} FROM json_populate_recordset(NULL::{quote(table)}, %s)"
    )
    if returning:
        # In the order of the JSON array, as with a multi-row VALUES list (which Django's
        # bulk_create relies on too).
        sql += f" RETURNING {quote(returning)}"
    return sql


def rows_json(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], encode: Callable[[Any], str] = _ENCODE
) -> str:
    """The rows as a JSON array of objects keyed by column name.

    A list or dict value is written as JSON: a json or jsonb column takes it as it is, and a
    text column takes its text exactly as ``encode`` wrote it.
    """
    return encode([dict(zip(columns, map(_value, row), strict=True)) for row in rows])


def _value(value: Any) -> Any:
    # JSON strings for what JSON has no type for: PostgreSQL reads them with the column's input
    # function, so "87.500000" becomes exactly that numeric and an ISO time keeps its offset.
    if value is None or isinstance(value, (str, int, bool, list, dict)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)  # a UUID
