"""Importing every CSV fixture in any order, some twice, yields the same facts."""

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from laurel.core.actor import Actor
from laurel.ingest.csvimport.actions import confirm_import, preview_import
from laurel.ingest.models import Fact, Source
from laurel.ingest.sources import create_source
from laurel.orgs.models import Organization, Recipient

FIXTURES = Path(__file__).parent / "fixtures"
# (file, companion): each says something of its own, so no order can let one correct another.
FILES = [
    ("2025-03-10T0900_Grades-CS101.csv", None),
    ("CS101 Grades.csv", None),
    ("attendance_report.csv", None),
    ("oneroster11_results.csv", "oneroster11_lineItems.csv"),
    ("activity.csv", None),
]
ACTOR = Actor(user=None, via="cli")


def world(slug: str) -> Source:
    org = Organization.objects.create(slug=slug, name_en=slug)
    Recipient.objects.create(org=org, email="hong@example.com", student_id="2025001")
    Recipient.objects.create(org=org, email="lee@example.com", student_id="2025002")
    return create_source(ACTOR, org, "csv", "Files")[0]


def load(source: Source, order: list[int]) -> None:
    for index in order:
        name, companion = FILES[index]
        extra = (FIXTURES / companion).read_bytes() if companion else None
        batch = preview_import(ACTOR, source, (FIXTURES / name).read_bytes(), filename=name, extra=extra)
        confirm_import(ACTOR, batch, park_unknown=True)


def snapshot(source: Source) -> list[tuple[Any, ...]]:
    rows = Fact.objects.filter(source=source).values_list(
        "event_key", "type", "identity__kind", "identity__value", "recipient__email", "object_id",
        "object_name", "course", "value", "max_value", "status", "occurred_at", "voided_at", "content_hash",
    )  # fmt: skip
    return sorted(rows)


class CsvReplayTests(TestCase):
    @settings(max_examples=4, deadline=None)
    @given(st.permutations(range(len(FILES))), st.lists(st.integers(0, len(FILES) - 1), max_size=3))
    def test_any_order_with_repeats_gives_the_same_facts(self, order: list[int], repeats: list[int]) -> None:
        straight, shuffled = world("straight"), world("shuffled")
        load(straight, list(range(len(FILES))))
        load(shuffled, [*order, *repeats])
        expected = snapshot(straight)
        self.assertEqual(snapshot(shuffled), expected)
        self.assertGreater(len(expected), 20)
