"""The C-encoder fast path of ``laurel.vc.jcs`` writes the same bytes as the general writer, or declines.

The general writer (``_exact_form``) is the reference: it follows RFC 8785 character by
character and is checked against the RFC's examples and ECMAScript in ``test_jcs.py``.
Here the fast path is compared with it on generated JSON that includes every case where
Python's ``json`` and RFC 8785 disagree, against the RFC's own examples, and against the
``canonicalize`` npm package (RFC 8785's JavaScript reference) when Node has it installed.
"""

import collections
import json
import shutil
import subprocess
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laurel.vc import jsonvalue, ob3
from laurel.vc.jcs import MAX_SAFE_INTEGER, canonicalize, copy_and_canonicalize
from laurel.vc.jcs import _exact_form as exact_form
from laurel.vc.jcs import _fast_form as fast_form

CANONICALIZE_JS = Path(__file__).resolve().parents[1] / "interop" / "node_modules" / "canonicalize"

# Characters where JSON writers differ: every control character, the two that are always
# escaped, '/' and U+007F (escaped by some writers, not by JCS), the line separators
# ECMAScript once treated specially, both ends of the private-use and BMP ranges, the
# characters of the RFC's sorting example, and characters above U+FFFF.
EDGE_CHARS = [chr(code) for code in range(0x20)] + [
    '"', "\\", "/", "\x7f", "\x80", "\u00f6", "\u2028", "\u2029", "\u20ac", "\ud7ff", "\ue000",
    "\ufb33", "\uffff", "\U00010000", "\U0001f600", "\U0010ffff", "한", "a", "1", "A", "_",
]  # fmt: skip
LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d", "\ude00"]

BMP_CHARS = st.characters(codec="utf-8", max_codepoint=0xFFFF)  # no lone surrogates
UNICODE_CHARS = st.characters(codec="utf-8")
ANY_CHARS = st.characters(exclude_categories=())  # lone surrogates included


def texts(chars: st.SearchStrategy[str], edges: list[str]) -> st.SearchStrategy[str]:
    return st.text(st.one_of(st.sampled_from(edges), chars), max_size=10)


# Member names without characters above U+FFFF: the fast path must take every such document.
BMP_NAMES = texts(BMP_CHARS, [char for char in EDGE_CHARS if char <= "\uffff"])
TEXT = texts(UNICODE_CHARS, EDGE_CHARS)
SAFE_INTEGERS = st.one_of(
    st.integers(-1000, 1000),
    st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER),
    st.sampled_from([0, -0, MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER - 1]),
)
PLAIN_LEAVES = st.one_of(st.none(), st.booleans(), SAFE_INTEGERS, TEXT)


def trees(leaves: st.SearchStrategy[Any], names: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=5),
            st.lists(children, max_size=5).map(tuple),
            st.dictionaries(names, children, max_size=6),
        ),
        max_leaves=40,
    )


PLAIN_JSON = trees(PLAIN_LEAVES, BMP_NAMES)


class Count(int):
    """An int whose ``str`` is not its value."""

    def __str__(self) -> str:
        return "many"


class Name(str):
    """A str that sorts backwards."""

    def __lt__(self, other: object) -> bool:
        return str.__gt__(self, other)  # type: ignore[operator]


class Record(dict):  # type: ignore[type-arg]
    """A dict that hides its last member when asked for its items."""

    def items(self) -> Any:
        return list(dict.items(self))[:-1]


class Items(list):  # type: ignore[type-arg]
    """A list that iterates backwards."""

    def __iter__(self) -> Any:
        return reversed(list(super().__iter__()))


class Shout(str):
    """A str whose characters, one by one, are upper case."""

    __slots__ = ()

    def __iter__(self) -> Any:
        return iter(self.upper())


