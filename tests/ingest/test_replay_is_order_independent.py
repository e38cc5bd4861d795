"""Replaying a stream of facts shuffled, duplicated and split differently yields the same facts."""

import datetime
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from laurel.core.actor import Actor
from laurel.ingest.facts import FactInput, Identity, current_facts, record_facts, void_facts
from laurel.ingest.models import Fact, Source
from laurel.ingest.sources import create_source
from laurel.orgs.models import Organization, Recipient

T0 = datetime.datetime(2025, 3, 10, 9, 0, tzinfo=datetime.UTC)
PEOPLE = [
    ("email", "hong@example.com"),
    ("email", "LEE@example.com"),
    ("student_id", "2025001"),
    ("email", "x@y.example"),
]
STATUS = {
    "grade": ["", "passed", "failed"],
    "attendance": ["present", "late", "absent"],
    "completion": ["completed", "withdrawn"],
}


@st.composite
def fact_contents(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(STATUS)))
    return {
        "type": kind,
        "who": draw(st.sampled_from(PEOPLE)),
        "object_id": draw(st.sampled_from(["q1", "q2"])),
        "course": draw(st.sampled_from(["", "CS101"])),
        # Few distinct times, so equal occurrence times are common.
        "minutes": draw(st.integers(0, 3)),
        "value": draw(st.none() | st.decimals(0, 100, places=2)),
        "status": draw(st.sampled_from(STATUS[kind])),
    }


def as_input(key: str, content: dict[str, Any]) -> FactInput:
    kind, value = content["who"]
    return FactInput(
        event_key=key,
        type=content["type"],
        actor=Identity(kind, value),
        object_id=content["object_id"],
        course=content["course"],
        occurred_at=T0 + datetime.timedelta(minutes=content["minutes"]),
        value=content["value"],
        max_value=Decimal(100) if content["value"] is not None else None,
        status=content["status"],
    )


@st.composite
def streams(draw: st.DrawFn) -> tuple[list[FactInput], list[str], list[list[FactInput]], list[str]]:
    contents = draw(st.lists(fact_contents(), min_size=1, max_size=25))
    facts = [as_input(f"e{n}", content) for n, content in enumerate(contents)]
    voided = draw(st.lists(st.sampled_from([f.event_key for f in facts]), unique=True, max_size=5))
    # The replay: every fact once or more, in any order, cut into batches of any size.
    replay = draw(st.permutations(facts + draw(st.lists(st.sampled_from(facts), max_size=15))))
    cuts = sorted(draw(st.lists(st.integers(0, len(replay)), max_size=6)))
    batches = [replay[a:b] for a, b in zip([0, *cuts], [*cuts, len(replay)], strict=True)]
    revoids = draw(st.permutations(voided + voided[:2]))
    return facts, voided, [b for b in batches if b], revoids


def world(slug: str) -> tuple[Source, list[Recipient]]:
    org = Organization.objects.create(slug=slug, name_en=slug)
    people = [
        Recipient.objects.create(org=org, email="hong@example.com", student_id="2025009"),
        Recipient.objects.create(org=org, email="lee@example.com", student_id="2025001"),
    ]
    source, _lines = create_source(Actor(user=None, via="cli"), org, "xapi", "LMS")
    return source, people


def snapshot(source: Source, people: list[Recipient]) -> tuple[Any, ...]:
    emails = {p.pk: p.email for p in people}

    def row(f: Fact) -> tuple[Any, ...]:
        return (
            f.event_key,
            f.type,
            f.identity.kind,
            f.identity.value,
            emails.get(f.recipient_id or 0),
            f.object_id,
            f.course,
            f.value,
            f.max_value,
            f.status,
            f.occurred_at,
            f.voided_at,
            f.content_hash,
        )

    facts = sorted(row(f) for f in Fact.objects.filter(source=source).select_related("identity"))
    current = [[row(f) for f in current_facts(person)] for person in people]
    return tuple(facts), tuple(map(tuple, current))


class ReplayTests(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(streams())
    def test_a_shuffled_duplicated_replay_yields_the_same_facts(
        self, stream: tuple[list[FactInput], list[str], list[list[FactInput]], list[str]]
    ) -> None:
        facts, voided, batches, revoids = stream
        voided_at = T0 + datetime.timedelta(days=1)

        first, first_people = world("first")
        record_facts(first, facts)
        void_facts(first, voided, voided_at=voided_at)

        second, second_people = world("second")
        for batch in batches:
            record_facts(second, batch)
        for key in revoids:
            void_facts(second, [key], voided_at=voided_at)

        self.assertEqual(snapshot(first, first_people), snapshot(second, second_people))
        self.assertEqual(Fact.objects.filter(source=second).count(), len(facts))

    def test_the_snapshot_tells_different_streams_apart(self) -> None:
        # Guards the property above against a snapshot that would compare nothing.
        one, one_people = world("one")
        two, two_people = world("two")
        content = {
            "type": "grade",
            "who": PEOPLE[0],
            "object_id": "q1",
            "course": "",
            "minutes": 0,
            "status": "",
        }
        record_facts(one, [as_input("e0", {**content, "value": Decimal(1)})])
        record_facts(two, [as_input("e0", {**content, "value": Decimal(2)})])
        self.assertNotEqual(snapshot(one, one_people), snapshot(two, two_people))
