"""A CSV file as its header and raw rows, for exports whose columns are not known in advance.

Gradebook exports name a column per assignment, so the shared reader's fixed column list
does not fit; decoding, delimiters and limits are the shared reader's all the same.
"""

from dataclasses import dataclass, field

from laurel.core.csvio import data_rows, open_reader, reading


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
    reader, encoding, _delimiter = open_reader(data, max_bytes=max_bytes)
    with reading(reader):
        header = [title.strip() for title in next(reader)]
        table = RawTable(encoding=encoding, header=header)
        for number, cells in data_rows(reader, max_rows=max_rows):
            table.rows.append(RawRow(line=number, cells=cells))
    return table
