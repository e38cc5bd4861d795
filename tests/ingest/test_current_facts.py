from decimal import Decimal

from laurel.ingest.facts import current_facts, record_facts, void_facts
from tests.ingest.helpers import IngestTestCase, at, grade


class CurrentFactsTests(IngestTestCase):
    def values(self, **kwargs: object) -> dict[tuple[str, str, str], Decimal | None]:
        return {(f.type, f.course, f.object_id): f.value for f in current_facts(self.hong, **kwargs)}  # type: ignore[arg-type]

    def test_the_latest_by_occurrence_wins(self) -> None:
        record_facts(self.source, [grade("a", value="90", minutes=0), grade("b", value="60", minutes=10)])
        self.assertEqual(self.values(), {("grade", "CS101", "quiz-1"): Decimal("60")})

    def test_a_late_older_fact_does_not_override_a_newer_one(self) -> None:
        record_facts(self.source, [grade("new", value="60", minutes=10)])
        record_facts(self.source, [grade("old", value="90", minutes=0)])
        self.assertEqual(self.values(), {("grade", "CS101", "quiz-1"): Decimal("60")})

    def test_voiding_the_latest_makes_the_previous_current(self) -> None:
        record_facts(self.source, [grade("a", value="90", minutes=0), grade("b", value="60", minutes=10)])
        self.assertEqual(void_facts(self.source, ["b"], voided_at=at(20)), 1)
        self.assertEqual(self.values(), {("grade", "CS101", "quiz-1"): Decimal("90")})

    def test_voiding_every_fact_of_an_object_leaves_none(self) -> None:
        record_facts(self.source, [grade("a")])
        void_facts(self.source, ["a"], voided_at=at(20))
        self.assertEqual(current_facts(self.hong), [])

    def test_voiding_twice_counts_once(self) -> None:
        record_facts(self.source, [grade("a")])
        self.assertEqual(void_facts(self.source, ["a", "a", "unknown"], voided_at=at(20)), 1)
        self.assertEqual(void_facts(self.source, ["a"], voided_at=at(30)), 0)

    def test_a_completion_can_be_withdrawn(self) -> None:
        record_facts(
            self.source,
            [
                grade("c1", type="completion", status="completed", value=None, max_value=None, minutes=0),
                grade("c2", type="completion", status="withdrawn", value=None, max_value=None, minutes=5),
            ],
        )
        [fact] = current_facts(self.hong, types=["completion"])
        self.assertEqual(fact.status, "withdrawn")

    def test_objects_courses_and_types_are_kept_apart(self) -> None:
        record_facts(
            self.source,
            [
                grade("a", obj="quiz-1", value="1"),
                grade("b", obj="quiz-2", value="2"),
                grade("c", course="CS102", value="3"),
                grade("d", type="quiz", value="4"),
                grade("e", "lee@example.com", value="5"),
            ],
        )
        self.assertEqual(len(current_facts(self.hong)), 4)
        self.assertEqual(self.values(course="CS102"), {("grade", "CS102", "quiz-1"): Decimal("3")})
        self.assertEqual(self.values(types=["quiz"]), {("quiz", "CS101", "quiz-1"): Decimal("4")})

    def test_equal_times_are_settled_the_same_whatever_the_arrival_order(self) -> None:
        record_facts(self.source, [grade("b", value="2")])
        record_facts(self.source, [grade("a", value="1")])
        other = self.lee
        record_facts(self.source, [grade("a2", "lee@example.com", value="1")])
        record_facts(self.source, [grade("b2", "lee@example.com", value="2")])
        self.assertEqual([f.value for f in current_facts(self.hong)], [Decimal("2")])
        self.assertEqual([f.value for f in current_facts(other)], [Decimal("2")])

    def test_replace_brings_a_voided_fact_back(self) -> None:
        record_facts(self.source, [grade("a")])
        void_facts(self.source, ["a"], voided_at=at(20))
        result = record_facts(self.source, [grade("a")], replace=True)
        self.assertEqual(result.updated, 1)
        self.assertEqual(len(current_facts(self.hong)), 1)

    def test_a_redelivery_without_replace_leaves_a_voided_fact_voided(self) -> None:
        record_facts(self.source, [grade("a")])
        void_facts(self.source, ["a"], voided_at=at(20))
        self.assertEqual(record_facts(self.source, [grade("a")]).unchanged, 1)
        self.assertEqual(current_facts(self.hong), [])
