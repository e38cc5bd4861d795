import copy
import json
import socket
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

from laurel.vc import baking
from laurel.vc.keys import KeyPair
from laurel.vc.verify import Report, verify
from tests.vc.test_verify import NOW, RecordingFetcher, did_key_signed, fetcher, png_image, status_setup

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Any attempt to resolve or connect is recorded and refused."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network access in a hostile-input test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield attempts
    assert attempts == []


def rejected(data: Any, recorder: RecordingFetcher | None = None) -> Report:
    recorder = recorder or fetcher()
    report = verify(data, now=NOW, fetcher=recorder)
    assert not report.valid
    assert recorder.requests == []
    assert all(check.message_en and check.message_ko for check in report.checks)
    return report


def input_reason(report: Report) -> str:
    check = report.check("input")
    assert check is not None and check.status == "fail"
    return check.message_en


def test_it_refuses_input_over_one_megabyte(no_sockets: list[Any]) -> None:
    signed = did_key_signed()
    signed["description"] = "x" * (1024 * 1024)
    assert "larger than" in input_reason(rejected(json.dumps(signed)))
    assert "larger than" in input_reason(rejected(json.dumps(signed).encode()))
    assert "larger than" in input_reason(rejected(signed))


@pytest.mark.parametrize("depth", [100, 100_000])
def test_it_refuses_deeply_nested_json_text(no_sockets: list[Any], depth: int) -> None:
    text = '{"a":' * depth + "1" + "}" * depth
    assert "nested" in input_reason(rejected(text))
    assert "nested" in input_reason(rejected("[" * depth + "]" * depth))


def test_it_refuses_a_deeply_nested_mapping(no_sockets: list[Any]) -> None:
    signed = did_key_signed()
    node: dict[str, Any] = {}
    signed["credentialSubject"]["deep"] = node
    for _ in range(5000):
        node["x"] = {}
        node = node["x"]
    assert "nested" in input_reason(rejected(signed))


def test_brackets_inside_strings_do_not_count_as_nesting(no_sockets: list[Any]) -> None:
    key = KeyPair.generate()
    signed = did_key_signed(key)
    signed["name"] = "[" * 500
    report = verify(json.dumps(signed), now=NOW, fetcher=fetcher())
    assert report.check("input").status == "pass"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        '{"a": NaN}',
        '{"a": Infinity}',
        '{"a": 1, "a": 2}',
        '{"a": ' + "9" * 5000 + "}",
        "[1, 2]",
        '{"unterminated": ',
        "\xff\xfe",
        "",
        "hello",
    ],
    ids=["nan", "infinity", "duplicate", "huge-int", "array", "truncated", "binary", "empty", "word"],
)
def test_it_refuses_malformed_json(no_sockets: list[Any], text: str) -> None:
    input_reason(rejected(text))
    input_reason(rejected(text.encode("utf-8", "surrogateescape")))


def test_it_refuses_nan_and_foreign_objects_in_a_mapping(no_sockets: list[Any]) -> None:
    input_reason(rejected({"a": float("nan")}))
    input_reason(rejected({"a": object()}))
    input_reason(rejected({1: "a"}))


def test_it_never_fetches_a_remote_context(no_sockets: list[Any]) -> None:
    signed = did_key_signed()
    signed["@context"] = [*signed["@context"], "https://attacker.example/context.jsonld"]
    report = rejected(signed)
    assert report.check("jsonld").details["reason"] == "unknown context"  # type: ignore[union-attr]


def test_a_malformed_credential_never_fetches_its_did_document(no_sockets: list[Any]) -> None:
    signed, documents = status_setup(set_bit=False)
    signed["@context"].append("https://attacker.example/context.jsonld")
    recorder = fetcher(documents)
    rejected(signed, recorder)


def itxt(keyword: bytes, text: bytes, compressed: bool) -> bytes:
    body = keyword + b"\0" + (b"\1\0" if compressed else b"\0\0") + b"\0\0" + text
    return struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body))


def test_it_refuses_a_png_decompression_bomb(no_sockets: list[Any]) -> None:
    bomb = zlib.compress(b"{" + b" " * (64 * 1024 * 1024), 9)
    image = png_image()
    baked = image[:33] + itxt(baking.PNG_KEYWORD, bomb, compressed=True) + image[33:]
    assert "PNG" in input_reason(rejected(baked))


@pytest.mark.parametrize(
    "svg",
    [
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "http://attacker.example/x">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><openbadges:credential',
    ],
    ids=["external-entity", "entity-expansion", "truncated"],
)
def test_it_refuses_hostile_svgs(no_sockets: list[Any], svg: bytes) -> None:
    assert "SVG" in input_reason(rejected(svg))


def test_it_refuses_truncated_and_garbled_jwts(no_sockets: list[Any]) -> None:
    from laurel.vc.jwt import sign_vc_jwt
    from tests.vc.test_verify import credential

    key = KeyPair.generate()
    token = sign_vc_jwt(
        credential(key.public_key.did_key()), key, kid=key.public_key.verification_method_id()
    )
    header, payload, signature = token.split(".")
    for broken in (token[: len(token) // 2], f"{header}.{payload}", f"{header}.{payload}.", token + "!"):
        input_reason(rejected(broken))
    assert rejected(f"{header}.{payload}.{signature[:-4]}AAAA").check("proof").status == "fail"  # type: ignore[union-attr]


WRONG_VALUES: list[Any] = [None, 5, -1.5, True, "", "x", [], [None], {}, {"id": 5}, [[[]]]]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        yield (*prefix, key)
        yield from _paths(value, (*prefix, key))


def _replace(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def test_wrong_typed_fields_anywhere_fail_without_crashing(no_sockets: list[Any]) -> None:
    signed, documents = status_setup(set_bit=False)
    recorder = fetcher(documents)
    for path in _paths(signed):
        for value in WRONG_VALUES:
            mutated = _replace(signed, path, value)
            if mutated == signed:
                continue
            report = verify(mutated, now=NOW, fetcher=recorder)
            assert not report.valid, (path, value)
    # Only the issuer's own DID document may be fetched, while checking signatures.
    assert set(recorder.requests) <= {"https://issuer.example/.well-known/did.json"}
