"""Open Badges 3.0 baked badges (OB 3.0 §5.3): a credential carried inside its PNG or SVG image.

PNG: one ``iTXt`` chunk with keyword ``openbadgecredential`` whose text is the credential JSON
or its compact JWS. SVG: one ``<openbadges:credential>`` element (namespace
``https://purl.imsglobal.org/ob/v3p0``) right after the root start tag, holding the JSON in a
CDATA section or the compact JWS in its ``verify`` attribute.

Images come from strangers, so extraction is strict and bounded: a size limit on the file and
on the payload, CRC checks, at most one credential, bounded decompression, and XML parsed with
``defusedxml`` (no DTD, no entities, no external references).
"""

import json
import re
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _safe_fromstring

MAX_BYTES = 10 * 1024 * 1024
MAX_PAYLOAD_BYTES = 1024 * 1024

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
# Open Badges 2.0 baked its assertion under this keyword; a re-baked image must not carry both.
PNG_OB2_KEYWORD = b"openbadges"

OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_NAMESPACE = "http://openbadges.org"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"

PayloadKind = Literal["json", "jwt"]

# Compact JWS: three base64url segments (RFC 7515 §7.1); VC-JWT never uses a detached payload.
COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_TEXT_CHUNKS = (b"tEXt", b"zTXt", b"iTXt")
_UTF8_NAMES = {"utf-8", "utf8"}
# Characters XML 1.0 forbids (§2.2) that json.dumps leaves raw; only JSON strings can hold them.
_NOT_XML_CHAR = re.compile("[\ufffe\uffff]")


class BakingError(ValueError):
    """Base class: the image or the credential cannot be baked or extracted."""


class UnsupportedImageError(BakingError):
    """The file is neither a PNG nor a UTF-8 SVG."""


class MalformedImageError(BakingError):
    """The image is damaged: truncated, a bad CRC, broken chunk structure or XML."""


class UnsafeImageError(BakingError):
    """The SVG uses a DTD, entities or external references, which we never process."""


class TooLargeError(BakingError):
    """The file or the embedded payload is over the size limit."""


class CredentialNotFoundError(BakingError):
    """The image carries no Open Badges 3.0 credential."""


class DuplicateCredentialError(BakingError):
    """The image carries more than one credential, so which one counts is ambiguous."""


class InvalidPayloadError(BakingError):
    """The embedded or given payload is not a JSON object or a compact JWS."""


@dataclass(frozen=True)
class BakedCredential:
    """A credential found in an image: the text as embedded, and whether it is JSON or a JWT."""

    payload: str
    kind: PayloadKind

    @property
    def is_jwt(self) -> bool:
        return self.kind == "jwt"


def bake(image: bytes, credential: Mapping[str, Any] | str, **limits: int) -> bytes:
    """Bake ``credential`` into a PNG or SVG ``image``, chosen by the file's content."""
    if image.startswith(PNG_SIGNATURE):
        return bake_png(image, credential, **limits)
    return bake_svg(image, credential, **limits)


def extract(data: bytes, **limits: int) -> BakedCredential:
    """Extract the credential from a baked PNG or SVG, chosen by the file's content."""
    if data.startswith(PNG_SIGNATURE):
        return extract_png(data, **limits)
    return extract_svg(data, **limits)


# -- payloads ---------------------------------------------------------------------------------


