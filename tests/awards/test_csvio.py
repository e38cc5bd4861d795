import csv
import io

from django.test import SimpleTestCase

from laurel.core.csvio import Column, CsvError, escape_cell, read_csv, write_csv

COLUMNS = (
    Column("email", ("이메일",), required=True),
    Column("name", ("이름",), required=True),
    Column("note"),
)


class ReadCsvTests(SimpleTestCase):
    def test_it_reads_utf8_with_a_byte_order_mark(self) -> None:
        table = read_csv("\ufeffemail,name\nhong@example.com,홍길동\n".encode(), COLUMNS)
        self.assertEqual(table.encoding, "utf-8-sig")
        self.assertEqual(table.rows[0].values, {"email": "hong@example.com", "name": "홍길동"})

    def test_it_reads_korean_excel_cp949(self) -> None:
        table = read_csv("이메일,이름\r\nhong@example.com,홍길동\r\n".encode("cp949"), COLUMNS)
        self.assertEqual(table.encoding, "cp949")
        self.assertEqual(table.rows[0].values["name"], "홍길동")

    def test_it_reads_euc_kr(self) -> None:
        table = read_csv("email,name\nhong@example.com,김철수\n".encode("euc-kr"), COLUMNS)
        self.assertEqual(table.rows[0].values["name"], "김철수")

    def test_it_refuses_bytes_that_are_neither_utf8_nor_cp949(self) -> None:
        with self.assertRaisesMessage(CsvError, "UTF-8"):
            read_csv("email,name\nhong@example.com,홍길동\n".encode("utf-16"), COLUMNS)

    def test_it_detects_semicolons_and_tabs(self) -> None:
        for delimiter in (";", "\t"):
            with self.subTest(delimiter=delimiter):
                data = f"email{delimiter}name\nhong@example.com{delimiter}Hong, Gildong\n".encode()
                table = read_csv(data, COLUMNS)
                self.assertEqual(table.delimiter, delimiter)
                self.assertEqual(table.rows[0].values["name"], "Hong, Gildong")

    def test_a_quoted_newline_stays_in_its_cell_and_row_numbers_follow_the_sheet(self) -> None:
        data = b'email,name,note\na@example.com,A,"line one\nline two"\nb@example.com,B,\n'
        table = read_csv(data, COLUMNS)
        self.assertEqual(table.rows[0].values["note"], "line one\nline two")
        self.assertEqual([row.line for row in table.rows], [2, 3])

    def test_headers_are_matched_ignoring_case_spaces_and_aliases(self) -> None:
        table = read_csv(b" EMAIL , Name \nhong@example.com,Hong\n", COLUMNS)
        self.assertEqual(table.columns, ["email", "name"])

    def test_missing_required_columns_are_named_in_one_message(self) -> None:
        with self.assertRaises(CsvError) as caught:
            read_csv(b"note\nhello\n", COLUMNS)
        self.assertIn("email, name", str(caught.exception))

    def test_unknown_columns_are_a_warning(self) -> None:
        table = read_csv(b"email,name,shoe size\nhong@example.com,Hong,270\n", COLUMNS)
        self.assertEqual(len(table.warnings), 1)
        self.assertIn("shoe size", table.warnings[0])

    def test_a_column_given_twice_is_refused(self) -> None:
        with self.assertRaisesMessage(CsvError, "이메일"):
            read_csv("email,name,이메일\na@example.com,A,b@example.com\n".encode(), COLUMNS)

    def test_blank_lines_are_skipped(self) -> None:
        table = read_csv(b"email,name\n\na@example.com,A\n,\n\n", COLUMNS)
        self.assertEqual([row.line for row in table.rows], [3])

    def test_the_byte_limit_is_enforced_with_a_message(self) -> None:
        with self.assertRaisesMessage(CsvError, "limit is 20 bytes"):
            read_csv(b"email,name\n" + b"a@example.com,A\n" * 3, COLUMNS, max_bytes=20)

    def test_the_row_limit_is_enforced_with_a_message(self) -> None:
        data = b"email,name\n" + b"".join(b"u%d@example.com,U\n" % i for i in range(4))
        with self.assertRaisesMessage(CsvError, "more than 3 rows"):
            read_csv(data, COLUMNS, max_rows=3)
        self.assertEqual(len(read_csv(data, COLUMNS, max_rows=4).rows), 4)

    def test_an_empty_file_is_refused(self) -> None:
        with self.assertRaisesMessage(CsvError, "empty"):
            read_csv(b"", COLUMNS)


class WriteCsvTests(SimpleTestCase):
    def test_formula_cells_are_prefixed_with_a_quote(self) -> None:
        for value in ("=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
            with self.subTest(value=value):
                self.assertEqual(escape_cell(value), "'" + value)
        self.assertEqual(escape_cell("홍길동"), "홍길동")
        self.assertEqual(escape_cell(None), "")

    def test_it_writes_utf8_with_a_byte_order_mark(self) -> None:
        data = write_csv(["name", "note"], [["홍길동", '=HYPERLINK("http://evil")']])
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        self.assertEqual(rows, [["name", "note"], ["홍길동", '\'=HYPERLINK("http://evil")']])
