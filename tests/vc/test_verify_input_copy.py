"""The verifier's copy of a caller's mapping takes a one-pass route for plain JSON trees; it
gives what the general copy gives, the same credential or the same refusal, for any input."""

import collections.abc
import enum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laurel.vc.verify_input import MAX_DEPTH, MAX_NODES, InputError, plain_json


class Wrapped(collections.abc.Mapping[str, Any]):
    """A mapping that is not a dict, so ``plain_json`` takes its general copy for it."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __iter__(self) -> Any:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


class Colour(enum.IntEnum):
    RED = 1


class Text(str):
    pass


def outcome(data: Any) -> Any:
    try:
        return ("copied", plain_json(data))
    except InputError as error:
        return ("refused", str(error))


LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and the infinities included: both copies must refuse them
    st.text(max_size=6),
    st.sampled_from([Colour.RED, Text("sub"), (1, "a"), b"bytes", object()]),
)
TREES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=4), st.sampled_from([1, None])), inner, max_size=4),
    ),
    max_leaves=25,
)


@given(st.dictionaries(st.text(max_size=4), TREES, max_size=5))
def test_the_one_pass_copy_gives_what_the_general_copy_gives(data: dict[str, Any]) -> None:
    assert repr(outcome(data)) == repr(outcome(Wrapped(data)))


def test_a_credential_copy_is_equal_and_shares_no_container() -> None:
    credential = {"@context": ["a", "b"], "credentialSubject": {"achievement": {"name": "파이썬"}}, "n": 1.5}
    copied = plain_json(credential)
    assert copied == credential
    assert copied["@context"] is not credential["@context"]
    assert copied["credentialSubject"]["achievement"] is not credential["credentialSubject"]["achievement"]


def _nested(levels: int) -> dict[str, Any]:
    data: dict[str, Any] = {"leaf": True}
    for _ in range(levels - 1):
        data = {"next": data}
    return data


@pytest.mark.parametrize("levels", [MAX_DEPTH, MAX_DEPTH + 1])
def test_both_copies_draw_the_depth_limit_at_the_same_level(levels: int) -> None:
    assert outcome(_nested(levels)) == outcome(Wrapped(_nested(levels)))
    assert outcome(_nested(levels))[0] == ("copied" if levels <= MAX_DEPTH else "refused")


@pytest.mark.parametrize("count", [MAX_NODES, MAX_NODES + 1])
def test_both_copies_draw_the_size_limit_at_the_same_count(count: int) -> None:
    data = {"values": list(range(count - 1))}
    assert outcome(data) == outcome(Wrapped(data))
    assert outcome(data)[0] == ("copied" if count <= MAX_NODES else "refused")