def _payload_text(credential: Mapping[str, Any] | str, max_payload_bytes: int) -> tuple[str, PayloadKind]:
    """Serialize what we bake: compact JSON for a credential object, or a compact JWS as is."""
    kind: PayloadKind
    if isinstance(credential, str):
        if not COMPACT_JWS.fullmatch(credential):
            raise InvalidPayloadError("a string credential must be a compact JWS (header.payload.signature)")
        text, kind = credential, "jwt"
    else:
        try:
            text = json.dumps(credential, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise InvalidPayloadError(f"the credential is not serializable as JSON: {exc}") from exc
        kind = "json"
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise InvalidPayloadError("the credential contains text that is not valid Unicode") from exc
    if size > max_payload_bytes:
        raise TooLargeError(f"the credential is {size} bytes, over the {max_payload_bytes}-byte limit")
    return text, kind


def _classify(text: str, max_payload_bytes: int) -> BakedCredential:
    """Decide whether extracted text is a credential JSON object or a compact JWS."""
    text = text.strip()
    if len(text.encode("utf-8")) > max_payload_bytes:
        raise TooLargeError(f"the embedded credential is over the {max_payload_bytes}-byte limit")
    if COMPACT_JWS.fullmatch(text):
        return BakedCredential(text, "jwt")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidPayloadError("the embedded credential is neither JSON nor a compact JWS") from exc
    if not isinstance(value, dict):
        raise InvalidPayloadError("the embedded credential JSON is not an object")
    return BakedCredential(text, "json")


def _check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise TooLargeError(f"the image is {len(data)} bytes, over the {max_bytes}-byte limit")


# -- PNG (PNG spec §5.3 chunk layout, §11.3.4.5 iTXt) --------------------------------------------


@dataclass(frozen=True)
class _Chunk:
    type: bytes
    data: bytes

    def keyword(self) -> bytes | None:
        """The keyword of a text chunk (everything before the first NUL), else None."""
        if self.type not in _TEXT_CHUNKS:
            return None
        return self.data.split(b"\0", 1)[0]


def _png_chunks(data: bytes) -> list[_Chunk]:
    """Split a PNG into its chunks up to IEND, checking structure and every CRC."""
    if not data.startswith(PNG_SIGNATURE):
        raise UnsupportedImageError("not a PNG file (bad signature)")
    chunks: list[_Chunk] = []
    pos = len(PNG_SIGNATURE)
    while True:
        if pos + 8 > len(data):
            raise MalformedImageError(f"truncated PNG: chunk header expected at byte {pos}")
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        if length > 0x7FFFFFFF or not ctype.isalpha() or not ctype.isascii():
            raise MalformedImageError(f"invalid PNG chunk header at byte {pos}")
        end = pos + 12 + length
        if end > len(data):
            raise MalformedImageError(f"truncated PNG: {ctype.decode('ascii')} chunk runs past the end")
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : end])
        if zlib.crc32(ctype + body) != crc:
            raise MalformedImageError(f"bad CRC in the {ctype.decode('ascii')} chunk at byte {pos}")
        if not chunks and ctype != b"IHDR":
            raise MalformedImageError("the first PNG chunk is not IHDR")
        chunks.append(_Chunk(ctype, body))
        pos = end
        if ctype == b"IEND":
            return chunks


def _chunk_bytes(chunk: _Chunk) -> bytes:
    crc = zlib.crc32(chunk.type + chunk.data)
    return struct.pack(">I", len(chunk.data)) + chunk.type + chunk.data + struct.pack(">I", crc)


def _itxt_text(chunk: _Chunk, max_payload_bytes: int) -> str:
    """Decode an iTXt chunk's text, inflating it within ``max_payload_bytes`` if compressed."""
    try:
        _keyword, rest = chunk.data.split(b"\0", 1)
        flag, method, rest = rest[0], rest[1], rest[2:]
        _language, _translated, text = rest.split(b"\0", 2)
    except (ValueError, IndexError) as exc:
        raise MalformedImageError("malformed iTXt chunk") from exc
    if flag == 1:
        if method != 0:
            raise InvalidPayloadError(f"unknown iTXt compression method {method}")
        text = _bounded_inflate(text, max_payload_bytes)
    elif flag != 0:
        raise MalformedImageError(f"invalid iTXt compression flag {flag}")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidPayloadError("the iTXt credential text is not valid UTF-8") from exc


def _bounded_inflate(compressed: bytes, limit: int) -> bytes:
    # Never ask zlib for more than limit + 1 bytes, so a decompression bomb costs nothing.
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(compressed, limit + 1)
    except zlib.error as exc:
        raise InvalidPayloadError(f"the compressed iTXt text is corrupt: {exc}") from exc
    if len(out) > limit or inflater.unconsumed_tail:
        raise TooLargeError(f"the compressed credential inflates past the {limit}-byte limit")
    if not inflater.eof:
        raise InvalidPayloadError("the compressed iTXt text is truncated")
    return out