def _odd_containers(
    children: st.SearchStrategy[Any], names: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    dicts = st.dictionaries(names, children, max_size=4)
    return st.one_of(
        dicts.map(Record),
        dicts.map(collections.OrderedDict),
        dicts.map(types.MappingProxyType),
        st.lists(children, max_size=4).map(Items),
    )


# Everything else a caller might pass: floats (JCS formats them as ECMAScript does),
# integers beyond 2**53, lone surrogates, names above U+FFFF, non-string names that
# ``json`` would quietly turn into strings, subclasses and other mappings and sequences.
AWKWARD_LEAVES = st.one_of(
    PLAIN_LEAVES,
    st.floats(),
    st.sampled_from([1.0, -0.0, 0.5, 1e21, 1e-7, 2.0**53, 2.0**60, 5e-324]),
    st.integers(),
    st.sampled_from([MAX_SAFE_INTEGER + 1, -MAX_SAFE_INTEGER - 1, 2**60, 2**70, 10**400]),
    texts(ANY_CHARS, EDGE_CHARS + LONE_SURROGATES),
    st.integers(-5, 5).map(Count),
    TEXT.map(Name),
    TEXT.map(Shout),
    st.just(b"bytes"),
)
AWKWARD_NAMES = st.one_of(
    texts(ANY_CHARS, EDGE_CHARS + LONE_SURROGATES),
    TEXT.map(Name),
    st.integers(-3, 3),
    st.booleans(),
    st.none(),
    st.sampled_from([1.5, -0.0]),
)
AWKWARD_JSON = st.recursive(
    AWKWARD_LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(st.one_of(TEXT, AWKWARD_NAMES), children, max_size=5),
        _odd_containers(children, TEXT),
    ),
    max_leaves=30,
)


def outcome(write: Any, value: Any) -> tuple[str, Any]:
    """The bytes written, or the kind and message of the error raised."""
    try:
        return "bytes", write(value)
    except Exception as error:  # the comparison is the point
        return type(error).__name__, str(error)


@settings(max_examples=500, deadline=None, database=None)
@given(PLAIN_JSON)
def test_the_fast_path_writes_plain_json_exactly_as_the_general_writer(value: Any) -> None:
    # Comparing with a bytes value also asserts that the fast path did not decline.
    assert fast_form(value) == exact_form(value)


def member_names(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(name for item in value.values() for name in member_names(item))]
    if isinstance(value, list | tuple):
        return [name for item in value for name in member_names(item)]
    return []


@settings(max_examples=200, deadline=None, database=None)
@given(trees(PLAIN_LEAVES, TEXT))
def test_names_above_the_bmp_send_a_document_to_the_general_writer(value: Any) -> None:
    astral = any(ord(char) > 0xFFFF for name in member_names(value) for char in name)
    assert fast_form(value) == (None if astral else exact_form(value))
    assert canonicalize(value) == exact_form(value)


@settings(max_examples=500, deadline=None, database=None)
@given(AWKWARD_JSON)
def test_canonicalize_gives_the_general_writers_bytes_or_error_for_any_input(value: Any) -> None:
    fast = fast_form(value)
    if fast is not None:
        assert fast == exact_form(value)
    assert outcome(canonicalize, value) == outcome(exact_form, value)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


@pytest.mark.parametrize(
    "value",
    [
        [1.0],  # JCS: 1
        [1e20],  # JCS: 100000000000000000000
        [1e-7],  # JCS: 1e-7
        [2**70],  # JCS: 1.1805916207174113e+21
        {"\U0001f600": 1, "\ufb33": 2},  # JCS puts the emoji (0xD83D...) first
        {1: "one", "2": "two"},
        {True: "yes"},
        {None: "nothing"},
        [Count(3)],
        {Name("a"): 1, Name("b"): 2},
        Record({"a": 1, "b": 2}),
        [Shout("quiet")],
    ],
    ids=repr,
)
def test_the_fast_path_declines_every_shape_json_writes_differently(value: Any) -> None:
    assert fast_form(value) is None
    # Each of these would really come out wrong from json, or json writes where JCS refuses.
    assert outcome(_dumps, value) != outcome(exact_form, value)


@pytest.mark.parametrize("value", [["\ud800"], {"\udfff": 1}, "\ud83d\ude00 as two code points"])
def test_lone_surrogates_are_refused_on_either_path(value: Any) -> None:
    assert fast_form(value) is None
    assert outcome(canonicalize, value)[0] == "CanonicalizationError"


@pytest.mark.parametrize(
    "value", [[2**53], [-(2**53)], [9007199254740991], (1, "tuple"), "top", 7, None, True]
)
def test_the_fast_path_takes_safe_integers_tuples_and_bare_values(value: Any) -> None:
    assert fast_form(value) == exact_form(value)


