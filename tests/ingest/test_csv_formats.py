"""Each supported CSV format becomes the facts its documentation says it holds."""

import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from laurel.core.csvio import CsvError
from laurel.ingest.csvimport.common import Options, Parsed, parse_moment, parse_number
from laurel.ingest.csvimport.formats import parse_files
from laurel.ingest.csvimport.table import read_table

FIXTURES = Path(__file__).parent / "fixtures"
SEOUL = ZoneInfo("Asia/Seoul")


def parse(name: str, extra: str | None = None, **options: object) -> Parsed:
    main = read_table((FIXTURES / name).read_bytes())
    companion = read_table((FIXTURES / extra).read_bytes()) if extra else None
    return parse_files(main, companion, Options(filename=name, **options))  # type: ignore[arg-type]


def facts_by_key(parsed: Parsed) -> dict[str, object]:
    return {f.event_key: f for row in parsed.rows for f in row.facts}


def test_canvas_gradebook_gives_a_grade_per_scored_assignment() -> None:
    parsed = parse("2025-03-10T0900_Grades-CS101.csv")
    assert parsed.format == "canvas_gradebook"
    facts = facts_by_key(parsed)
    quiz = facts["canvas:CS101:1001:87568490"]
    assert (quiz.value, quiz.max_value, quiz.object_name) == (Decimal("8.50"), Decimal("10.00"), "Quiz 1")
    assert quiz.actor.kind == "student_id" and quiz.actor.value == "2025001"
    assert quiz.occurred_at == datetime.datetime(2025, 3, 10, 9, 0, tzinfo=SEOUL)
    assert quiz.course == "CS101"
    # Lee has no SIS User ID: the login, an email, names him.
    assert facts["canvas:CS101:1002:87568491"].actor.value == "lee@example.com"
    assert facts["canvas:CS101:1002:87568491"].value == Decimal("18.00")


def test_canvas_excused_and_unassigned_cells_are_not_grades() -> None:
    facts = facts_by_key(parse("2025-03-10T0900_Grades-CS101.csv"))
    assert "canvas:CS101:1001:87568491" not in facts  # EX
    assert "canvas:CS101:1002:87568492" not in facts  # N/A


def test_canvas_course_totals_are_percentages() -> None:
    facts = facts_by_key(parse("2025-03-10T0900_Grades-CS101.csv"))
    final = facts["canvas:CS101:1001:final-score"]
    assert (final.value, final.max_value) == (Decimal("77.27"), Decimal(100))
    assert "canvas:CS101:1001:unposted-final-score" not in facts


def test_canvas_skips_the_posting_row_points_row_and_test_student() -> None:
    parsed = parse("2025-03-10T0900_Grades-CS101.csv")
    assert [row.line for row in parsed.rows] == [4, 5, 6]
    assert any("test student" in w for w in parsed.warnings)


def test_canvas_needs_a_course_when_the_file_name_has_none(tmp_path: Path) -> None:
    data = (FIXTURES / "2025-03-10T0900_Grades-CS101.csv").read_bytes()
    with pytest.raises(CsvError, match="which course"):
        parse_files(read_table(data), None, Options(filename="grades.csv"))
    given = parse_files(read_table(data), None, Options(filename="grades.csv", course="CS-A"))
    assert {f.course for row in given.rows for f in row.facts} == {"CS-A"}


def test_moodle_export_prefers_real_values_and_skips_dashes() -> None:
    parsed = parse("CS101 Grades.csv")
    assert parsed.format == "moodle_grades"
    facts = facts_by_key(parsed)
    quiz = facts["moodle:CS101:hong@example.com:Quiz: Week 1 quiz"]
    assert (quiz.type, quiz.value, quiz.max_value) == ("quiz", Decimal("8.00"), None)
    assert quiz.occurred_at == datetime.datetime(2025, 3, 10, 9, 0, tzinfo=SEOUL)
    assert quiz.actor.name == "길동 홍"
    assert "moodle:CS101:hong@example.com:Assignment: Essay" not in facts
    essay = facts["moodle:CS101:LEE@Example.com:Assignment: Essay"]
    assert (essay.type, essay.value) == ("grade", Decimal("17.00"))
    assert facts["moodle:CS101:LEE@Example.com:Course total"].value == Decimal("23.50")
    assert [len(row.facts) for row in parsed.rows] == [2, 3, 0]


def test_rollcall_report_gives_attendance_per_class_date() -> None:
    parsed = parse("attendance_report.csv")
    assert parsed.format == "canvas_rollcall"
    facts = facts_by_key(parsed)
    first = facts["rollcall:12:34:1001:2025-03-04"]
    assert (first.type, first.status, first.course) == ("attendance", "present", "CS101-2025S")
    assert first.occurred_at == datetime.datetime(2025, 3, 4, tzinfo=SEOUL)
    assert first.actor.value == "2025001"
    assert facts["rollcall:12:34:1002:2025-03-04"].status == "late"
    assert facts["rollcall:12:34:1001:2025-03-06"].status == "absent"
    # Without an SIS id, the Canvas user id names the student.
    assert facts["rollcall:12:34:1003:2025-03-06"].actor.value == "canvas|1003"
    unmarked = parsed.rows[3]
    assert unmarked.facts == [] and unmarked.notes and not unmarked.errors


