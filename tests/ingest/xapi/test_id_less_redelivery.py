"""Moodle's logstore_xapi sends batches without ids and sends halves again after a failure."""

import random

from laurel.ingest.models import Fact
from laurel.ingest.xapi.models import Statement
from tests.ingest.xapi.helpers import ADL, XapiTestCase, statement


def attended(n: int) -> dict:
    return statement(
        actor={"name": f"학생 {n}", "account": {"homePage": "https://moodle.example", "name": str(n)}},
        verb={"id": ADL + "attended", "display": {"en": "attended"}},
        object={"id": f"https://moodle.example/mod/attendance/view.php?id={n % 3}"},
        timestamp=f"2025-03-10T09:{n:02d}:00+09:00",
    )


class IdLessRedeliveryTests(XapiTestCase):
    def test_a_resent_batch_gets_the_same_ids_and_makes_no_new_facts(self) -> None:
        batch = [attended(n) for n in range(10)]
        first = self.assert_accepted(batch)
        second = self.assert_accepted([attended(n) for n in range(10)])
        self.assertEqual(first, second)
        self.assertEqual(len(set(first)), 10)
        self.assertEqual(Statement.objects.count(), 10)
        self.assertEqual(Fact.objects.count(), 10)

    def test_halves_sent_again_in_another_order_land_on_the_same_ids(self) -> None:
        whole = self.assert_accepted([attended(n) for n in range(8)])
        halves = [attended(n) for n in range(4, 8)] + [attended(n) for n in range(0, 4)]
        random.Random(5).shuffle(halves)
        again = self.assert_accepted(halves)
        self.assertEqual(sorted(again), sorted(whole))
        self.assertEqual(Fact.objects.count(), 8)

    def test_the_same_content_twice_in_one_batch_is_one_statement(self) -> None:
        ids = self.assert_accepted([attended(1), attended(1), attended(2)])
        self.assertEqual(ids[0], ids[1])
        self.assertNotEqual(ids[0], ids[2])
        self.assertEqual(Statement.objects.count(), 2)

    def test_a_different_time_is_a_different_statement(self) -> None:
        early, late = attended(1), attended(1)
        late["timestamp"] = "2025-03-11T09:01:00+09:00"
        [a] = self.assert_accepted(early)
        [b] = self.assert_accepted(late)
        self.assertNotEqual(a, b)
        self.assertEqual(Fact.objects.count(), 2)
