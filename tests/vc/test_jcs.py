import json
import math
import shutil
import struct
import subprocess

import pytest

from laurel.vc.jcs import CanonicalizationError, canonicalize, serialize_number


def _double(bits: int) -> float:
    return struct.unpack(">d", bits.to_bytes(8, "big"))[0]


# RFC 8785 section 3.2.2.3 / Appendix B: IEEE 754 bit patterns and their JCS serialization.
RFC_NUMBERS = [
    (0x0000000000000000, "0"),
    (0x8000000000000000, "0"),
    (0x0000000000000001, "5e-324"),
    (0x8000000000000001, "-5e-324"),
    (0x7FEFFFFFFFFFFFFF, "1.7976931348623157e+308"),
    (0xFFEFFFFFFFFFFFFF, "-1.7976931348623157e+308"),
    (0x4340000000000000, "9007199254740992"),
    (0xC340000000000000, "-9007199254740992"),
    (0x4430000000000000, "295147905179352830000"),
    (0x44B52D02C7E14AF5, "9.999999999999997e+22"),
    (0x44B52D02C7E14AF6, "1e+23"),
    (0x44B52D02C7E14AF7, "1.0000000000000001e+23"),
    (0x444B1AE4D6E2EF4E, "999999999999999700000"),
    (0x444B1AE4D6E2EF4F, "999999999999999900000"),
    (0x444B1AE4D6E2EF50, "1e+21"),
    (0x3EB0C6F7A0B5ED8C, "9.999999999999997e-7"),
    (0x3EB0C6F7A0B5ED8D, "0.000001"),
    (0x41B3DE4355555553, "333333333.3333332"),
    (0x41B3DE4355555554, "333333333.33333325"),
    (0x41B3DE4355555555, "333333333.3333333"),
    (0x41B3DE4355555556, "333333333.3333334"),
    (0x41B3DE4355555557, "333333333.33333343"),
    (0xBECBF647612F3696, "-0.0000033333333333333333"),
    (0x43143FF3C1CB0959, "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "expected"), RFC_NUMBERS)
def test_it_serializes_the_rfc_number_examples(bits: int, expected: str) -> None:
    assert serialize_number(_double(bits)) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (-0.0, "0"),
        (123456789012345680000.0, "123456789012345680000"),
        (4.50, "4.5"),
        (2e-3, "0.002"),
        (1.5e300, "1.5e+300"),
        (0, "0"),
        (-42, "-42"),
        (2**53, "9007199254740992"),
        (2**60, "1152921504606847000"),  # as ECMAScript prints 2 ** 60
    ],
)
def test_it_formats_numbers_like_ecmascript(number: float, expected: str) -> None:
    assert serialize_number(number) == expected


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf, 2**53 + 1, 10**400])
def test_it_rejects_numbers_json_cannot_carry_exactly(number: float) -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize([number])


def test_it_canonicalizes_the_rfc_example() -> None:
    # RFC 8785 section 3.2.3 input and output.
    source = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonicalize(json.loads(source)) == expected.encode("utf-8")


def test_it_sorts_members_by_utf16_code_units() -> None:
    # RFC 8785 section 3.2.3 sorting example.
    source = (
        '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh",'
        ' "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control",'
        ' "\\u00f6": "Latin Small Letter O With Diaeresis"}'
    )
    result = canonicalize(json.loads(source)).decode("utf-8")
    order = [json.loads('"' + name + '"') for name in ["\\r", "1", "\\u0080", "\\u00f6", "\\u20ac"]]
    order += ["\U0001f600", "\ufb33"]  # the emoji's high surrogate 0xD83D sorts before 0xFB33
    assert list(json.loads(result)) == order
    assert result.startswith('{"\\r":"Carriage Return","1":"One","\u0080":"Control"')


def test_it_escapes_only_what_json_requires() -> None:
    assert (
        canonicalize('\u0001\u001f\t"\\/\u007f\u2028é') == '"\\u0001\\u001f\\t\\"\\\\/\u007f\u2028é"'.encode()
    )


def test_it_rejects_lone_surrogates_and_non_json_values() -> None:
    for value in ["\ud800", {1: "x"}, b"bytes", {"a": object()}]:
        with pytest.raises(CanonicalizationError):
            canonicalize(value)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_it_agrees_with_ecmascript_on_random_doubles() -> None:
    import random

    rng = random.Random(8785)
    values = [_double(rng.getrandbits(64)) for _ in range(5000)]
    values = [value for value in values if math.isfinite(value)]
    script = (
        "const a=JSON.parse(require('fs').readFileSync(0,'utf8'));"
        "process.stdout.write(JSON.stringify(a.map(x=>JSON.stringify(x))))"
    )
    result = subprocess.run(
        ["node", "-e", script], input=json.dumps(values), capture_output=True, text=True, check=True
    )
    assert [serialize_number(value) for value in values] == json.loads(result.stdout)