def test_oneroster_11_maps_score_statuses() -> None:
    parsed = parse("oneroster11_results.csv", "oneroster11_lineItems.csv")
    assert parsed.format == "oneroster"
    assert "OneRoster 1.1" in parsed.warnings
    facts = facts_by_key(parsed)
    graded = facts["oneroster:res-1"]
    assert (graded.type, graded.value, graded.max_value) == ("grade", Decimal("8.5"), Decimal("10"))
    assert (graded.object_name, graded.course) == ("Quiz 1", "class-cs101")
    assert (facts["oneroster:res-3"].type, facts["oneroster:res-3"].status) == ("submission", "submitted")
    assert facts["oneroster:res-4"].status == "missing"
    assert "oneroster:res-5" not in facts  # exempt


def test_oneroster_files_may_come_in_either_order() -> None:
    forwards = parse("oneroster11_results.csv", "oneroster11_lineItems.csv")
    backwards = parse("oneroster11_lineItems.csv", "oneroster11_results.csv")
    assert facts_by_key(forwards) == facts_by_key(backwards)


def test_oneroster_12_delta_updates_flags_and_deletes() -> None:
    parsed = parse("oneroster12_results_delta.csv", "oneroster11_lineItems.csv")
    assert "OneRoster 1.2" in parsed.warnings
    facts = facts_by_key(parsed)
    assert facts["oneroster:res-1"].value == Decimal("9")
    assert facts["oneroster:res-3"].status == "late"
    assert parsed.rows[2].voids == ["oneroster:res-2"]


def test_oneroster_result_of_an_unknown_line_item_is_a_row_error(tmp_path: Path) -> None:
    results = (
        b"sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate\n"
    )
    results += b"r9,,,li-nope,2025001,fully graded,3,2025-03-09\n"
    items = (FIXTURES / "oneroster11_lineItems.csv").read_bytes()
    parsed = parse_files(read_table(results), read_table(items), Options())
    assert parsed.rows[0].errors and not parsed.rows[0].facts


def test_a_lone_line_items_file_is_refused() -> None:
    with pytest.raises(CsvError, match="lineItems"):
        parse("oneroster11_lineItems.csv")


def test_generic_activity_csv() -> None:
    parsed = parse("activity.csv")
    assert parsed.format == "generic"
    mission, attendance, quiz, completion, homework = (row.facts[0] for row in parsed.rows)
    assert (mission.type, mission.status, mission.object_name) == ("mission", "completed", "Robot maze")
    assert mission.occurred_at == datetime.datetime(2025, 3, 10, 1, 0, tzinfo=datetime.UTC)
    assert (attendance.actor.kind, attendance.actor.value) == ("student_id", "2025002")
    assert (quiz.value, quiz.max_value) == (Decimal("4.5"), Decimal(5))
    assert quiz.occurred_at == datetime.datetime(2025, 3, 11, 14, 30, tzinfo=SEOUL)
    assert (completion.actor.value, completion.course) == ("stranger@elsewhere.example", "CS101")
    assert homework.type == "homework"  # refused later, with the row's line


def test_the_generic_key_is_stable_across_imports() -> None:
    assert facts_by_key(parse("activity.csv")).keys() == facts_by_key(parse("activity.csv")).keys()


def test_an_unknown_layout_names_the_supported_formats() -> None:
    with pytest.raises(CsvError, match="Canvas gradebook"):
        parse_files(read_table(b"foo,bar\n1,2\n"), None, Options())


@pytest.mark.parametrize(
    ("text", "expected"),
    [("87.5", Decimal("87.5")), ("87,5", Decimal("87.5")), ("80.00 %", Decimal("80.00")), ("", None)],
)
def test_numbers_as_gradebooks_write_them(text: str, expected: Decimal | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["B+", "1,234,5", "nan", "inf"])
def test_what_is_not_a_number(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_times_with_and_without_zones() -> None:
    assert parse_moment("2025-03-04", SEOUL) == datetime.datetime(2025, 3, 4, tzinfo=SEOUL)
    utc = datetime.datetime(2025, 3, 4, 9, 12, 33, tzinfo=datetime.UTC)
    assert parse_moment("2025-03-04 09:12:33 UTC", SEOUL) == utc
    assert parse_moment("2025-03-04T09:12:33Z", SEOUL) == utc
    assert parse_moment("2025-03-04T18:12:33", SEOUL) == utc
    with pytest.raises(ValueError):
        parse_moment("next tuesday", SEOUL)