def test_the_fast_path_writes_the_rfc_string_example() -> None:
    # RFC 8785 section 3.2.3, the "string" member of the input and its canonical form.
    source = (
        '{"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = '{"literals":[null,true,false],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    assert fast_form(json.loads(source)) == expected.encode("utf-8")


def test_the_fast_path_sorts_the_rfc_example_names_within_the_bmp() -> None:
    # RFC 8785 section 3.2.3's sorting example without its one name above U+FFFF.
    source = (
        '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh",'
        ' "1": "One", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}'
    )
    fast = fast_form(json.loads(source))
    assert fast is not None
    names = list(json.loads(fast))
    assert names == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\ufb33"]


def test_the_rfc_sorting_example_with_its_emoji_name_takes_the_general_writer() -> None:
    value = {"\u20ac": "Euro Sign", "\U0001f600": "Emoji: Grinning Face", "\ufb33": "Dalet"}
    assert fast_form(value) is None
    assert list(json.loads(canonicalize(value))) == ["\u20ac", "\U0001f600", "\ufb33"]


def test_emoji_in_values_keep_the_fast_path() -> None:
    value = {"name": "파이썬 기초 \U0001f40d", "b": ["\U0010ffff"]}
    assert fast_form(value) == exact_form(value)


def test_deep_nesting_gives_the_same_result_on_both_paths() -> None:
    value: Any = "leaf"
    for depth in range(400):
        value = [value] if depth % 2 else {"n": value}
    assert fast_form(value) == exact_form(value)


def _credential(language: str, serial: int) -> dict[str, Any]:
    korean = language == "ko"
    issued = datetime(2025, 3, 1, 9, 0, tzinfo=UTC) + timedelta(days=serial)
    return ob3.build_credential(
        credential_id=f"urn:uuid:6f1c1a52-0000-4000-8000-{serial:012d}",
        issuer=ob3.IssuerProfile(
            id="https://badges.example.kr/issuers/1", name="한빛 대학교" if korean else "Hanbit University"
        ),
        achievement=ob3.AchievementInfo(
            id="https://badges.example.kr/achievements/7",
            name="웹 접근성" if korean else "Web Accessibility",
            description="과정을 이수했습니다." if korean else "Completed the course.",
            criteria=ob3.Criteria(narrative="과제 3개 제출" if korean else "Submit 3 assignments"),
            in_language=language,
        ),
        recipient=ob3.Recipient(email=f"learner{serial}@example.kr", salt="a1b2c3", name="김민준 😀"),
        name="웹 접근성" if korean else "Web Accessibility",
        valid_from=issued,
        valid_until=issued + timedelta(days=365),
    )


@pytest.mark.parametrize("language", ["ko", "en"])
def test_open_badges_credentials_take_the_fast_path(language: str) -> None:
    credential = _credential(language, 1)
    assert fast_form(credential) == exact_form(credential)


def _node_canonicalize(values: list[Any]) -> list[bytes]:
    script = (
        f"const canonicalize = require({json.dumps(str(CANONICALIZE_JS))});"
        "const values = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(values.map(canonicalize)));"
    )
    result = subprocess.run(
        ["node", "-e", script], input=json.dumps(values), capture_output=True, text=True, check=True
    )
    return [text.encode("utf-8") for text in json.loads(result.stdout)]


@pytest.mark.skipif(
    shutil.which("node") is None or not CANONICALIZE_JS.is_dir(),
    reason="node or the canonicalize npm package (tests/interop) is not installed",
)
@settings(max_examples=5, deadline=None, database=None)
@given(st.lists(trees(PLAIN_LEAVES, TEXT), min_size=40, max_size=40))
def test_the_fast_path_agrees_with_the_rfc_reference_implementation(values: list[Any]) -> None:
    assert [canonicalize(value) for value in values] == _node_canonicalize(values)


def _copy_outcome(value: Any) -> tuple[str, Any]:
    try:
        copied, data = copy_and_canonicalize(value)
    except Exception as error:  # the comparison is the point
        return type(error).__name__, str(error)
    return "copy", (type(copied), copied, data)


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.one_of(
        st.dictionaries(BMP_NAMES, PLAIN_JSON, max_size=6), st.dictionaries(TEXT, AWKWARD_JSON, max_size=5)
    )
)
def test_copying_while_canonicalizing_gives_a_copy_and_the_general_writers_bytes(
    value: dict[str, Any],
) -> None:
    # The bytes are the general writer's and the copy jsonvalue's, or the error the first raises.
    expected = outcome(exact_form, value)
    if expected[0] == "bytes":
        expected = outcome(lambda value: (dict, jsonvalue.copy(value), expected[1]), value)
        if expected[0] == "bytes":
            expected = ("copy", expected[1])
    assert _copy_outcome(value) == expected


def test_the_copy_made_while_canonicalizing_shares_no_container_with_the_original() -> None:
    value = {"a": [{"b": ["c"]}], "d": {"e": {}}}
    copied, data = copy_and_canonicalize(value)
    assert data == b'{"a":[{"b":["c"]}],"d":{"e":{}}}'
    assert copied == value
    assert copied["a"] is not value["a"] and copied["a"][0] is not value["a"][0]
    assert copied["d"]["e"] is not value["d"]["e"]