def bake_png(
    image: bytes,
    credential: Mapping[str, Any] | str,
    *,
    max_bytes: int = MAX_BYTES,
    max_payload_bytes: int = MAX_PAYLOAD_BYTES,
) -> bytes:
    """Return ``image`` with ``credential`` in one uncompressed ``openbadgecredential`` iTXt chunk.

    A credential object is embedded as compact UTF-8 JSON, a string must be a compact JWS. Any
    earlier Open Badges chunk (3.0 or 2.0) is replaced, and the new one goes right after IHDR.
    """
    _check_size(image, max_bytes)
    text, _kind = _payload_text(credential, max_payload_bytes)
    chunks = _png_chunks(image)
    # Keyword, compression flag 0, method 0, empty language tag and translated keyword.
    itxt = _Chunk(b"iTXt", PNG_KEYWORD + b"\0\0\0" + b"\0" + b"\0" + text.encode("utf-8"))
    kept = [c for c in chunks[1:] if c.keyword() not in (PNG_KEYWORD, PNG_OB2_KEYWORD)]
    return PNG_SIGNATURE + b"".join(_chunk_bytes(c) for c in [chunks[0], itxt, *kept])


def extract_png(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_payload_bytes: int = MAX_PAYLOAD_BYTES
) -> BakedCredential:
    """Return the credential baked into a PNG, refusing damaged, ambiguous or oversized files."""
    _check_size(data, max_bytes)
    found = [c for c in _png_chunks(data) if c.keyword() == PNG_KEYWORD]
    if not found:
        raise CredentialNotFoundError("the PNG has no openbadgecredential chunk")
    if len(found) > 1:
        raise DuplicateCredentialError(f"the PNG has {len(found)} openbadgecredential chunks, not one")
    if found[0].type != b"iTXt":
        raise InvalidPayloadError(f"the credential is in a {found[0].type.decode()} chunk, not iTXt")
    return _classify(_itxt_text(found[0], max_payload_bytes), max_payload_bytes)


# -- SVG --------------------------------------------------------------------------------------


def _parse_svg(data: bytes) -> Element:
    """Parse an SVG safely; the root must be an <svg> element."""
    try:
        root: Element = _safe_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeImageError(f"the SVG uses a forbidden XML feature: {exc}") from exc
    except ParseError as exc:
        raise MalformedImageError(f"the SVG is not well-formed XML: {exc}") from exc
    if root.tag not in (f"{{{SVG_NAMESPACE}}}svg", "svg"):
        raise UnsupportedImageError("not an SVG image: the root element is not <svg>")
    return root


def extract_svg(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_payload_bytes: int = MAX_PAYLOAD_BYTES
) -> BakedCredential:
    """Return the credential baked into an SVG's ``<openbadges:credential>`` element."""
    _check_size(data, max_bytes)
    found = list(_parse_svg(data).iter(f"{{{OB3_NAMESPACE}}}credential"))
    if not found:
        raise CredentialNotFoundError("the SVG has no <openbadges:credential> element")
    if len(found) > 1:
        raise DuplicateCredentialError(f"the SVG has {len(found)} <openbadges:credential> elements, not one")
    element = found[0]
    if len(element):
        raise InvalidPayloadError("<openbadges:credential> must not contain child elements")
    content = (element.text or "").strip()
    verify = element.get("verify")
    if verify is not None and content:
        raise InvalidPayloadError("<openbadges:credential> has both a verify attribute and content")
    credential = _classify(verify if verify is not None else content, max_payload_bytes)
    if verify is not None and not credential.is_jwt:
        raise InvalidPayloadError("the verify attribute must hold a compact JWS")
    return credential


@dataclass
class _SvgLayout:
    """Byte positions in an SVG that baking needs, found with expat."""

    root_start: int = -1
    root_tag_end: int = -1
    root_self_closing: bool = False
    root_ob_namespace: str | None = None
    encoding: str | None = None
    remove: list[tuple[int, int]] | None = None


def _start_tag_end(data: bytes, start: int) -> tuple[int, bool]:
    """Index just past the start tag beginning at ``start``, and whether it is self-closing."""
    quote = 0
    for i in range(start + 1, len(data)):
        byte = data[i]
        if quote:
            quote = 0 if byte == quote else quote
        elif byte in b"\"'":
            quote = byte
        elif byte == ord(">"):
            return i + 1, data[i - 1] == ord("/")
    raise MalformedImageError("unterminated start tag in the SVG")


