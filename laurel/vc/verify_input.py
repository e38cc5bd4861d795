"""Reading what a verifier is handed: JSON, a compact VC-JWT, or a baked PNG or SVG.

Input comes from strangers, so it is bounded before anything recursive touches it: a size
limit, a nesting-depth limit checked on the raw text before ``json`` parses it, strict JSON
(no duplicate keys, no NaN or Infinity) and only plain JSON types in a caller's mapping.
"""

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from laurel.vc import baking, multibase, strict_json
from laurel.vc.jwt import REGISTERED_CLAIMS, JwtError, decode_vc_jwt

InputFormat = Literal["json", "jwt", "png", "svg"]

MAX_INPUT_BYTES = 1024 * 1024
# Images carry pixels beside the credential; the credential inside stays under MAX_INPUT_BYTES.
MAX_IMAGE_BYTES = baking.MAX_BYTES
# Real credentials nest under a dozen levels (a CLR nests credentials); far deeper is an
# attack on the recursive JSON-LD and canonicalization code that follows.
MAX_DEPTH = 32
MAX_NODES = 100_000

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class InputError(ValueError):
    """The input cannot be read as a credential; the message says why."""


@dataclass(frozen=True)
class ParsedInput:
    """A credential as read: its format, the credential JSON and, for a VC-JWT, the token parts."""

    format: InputFormat
    credential: dict[str, Any]
    token: str | None = None
    header: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON text nested deeper than ``limit``, without parsing it."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = 0
    for char in brackets:
        depth += 1 if char in "[{" else -1
        if depth > limit:
            raise InputError(f"the JSON is nested more than {limit} levels deep")


def parse_json_text(text: str, what: str = "input") -> dict[str, Any]:
    """Parse strict JSON text that must be an object, within the depth limit; errors name ``what``."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_INPUT_BYTES:
        raise InputError(f"the {what} is larger than {MAX_INPUT_BYTES} bytes")
    check_depth(text)
    try:
        value = strict_json.loads(text)
    except strict_json.StrictJsonError as error:
        raise InputError(f"the {what} {error}") from error
    if not isinstance(value, dict):
        raise InputError(
            "the JSON is not an object" if what == "input" else f"the {what} is not a JSON object"
        )
    return value


class _Unusual(Exception):
    """Something :func:`_exact_copy` leaves to the general copy, which names any problem."""


def _exact_copy(value: dict[str, Any] | list[Any], depth: int, nodes: list[int]) -> Any:
    """The copy :func:`plain_json` makes, for trees of exact JSON types within the limits only.

    Dicts with string keys, lists, strings, integers, booleans, None and finite floats, and
    nothing else (no subclass, tuple or other mapping: the general copy takes those, and names
    any problem); ``nodes`` counts the values met so far.
    """
    if depth > MAX_DEPTH:
        raise _Unusual
    nodes[0] += len(value)
    if nodes[0] > MAX_NODES:
        raise _Unusual
    if type(value) is dict:
        copied: dict[str, Any] = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            copied[key] = _exact_item(item, depth, nodes)
        return copied
    return [_exact_item(item, depth, nodes) for item in value]


def _exact_item(item: Any, depth: int, nodes: list[int]) -> Any:
    kind = type(item)
    if kind is str or kind is int or kind is bool or item is None:
        return item
    if kind is dict or kind is list:
        return _exact_copy(item, depth + 1, nodes)
    if kind is float and math.isfinite(item):
        return item
    raise _Unusual


def plain_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of a caller's mapping, refusing anything JSON cannot say or too deep a tree."""
    if type(data) is dict:
        try:  # the common case, a tree of plain dicts, lists and scalars, in one recursive pass
            return _exact_copy(data, 1, [0])  # type: ignore[no-any-return]
        except _Unusual:
            pass
    nodes = 0
    root: dict[str, Any] = {}
    stack: list[tuple[Any, Any, int]] = [(data, root, 1)]
    while stack:
        source, target, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(f"the credential is nested more than {MAX_DEPTH} levels deep")
        items = source.items() if isinstance(source, Mapping) else enumerate(source)
        for key, value in items:
            nodes += 1
            if nodes > MAX_NODES:
                raise InputError(f"the credential has more than {MAX_NODES} values")
            if isinstance(source, Mapping) and not isinstance(key, str):
                raise InputError(f"object keys must be strings, not {type(key).__name__}")
            copy = _copy_node(value)
            if isinstance(copy, dict | list):
                stack.append((value, copy, depth + 1))
            if isinstance(target, dict):
                target[key] = copy
            else:
                target.append(copy)
    return root


