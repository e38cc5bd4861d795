"""A CSV file as its header and raw rows, for exports whose columns are not known in advance.

Gradebook exports name a column per assignment, so the shared reader's fixed column list
does not fit; decoding, delimiters and limits are the shared reader's all the same.
"""

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from laurel.core.csvio import CsvError, decode, sniff_delimiter


@dataclass
class RawRow:
    line: int  # the spreadsheet row number; the header is 1
    cells: list[str]


@dataclass
class RawTable:
    encoding: str
    header: list[str]
    rows: list[RawRow] = field(default_factory=list)

    def index(self, *names: str) -> int | None:
        """Position of the first header matching one of the names (case and spacing ignored)."""
        wanted = {_key(name) for name in names}
        for position, title in enumerate(self.header):
            if _key(title) in wanted:
                return position
        return None

    def has(self, *names: str) -> bool:
        return all(self.index(name) is not None for name in names)


def _key(title: str) -> str:
    return " ".join(title.strip().lower().split())


def cell(row: RawRow, position: int | None) -> str:
    if position is None or position >= len(row.cells):
        return ""
    return row.cells[position].strip()


def read_table(data: bytes, *, max_bytes: int | None = None, max_rows: int | None = None) -> RawTable:
    """Read a CSV file with a header row; blank rows are skipped. Raises CsvError."""
    max_bytes = settings.MAX_CSV_BYTES if max_bytes is None else max_bytes
    max_rows = settings.MAX_CSV_ROWS if max_rows is None else max_rows
    if len(data) > max_bytes:
        raise CsvError(
            _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": len(data), "limit": max_bytes}
        )
    text, encoding = decode(data)
    if not text.strip():
        raise CsvError(_("The file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), strict=True)
    try:
        header = [title.strip() for title in next(reader)]
        table = RawTable(encoding=encoding, header=header)
        for number, cells in enumerate(reader, start=2):
            if not any(value.strip() for value in cells):
                continue
            if len(table.rows) >= max_rows:
                raise CsvError(
                    _("The file has more than %(limit)s rows; split it into smaller files.")
                    % {"limit": max_rows}
                )
            table.rows.append(RawRow(line=number, cells=cells))
    except csv.Error as error:
        raise CsvError(
            _("Line %(line)s cannot be read as CSV: %(error)s") % {"line": reader.line_num, "error": error}
        ) from None
    return table
