"""The compact JSON writers are the standard library's ``json.dumps``, byte for byte, and the
JSON copy is a deep copy that shares nothing with its original."""

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laurel.vc import jsonvalue

TEXT = st.one_of(
    st.sampled_from(["한빛 대학교", "😀", 'say "hi"\\', "tab\t\n\r", "\x00\x1f\x7f", "/", "\u2028"]),
    st.text(st.characters(codec="utf-8"), max_size=12),
)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=30,
)


@given(VALUES, st.booleans(), st.booleans())
def test_the_writer_writes_what_json_dumps_writes(value: Any, ensure_ascii: bool, sort_keys: bool) -> None:
    write = jsonvalue.compact_writer(ensure_ascii=ensure_ascii, sort_keys=sort_keys)
    expected = json.dumps(
        value, ensure_ascii=ensure_ascii, sort_keys=sort_keys, separators=(",", ":"), allow_nan=False
    )
    assert write(value) == expected


@pytest.mark.parametrize("value", [float("nan"), [float("inf")], {"a": -float("inf")}])
def test_the_writer_refuses_what_json_refuses_without_nan(value: Any) -> None:
    with pytest.raises(ValueError):
        json.dumps(value, allow_nan=False)
    with pytest.raises(ValueError):
        jsonvalue.compact_writer(ensure_ascii=False, sort_keys=False)(value)


def test_the_writer_refuses_values_json_cannot_write() -> None:
    write = jsonvalue.compact_writer(ensure_ascii=False, sort_keys=False)
    with pytest.raises(TypeError):
        write({"when": object()})
    with pytest.raises(TypeError):
        write({(1, 2): "a tuple as a name"})


def test_a_value_that_contains_itself_raises_recursion_error() -> None:
    looped: list[Any] = []
    looped.append(looped)
    with pytest.raises(RecursionError):
        jsonvalue.compact_writer(ensure_ascii=False, sort_keys=True)(looped)


def _containers(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [id(value), *(found for item in value.values() for found in _containers(item))]
    if isinstance(value, list):
        return [id(value), *(found for item in value for found in _containers(item))]
    return []


@given(VALUES)
def test_the_copy_equals_a_deep_copy_and_shares_no_container(value: Any) -> None:
    copied = jsonvalue.copy(value)
    assert copied == copy.deepcopy(value)
    assert not set(_containers(copied)) & set(_containers(value))
