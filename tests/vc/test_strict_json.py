import pytest

from laurel.vc import strict_json


def test_it_parses_plain_json() -> None:
    assert strict_json.loads('{"a": [1, 2.5, "한"]}') == {"a": [1, 2.5, "한"]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1, "a": 2}', "duplicate JSON key 'a'"),
        ('{"a": NaN}', "constant NaN"),
        ("[Infinity]", "constant Infinity"),
        ('{"a": ', "is not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "is not valid JSON"),
    ],
    ids=["duplicate", "nan", "infinity", "truncated", "deep"],
)
def test_it_refuses_what_is_not_strict_json(text: str, message: str) -> None:
    with pytest.raises(strict_json.StrictJsonError, match=message):
        strict_json.loads(text)