def _copy_node(value: Any) -> Any:
    """A fresh container for a mapping or list, or the scalar itself when JSON allows it."""
    if isinstance(value, Mapping):
        return {}
    if isinstance(value, list | tuple):
        return []
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError("NaN and Infinity are not JSON numbers")
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise InputError(f"a {type(value).__name__} is not a JSON value")


def read_jwt(token: str) -> ParsedInput:
    """Decode a compact VC-JWT (signature unchecked); the credential is the payload minus claims."""
    parts = token.split(".")
    if len(parts) == 3:
        try:
            check_depth(multibase.decode_base64url(parts[1]).decode("utf-8", "replace"))
        except multibase.MultibaseError as error:
            raise InputError(f"the JWT payload is not base64url: {error}") from error
    try:
        header, payload = decode_vc_jwt(token)
    except (JwtError, ValueError, RecursionError) as error:
        raise InputError(f"the JWT cannot be read: {error}") from error
    credential = {name: value for name, value in payload.items() if name not in REGISTERED_CLAIMS}
    return ParsedInput("jwt", credential, token, header, payload)


def _read_text(text: str, image: InputFormat | None = None) -> ParsedInput:
    text = text.strip().removeprefix("\ufeff").strip()
    if text.startswith(("{", "[")):
        parsed = ParsedInput("json", parse_json_text(text))
    elif baking.COMPACT_JWS.fullmatch(text):
        if len(text) > MAX_INPUT_BYTES:
            raise InputError(f"the input is larger than {MAX_INPUT_BYTES} bytes")
        parsed = read_jwt(text)
    elif text.count(".") == 2 and text.split(".", 1)[0].startswith("ey"):
        raise InputError("the JWT is truncated or contains characters base64url does not use")
    else:
        raise InputError("the input is not JSON, a compact JWT, a PNG or an SVG")
    if image is None:
        return parsed
    return ParsedInput(image, parsed.credential, parsed.token, parsed.header, parsed.payload)


def _read_image(data: bytes, kind: InputFormat) -> ParsedInput:
    try:
        baked = baking.extract(data, max_bytes=MAX_IMAGE_BYTES, max_payload_bytes=MAX_INPUT_BYTES)
    except baking.BakingError as error:
        raise InputError(f"the {kind.upper()} image cannot be read: {error}") from error
    return _read_text(baked.payload, kind)


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


def read_input(data: bytes | str | Mapping[str, Any]) -> ParsedInput:
    """Read a credential from JSON (text or mapping), a compact VC-JWT or a baked PNG/SVG."""
    if isinstance(data, Mapping):
        credential = plain_json(data)
        if len(json.dumps(credential, ensure_ascii=False).encode("utf-8", "surrogatepass")) > MAX_INPUT_BYTES:
            raise InputError(f"the input is larger than {MAX_INPUT_BYTES} bytes")
        return ParsedInput("json", credential)
    if isinstance(data, str):
        if data.lstrip().startswith("<"):
            return read_input(data.encode("utf-8", "surrogatepass"))
        if len(data) > MAX_INPUT_BYTES:
            raise InputError(f"the input is larger than {MAX_INPUT_BYTES} bytes")
        return _read_text(data)
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InputError(f"cannot read a credential from a {type(data).__name__}")
    data = bytes(data)
    if data.startswith(baking.PNG_SIGNATURE):
        return _read_image(data, "png")
    if _looks_like_svg(data):
        return _read_image(data, "svg")
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"the input is larger than {MAX_INPUT_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError("the input is not UTF-8 text, a PNG or an SVG") from error
    return _read_text(text)
