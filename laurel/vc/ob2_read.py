"""Reading an Open Badges 2.0 assertion as a learner hands it over (OB 2.0 §Baking, §Verification).

An OB 2.0 badge arrives as one of:

- the URL of a hosted assertion (what OB 1.x and some 2.0 images bake);
- the assertion's JSON (a hosted assertion, or any copy of one);
- a compact JWS whose payload is the assertion (a signed badge);
- a PNG with an ``iTXt`` chunk of keyword ``openbadges`` holding any of the above;
- an SVG with an ``<openbadges:assertion>`` element (namespace ``http://openbadges.org``) whose
  ``verify`` attribute holds a JWS or URL, or whose content holds the JSON.

Reading checks only the form; nothing is fetched and no signature is checked here.
"""

from dataclasses import dataclass, field
from typing import Any, Literal

from laurel.vc import baking, multibase
from laurel.vc.verify_input import MAX_IMAGE_BYTES, MAX_INPUT_BYTES, InputError, parse_json_text

Ob2Format = Literal["url", "json", "jws", "png", "svg"]
Carrier = Literal["url", "json", "jws"]

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
_SVG_ASSERTION = f"{{{baking.OB2_NAMESPACE}}}assertion"


@dataclass(frozen=True)
class Ob2Input:
    """What was read: the outer format, and the URL, assertion JSON or JWS found inside it."""

    format: Ob2Format
    carrier: Carrier
    url: str | None = None
    assertion: dict[str, Any] = field(default_factory=dict)
    token: str | None = None
    header: dict[str, Any] = field(default_factory=dict)


def split_jws(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    """A compact JWS's header, payload (both JSON objects) and raw signature, unverified."""
    if len(token) > MAX_INPUT_BYTES or not baking.COMPACT_JWS.fullmatch(token):
        raise InputError("the JWS is not three base64url parts")
    header_part, payload_part, signature_part = token.split(".")
    try:
        header_text = multibase.decode_base64url(header_part).decode("utf-8")
        payload_text = multibase.decode_base64url(payload_part).decode("utf-8")
        signature = multibase.decode_base64url(signature_part)
    except (multibase.MultibaseError, UnicodeDecodeError) as error:
        raise InputError(f"the JWS cannot be decoded: {error}") from error
    return parse_json_text(header_text, "JWS header"), parse_json_text(payload_text, "JWS payload"), signature


def _read_text(text: str, outer: Ob2Format | None) -> Ob2Input:
    text = text.strip().removeprefix("\ufeff").strip()
    if text.startswith(("https://", "http://")) and not any(c.isspace() for c in text):
        return Ob2Input(outer or "url", "url", url=text)
    if text.startswith("{"):
        return Ob2Input(outer or "json", "json", assertion=parse_json_text(text, "assertion"))
    if baking.COMPACT_JWS.fullmatch(text):
        header, payload, _signature = split_jws(text)
        return Ob2Input(outer or "jws", "jws", assertion=payload, token=text, header=header)
    raise InputError("the input is not an assertion URL, JSON, a compact JWS, a PNG or an SVG")


def _png_text(data: bytes) -> str:
    found = [c for c in baking._png_chunks(data) if c.keyword() == baking.PNG_OB2_KEYWORD]
    if not found:
        raise InputError("the PNG has no openbadges iTXt chunk")
    if len(found) > 1:
        raise InputError(f"the PNG has {len(found)} openbadges chunks, not one")
    if found[0].type != b"iTXt":
        raise InputError(f"the assertion is in a {found[0].type.decode()} chunk, not iTXt")
    return baking._itxt_text(found[0], MAX_INPUT_BYTES)


def _svg_text(data: bytes) -> str:
    found = list(baking._parse_svg(data).iter(_SVG_ASSERTION))
    if not found:
        raise InputError("the SVG has no <openbadges:assertion> element")
    if len(found) > 1:
        raise InputError(f"the SVG has {len(found)} <openbadges:assertion> elements, not one")
    verify = found[0].get("verify")
    content = (found[0].text or "").strip()
    if verify is not None and content and not content.startswith("{"):
        raise InputError("<openbadges:assertion> has a verify attribute and content that is not JSON")
    # A signed badge puts the JWS in verify; a hosted one may put its URL there beside the JSON.
    if verify is not None and (not content or baking.COMPACT_JWS.fullmatch(verify.strip())):
        return verify
    return content


def _read_image(data: bytes, kind: Literal["png", "svg"]) -> Ob2Input:
    if len(data) > MAX_IMAGE_BYTES:
        raise InputError(f"the image is larger than {MAX_IMAGE_BYTES} bytes")
    try:
        text = _png_text(data) if kind == "png" else _svg_text(data)
    except baking.BakingError as error:
        raise InputError(f"the {kind.upper()} image cannot be read: {error}") from error
    return _read_text(text, kind)


def read_ob2(data: bytes | str) -> Ob2Input:
    """Read an OB 2.0 assertion from a URL, JSON, a compact JWS or a baked PNG/SVG."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if data.startswith(baking.PNG_SIGNATURE):
        return _read_image(data, "png")
    if data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _read_image(data, "svg")
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"the input is larger than {MAX_INPUT_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError("the input is not UTF-8 text, a PNG or an SVG") from error
    return _read_text(text, None)


def is_ob2_document(document: Any) -> bool:
    """Whether a JSON object is an OB 2.0 assertion rather than a verifiable credential."""
    if not isinstance(document, dict):
        return False
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if any(isinstance(c, str) and c.rstrip("/").startswith(OB2_CONTEXT) for c in contexts):
        return True
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    return "Assertion" in types and "VerifiableCredential" not in types


def looks_like_ob2(data: bytes | str) -> bool:
    """Whether ``data`` holds an OB 2.0 badge (otherwise it may be OB 3.0 or nothing at all).

    A URL counts only inside an OB 2.0 image: a bare URL may point at either version.
    """
    try:
        read = read_ob2(data)
    except (InputError, RecursionError):
        return False
    if read.carrier == "url":
        return read.format in ("png", "svg")
    return is_ob2_document(read.assertion)
