"""Every rule the language allows goes into the builder's form and comes back as the same rule.

Definitions are generated over the whole language (every clause with and without its
optional fields, groups nested to the limit, windows, flags), loaded into the builder page
over HTTP, read back from the page's HTML as a browser would post it, and turned into a
definition again.
"""

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laurel.rules import builder
from laurel.rules.definition import CLAUSES, MAX_DEPTH, parse
from tests.rules.form_fields import form_fields
from tests.rules.helpers import RulesTestCase

# Texts as staff write them: Latin, Hangul, digits, punctuation, inner spaces, IRIs.
WORD = st.text(alphabet="abcXYZ019가나다_-:/.#?&=<>\"' ", min_size=1, max_size=12).map(str.strip).filter(bool)
IRI = st.builds(lambda w: f"https://lms.example/mod/{w}?id=3&x=<1>", WORD)
TEXT = st.one_of(WORD, IRI)
PERCENT = st.one_of(st.integers(1, 100), st.floats(0.5, 100, allow_nan=False).map(lambda f: round(f, 2)))
FRACTION = st.one_of(st.sampled_from([0, 1]), st.floats(0, 1).map(lambda f: round(f, 3)))
DAY = st.integers(1, 28)


@st.composite
def windows(draw: Any) -> dict[str, Any]:
    start_day, length = draw(DAY), draw(st.integers(1, 60))
    start = f"2026-03-{start_day:02d}"
    end = f"2026-{3 + length // 28:02d}-{1 + length % 28:02d}"
    if end <= start:
        end = "2026-09-01"
    shape = draw(st.sampled_from(["start", "end", "both", "both+grace", "offset"]))
    if shape == "start":
        return {"start": start}
    if shape == "end":
        return {"end": end, **({"grace_days": draw(st.integers(0, 30))} if draw(st.booleans()) else {})}
    if shape == "offset":
        return {"start": f"{start}T09:00:00+09:00", "end": f"{end}T18:30:00+09:00"}
    grace = {"grace_days": draw(st.integers(0, 30))} if shape == "both+grace" else {}
    return {"start": start, "end": end, **grace}


def optional(draw: Any, body: dict[str, Any], key: str, strategy: Any) -> None:
    if draw(st.booleans()):
        body[key] = draw(strategy)


@st.composite
def clauses(draw: Any) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(CLAUSES)))
    body: dict[str, Any] = {}
    items = st.lists(TEXT, min_size=1, max_size=4, unique=True)
    if kind == "attendance":
        body = {"course": draw(TEXT), "sessions": draw(st.integers(1, 40)), "min_percent": draw(PERCENT)}
        optional(draw, body, "late_weight", FRACTION)
    elif kind == "submissions":
        body = {"items": draw(items)}
        optional(draw, body, "course", TEXT)
        if draw(st.booleans()):
            body["on_time"] = True
    elif kind == "score":
        body = {"course": draw(TEXT), "min_percent": draw(PERCENT)}
        optional(draw, body, "item", TEXT)
    elif kind == "quiz":
        body = {"item": draw(TEXT)}
        optional(draw, body, "course", TEXT)
        optional(draw, body, "min_percent", PERCENT)
    elif kind == "missions":
        named = draw(st.one_of(st.just([]), items))
        body = {"count": draw(st.integers(1, len(named) or 9))}
        if named:
            body["items"] = named
        optional(draw, body, "course", TEXT)
    elif kind in ("completion",):
        body = {"course": draw(TEXT)}
    elif kind == "badges":
        body = {"achievements": draw(st.lists(st.uuids().map(str), min_size=1, max_size=3, unique=True))}
    else:
        body = {"item": draw(TEXT)}
        optional(draw, body, "course", TEXT)
    optional(draw, body, "window", windows())
    return {kind: body}


def nodes(depth: int = 0) -> Any:
    if depth >= MAX_DEPTH - 1:
        return clauses()
    parts = st.lists(st.deferred(lambda: nodes(depth + 1)), min_size=1, max_size=3)

    @st.composite
    def group(draw: Any) -> dict[str, Any]:
        kind = draw(st.sampled_from(["all", "any", "n_of"]))
        of = draw(parts)
        if kind == "n_of":
            return {"n_of": {"n": draw(st.integers(1, len(of))), "of": of}}
        return {kind: of}

    return st.one_of(clauses(), clauses(), group())


@st.composite
def definitions(draw: Any) -> dict[str, Any]:
    definition: dict[str, Any] = {"criteria": draw(nodes())}
    optional(draw, definition, "window", windows())
    for flag in ("evidence_required", "mentor_approval"):
        if draw(st.booleans()):
            definition[flag] = True
    return definition


class BuilderRoundTripTests(RulesTestCase):
    def setUp(self) -> None:
        self.login(self.teammate)
        self.url = f"/orgs/{self.org.slug}/rules/{self.badge.public_id}/build/"

    def through_the_form(self, definition: dict[str, Any]) -> dict[str, Any]:
        loaded = self.client.post(self.url, {"node": "", "op": "load_json", "json": json.dumps(definition)})
        self.assertEqual(loaded.status_code, 200, loaded.content.decode()[-3000:])
        posted = form_fields(loaded.content.decode(), "rule-builder")
        return builder.to_definition(builder.from_post(posted))[0]

    def test_every_shape_of_rule_comes_back_from_the_form_unchanged(self) -> None:
        # Loading writes nothing, so the examples can share the test's transaction.
        @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(definitions())
        def check(definition: dict[str, Any]) -> None:
            parse(definition)  # the generator writes only rules the language allows
            self.assertEqual(self.through_the_form(definition), definition)

        check()

    def test_a_rule_written_otherwise_comes_back_as_the_same_criteria(self) -> None:
        # Numbers as text, false flags and empty optional texts spelled out: the builder
        # writes its own form of it, which reads to the same criteria.
        written = {
            "criteria": {
                "any": [
                    {"score": {"course": "CS101", "item": "", "min_percent": "70.5"}},
                    {"submissions": {"items": [" A1 ", "A2"], "on_time": False, "course": ""}},
                    {"attendance": {"course": "C", "sessions": 3, "min_percent": 60, "late_weight": "0.5"}},
                ]
            },
            "evidence_required": False,
        }
        back = self.through_the_form(written)
        self.assertEqual(parse(back), parse(written))
        self.assertEqual(back["criteria"]["any"][0], {"score": {"course": "CS101", "min_percent": 70.5}})
