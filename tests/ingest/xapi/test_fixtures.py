"""Real payload shapes (Moodle, Open edX, cmi5, Canvas via Caliper, ADL examples) become the right facts,
and replaying them all shuffled, duplicated and re-batched yields the identical fact set."""

import copy
import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from laurel.core.actor import Actor
from laurel.ingest.models import Fact
from laurel.ingest.sources import create_source
from laurel.orgs.models import Organization
from tests.ingest.xapi.helpers import XapiTestCase, basic

FIXTURES = Path(__file__).parent / "fixtures"


def load() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text()) for path in sorted(FIXTURES.glob("*.json"))}


def expected(fact: dict[str, Any]) -> tuple:
    return (
        fact["type"],
        fact["status"],
        tuple(fact["identity"]),
        fact["object_id"],
        fact["object_name"],
        fact["course"],
        None if fact["value"] is None else Decimal(fact["value"]),
        None if fact["max_value"] is None else Decimal(fact["max_value"]),
        fact["occurred_at"],
        fact.get("voided", False),
    )


def stored(facts: Any) -> list[tuple]:
    return sorted(
        (
            f.type,
            f.status,
            (f.identity.kind, f.identity.value),
            f.object_id,
            f.object_name,
            f.course,
            None if f.value is None else f.value.normalize(),
            None if f.max_value is None else f.max_value.normalize(),
            f.occurred_at.isoformat(),
            f.voided_at is not None,
        )
        for f in facts.select_related("identity")
    )


def normalized(rows: list[tuple]) -> list[tuple]:
    return sorted(
        (
            *row[:6],
            None if row[6] is None else row[6].normalize(),
            None if row[7] is None else row[7].normalize(),
            *row[8:],
        )
        for row in rows
    )


class FixtureTests(XapiTestCase):
    def test_each_fixture_makes_the_facts_its_sender_means(self) -> None:
        for name, fixture in load().items():
            with self.subTest(fixture=name):
                Fact.objects.all().delete()
                version = "1.0.3" if name.startswith(("openedx", "moodle")) else "2.0.0"
                self.assert_accepted(copy.deepcopy(fixture["statements"]), version=version)
                self.assertEqual(
                    stored(Fact.objects.filter(source=self.source)),
                    normalized([expected(f) for f in fixture["facts"]]),
                )

    def test_replaying_everything_shuffled_and_duplicated_gives_the_same_facts(self) -> None:
        fixtures = load()
        in_order = [s for fixture in fixtures.values() for s in fixture["statements"]]
        self.assert_accepted(copy.deepcopy(in_order), version="1.0.3")
        reference = stored(Fact.objects.filter(source=self.source))
        self.assertEqual(
            reference, normalized([expected(f) for fx in fixtures.values() for f in fx["facts"]])
        )

        # A second organization and source receive the same statements in a scrambled order.
        org = Organization.objects.create(slug="replay", name_en="Replay")
        source, lines = create_source(Actor(user=self.owner, via="web"), org, "xapi", "Replay")
        auth = basic(lines["username"], lines["password"])
        rng = random.Random(20250310)
        scrambled = copy.deepcopy(in_order) * 3
        rng.shuffle(scrambled)
        while scrambled:
            size = rng.randint(1, 7)
            batch, scrambled = scrambled[:size], scrambled[size:]
            # A statement twice in one batch only when the sender gave no id (Moodle's re-sends).
            response = self.post(copy.deepcopy(batch), version="1.0.3", HTTP_AUTHORIZATION=auth)
            if response.status_code == 400 and "more than once" in json.loads(response.content)["detail"]:
                for one in batch:
                    response = self.post(copy.deepcopy(one), version="1.0.3", HTTP_AUTHORIZATION=auth)
                    self.assertEqual(response.status_code, 200, response.content)
                continue
            self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(stored(Fact.objects.filter(source=source)), reference)
