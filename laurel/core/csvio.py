"""Reading and writing the CSV files people make with spreadsheets.

Korean Excel saves CSV as CP949 unless told otherwise, and opens UTF-8 files
correctly only when they start with a byte order mark; both are handled here.
A cell starting with a formula character is a spreadsheet formula waiting to
run on somebody's machine: importers reject it where no legitimate value can
start that way, and `write_csv` neutralizes it on export.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DELIMITERS = (",", ";", "\t")
# Tried in this order; strict UTF-8 first since CP949 would accept many UTF-8 byte runs.
ENCODINGS = ("utf-8", "cp949")


class CsvError(ValueError):
    """The file as a whole cannot be read; the message says why."""


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass
class CsvRow:
    # The spreadsheet row number (the header is row 1); a quoted newline does not start a new row.
    line: int
    values: dict[str, str]


@dataclass
class CsvTable:
    encoding: str
    delimiter: str
    columns: list[str]
    rows: list[CsvRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES)


def normalize_header(value: str) -> str:
    return "_".join(value.strip().lower().replace("-", " ").replace("_", " ").split())


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding that read it strictly."""
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" and text.startswith("\ufeff"):
            return text[1:], "utf-8-sig"
        return text, encoding
    raise CsvError(
        _("The file is neither UTF-8 nor CP949 (EUC-KR) text. Save it as “CSV UTF-8” and try again.")
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter used most in the header line; spreadsheets quote headers rarely."""
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header_map(header: Sequence[str], columns: Sequence[Column]) -> tuple[list[str | None], list[str]]:
    """Which known column each position holds (None when unknown), and the unknown names."""
    lookup: dict[str, str] = {}
    for column in columns:
        for alias in (column.name, *column.aliases):
            lookup[normalize_header(alias)] = column.name
    positions: list[str | None] = []
    unknown: list[str] = []
    seen: set[str] = set()
    for raw in header:
        name = lookup.get(normalize_header(raw))
        if name is not None and name in seen:
            raise CsvError(
                _("The column “%(name)s” appears more than once in the header row.") % {"name": raw}
            )
        if name is None and raw.strip():
            unknown.append(raw.strip())
        if name is not None:
            seen.add(name)
        positions.append(name)
    missing = [c.name for c in columns if c.required and c.name not in seen]
    if missing:
        raise CsvError(
            ngettext(
                "The header row lacks the required column: %(names)s.",
                "The header row lacks the required columns: %(names)s.",
                len(missing),
            )
            % {"names": ", ".join(missing)}
        )
    return positions, unknown


def open_reader(data: bytes, *, max_bytes: int | None = None) -> tuple["csv._reader", str, str]:
    """A CSV reader over the decoded file, with its encoding and delimiter; the file-wide checks.

    Raises CsvError when the file is too large, undecodable or empty.
    """
    max_bytes = settings.MAX_CSV_BYTES if max_bytes is None else max_bytes
    if len(data) > max_bytes:
        raise CsvError(
            _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": len(data), "limit": max_bytes}
        )
    text, encoding = decode(data)
    if not text.strip():
        raise CsvError(_("The file is empty."))
    delimiter = sniff_delimiter(text)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True), encoding, delimiter


def data_rows(reader: "csv._reader", *, max_rows: int | None = None) -> Iterator[tuple[int, list[str]]]:
    """The rows after the header as (line number, cells); fully blank rows are skipped."""
    max_rows = settings.MAX_CSV_ROWS if max_rows is None else max_rows
    count = 0
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if count >= max_rows:
            raise CsvError(
                _("The file has more than %(limit)s rows; split it into smaller files.") % {"limit": max_rows}
            )
        count += 1
        yield number, cells


@contextmanager
def reading(reader: "csv._reader") -> Iterator[None]:
    """Malformed CSV inside the block becomes a CsvError naming its line."""
    try:
        yield
    except csv.Error as error:
        raise CsvError(
            _("Line %(line)s cannot be read as CSV: %(error)s") % {"line": reader.line_num, "error": error}
        ) from None


def read_csv(
    data: bytes,
    columns: Sequence[Column],
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> CsvTable:
    """Parse a CSV file with a header row into rows keyed by column name.

    Fully blank rows (an empty trailing line, a spacer row) are skipped. Unknown
    columns are ignored and named in the warnings. Raises CsvError for
    problems with the whole file: size, encoding, header, row count.
    """
    reader, encoding, delimiter = open_reader(data, max_bytes=max_bytes)
    with reading(reader):
        header = next(reader)
        positions, unknown = _header_map(header, columns)
        table = CsvTable(encoding=encoding, delimiter=delimiter, columns=[p for p in positions if p])
        if unknown:
            table.warnings.append(
                _("These columns are not used and were ignored: %(names)s.") % {"names": ", ".join(unknown)}
            )
        for number, cells in data_rows(reader, max_rows=max_rows):
            values = {name: "" for name in table.columns}
            for name, cell in zip(positions, cells, strict=False):
                if name:
                    values[name] = cell.strip(" ")
            table.rows.append(CsvRow(line=number, values=values))
    return table


def escape_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = True) -> bytes:
    """UTF-8 CSV (with a BOM, so Korean Excel opens it) with formula cells neutralized."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([escape_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8")