def _svg_layout(data: bytes) -> _SvgLayout:
    """Find the root start tag and every existing Open Badges element, as byte offsets.

    Only called after ``_parse_svg`` accepted the document, so it has no DTD or entities.
    """
    layout = _SvgLayout(remove=[])
    parser = expat.ParserCreate(namespace_separator=" ")
    depth = 0
    pending_ns: dict[str, str] = {}
    open_badge: tuple[int, int] | None = None  # (start offset, depth) of the element being cut out
    ob_names = {f"{OB3_NAMESPACE} credential", f"{OB2_NAMESPACE} assertion"}

    def xml_decl(_version: str | None, encoding: str | None, _standalone: int) -> None:
        layout.encoding = encoding

    def start_ns(prefix: str | None, uri: str) -> None:
        if depth == 0:
            pending_ns[prefix or ""] = uri

    def start(name: str, _attrs: dict[str, str]) -> None:
        nonlocal depth, open_badge
        depth += 1
        at = parser.CurrentByteIndex
        if depth == 1:
            layout.root_start = at
            layout.root_tag_end, layout.root_self_closing = _start_tag_end(data, at)
            layout.root_ob_namespace = pending_ns.get("openbadges")
        elif open_badge is None and name in ob_names:
            open_badge = (at, depth)

    def end(_name: str) -> None:
        nonlocal depth, open_badge
        if open_badge is not None and open_badge[1] == depth:
            begin = open_badge[0]
            stop, self_closing = _start_tag_end(data, begin)
            if not self_closing:
                stop = data.index(b">", parser.CurrentByteIndex) + 1
            assert layout.remove is not None
            layout.remove.append((begin, stop))
            open_badge = None
        depth -= 1

    parser.XmlDeclHandler = xml_decl
    parser.StartNamespaceDeclHandler = start_ns
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise MalformedImageError(f"the SVG is not well-formed XML: {exc}") from exc
    return layout


def _cdata(text: str) -> str:
    # "]]>" would end the section early: close it between "]]" and ">" and open a new one.
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def bake_svg(
    image: bytes,
    credential: Mapping[str, Any] | str,
    *,
    max_bytes: int = MAX_BYTES,
    max_payload_bytes: int = MAX_PAYLOAD_BYTES,
) -> bytes:
    """Return ``image`` with ``credential`` in an ``<openbadges:credential>`` element.

    JSON goes in a CDATA section, a compact JWS in the ``verify`` attribute. Existing Open
    Badges elements (3.0 credential, 2.0 assertion) are removed; every other byte is kept.
    """
    _check_size(image, max_bytes)
    text, kind = _payload_text(credential, max_payload_bytes)
    _parse_svg(image)
    layout = _svg_layout(image)
    if layout.encoding is not None and layout.encoding.lower() not in _UTF8_NAMES:
        raise UnsupportedImageError(f"only UTF-8 SVGs can be baked, this one is {layout.encoding}")
    try:
        image.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnsupportedImageError("only UTF-8 SVGs can be baked") from exc

    if kind == "jwt":
        element = f'<openbadges:credential verify="{text}"></openbadges:credential>'
    else:
        # Same JSON value, written with escapes XML accepts.
        text = _NOT_XML_CHAR.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
        element = f"<openbadges:credential>{_cdata(text)}</openbadges:credential>"
    root_end = layout.root_tag_end
    tag_close = 2 if layout.root_self_closing else 1
    # The spec declares the prefix on <svg>; if <svg> already binds it elsewhere, bind it locally.
    declaration = f' xmlns:openbadges="{OB3_NAMESPACE}"'
    root_attr = ""
    if layout.root_ob_namespace is None:
        root_attr = declaration
    elif layout.root_ob_namespace != OB3_NAMESPACE:
        element = element.replace("<openbadges:credential", "<openbadges:credential" + declaration, 1)
    closing = b""
    if layout.root_self_closing:
        # Written as <svg .../>: the element now needs content and a closing tag of the same name.
        name = re.match(rb"<([^\s/>]+)", image[layout.root_start :])
        assert name is not None
        closing = b"</" + name.group(1) + b">"

    out = bytearray(image[: root_end - tag_close])
    out += root_attr.encode() + b">" + element.encode("utf-8") + closing
    cursor = root_end
    for begin, stop in layout.remove or []:
        out += image[cursor:begin]
        cursor = stop
    out += image[cursor:]
    baked = bytes(out)
    # Our own output must read back as exactly what we baked; anything else is our bug.
    check = extract_svg(baked, max_bytes=max(max_bytes, len(baked)), max_payload_bytes=max_payload_bytes)
    if check.payload != text:
        raise BakingError("the baked SVG did not read back as the credential")
    return baked
