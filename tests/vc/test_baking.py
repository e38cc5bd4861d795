import io
import json
import re
import struct
import tracemalloc
import zlib
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey
from PIL import Image

from laurel.vc import baking
from laurel.vc.baking import (
    CredentialNotFoundError,
    DuplicateCredentialError,
    InvalidPayloadError,
    MalformedImageError,
    TooLargeError,
    UnsafeImageError,
    UnsupportedImageError,
)

OB3 = "https://purl.imsglobal.org/ob/v3p0"
SVG = "http://www.w3.org/2000/svg"

KOREAN_CREDENTIAL: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "웹 개발 기초",
    "credentialSubject": {"achievement": {"description": "HTML과 CSS를 익혔습니다."}},
}


@pytest.fixture
def credential(conformance: Path) -> dict[str, Any]:
    # A real OB 3.0 credential: the unsigned document of the 1EdTech eddsa-rdfc-2022 example.
    return json.loads((conformance / "ob3-rdfc-vector" / "vector.json").read_text())["unsigned"]


@pytest.fixture
def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (64, 64), (30, 90, 160, 255)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def token() -> str:
    return jwt.encode({"alg": "ES256"}, {"vc": KOREAN_CREDENTIAL}, ECKey.generate_key("P-256"))


# -- independent PNG helpers (PNG spec §5.3), not using the module under test ----------------------


def chunks(data: bytes) -> list[tuple[bytes, bytes, int]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        ctype, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        out.append((ctype, body, crc))
        pos += 12 + length
    return out


def chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))


def itxt(text: bytes, *, flag: int = 0, keyword: bytes = b"openbadgecredential") -> bytes:
    return chunk(b"iTXt", keyword + b"\0" + bytes([flag, 0]) + b"\0\0" + text)


def after_ihdr(data: bytes, *extra: bytes) -> bytes:
    # Signature (8) + IHDR (4 length + 4 type + 13 data + 4 CRC).
    return data[:33] + b"".join(extra) + data[33:]


def credential_chunks(data: bytes) -> list[bytes]:
    return [body for ctype, body, _ in chunks(data) if body.split(b"\0")[0] == b"openbadgecredential"]


# -- PNG --------------------------------------------------------------------------------------------


def test_a_json_credential_round_trips_through_a_png(png: bytes, credential: dict[str, Any]) -> None:
    found = baking.extract_png(baking.bake_png(png, credential))
    assert found.kind == "json"
    assert json.loads(found.payload) == credential


def test_pillow_still_opens_the_baked_png_and_reads_the_chunk(png: bytes, credential: dict[str, Any]) -> None:
    baked = baking.bake_png(png, credential)
    with Image.open(io.BytesIO(baked)) as image:
        image.load()
        assert image.size == (64, 64)
        assert json.loads(image.text["openbadgecredential"]) == credential


def test_the_chunk_is_one_uncompressed_itxt_right_after_ihdr(png: bytes, credential: dict[str, Any]) -> None:
    parsed = chunks(baking.bake_png(png, credential))
    assert [c[0] for c in parsed[:2]] == [b"IHDR", b"iTXt"]
    assert parsed[-1][0] == b"IEND"
    for ctype, body, crc in parsed:
        assert crc == zlib.crc32(ctype + body)
    keyword, rest = parsed[1][1].split(b"\0", 1)
    assert keyword == b"openbadgecredential"
    assert rest[0:2] == b"\0\0"  # compression flag 0, compression method 0
    language, translated, text = rest[2:].split(b"\0", 2)
    assert language == b"" and translated == b""
    assert text.decode("utf-8") == json.dumps(credential, ensure_ascii=False, separators=(",", ":"))


def test_the_image_data_is_unchanged(png: bytes, credential: dict[str, Any]) -> None:
    baked = baking.bake_png(png, credential)
    assert [c for c in chunks(baked) if c[0] != b"iTXt"] == chunks(png)


def test_baking_twice_leaves_exactly_one_chunk(png: bytes, credential: dict[str, Any]) -> None:
    baked = baking.bake_png(baking.bake_png(png, credential), KOREAN_CREDENTIAL)
    assert len(credential_chunks(baked)) == 1
    assert json.loads(baking.extract_png(baked).payload) == KOREAN_CREDENTIAL


def test_an_open_badges_2_chunk_is_replaced(png: bytes) -> None:
    old = after_ihdr(png, chunk(b"tEXt", b"openbadges\0https://example.org/assertion/1"))
    baked = baking.bake_png(old, KOREAN_CREDENTIAL)
    assert not [c for c in chunks(baked) if c[1].startswith(b"openbadges\0")]
    assert len(credential_chunks(baked)) == 1


def test_a_jwt_round_trips_through_a_png(png: bytes, token: str) -> None:
    found = baking.extract_png(baking.bake_png(png, token))
    assert found.kind == "jwt" and found.is_jwt
    assert found.payload == token


def test_korean_text_survives_as_utf8(png: bytes) -> None:
    baked = baking.bake_png(png, KOREAN_CREDENTIAL)
    assert "웹 개발 기초".encode() in credential_chunks(baked)[0]
    assert json.loads(baking.extract_png(baked).payload)["name"] == "웹 개발 기초"


def test_it_refuses_a_truncated_png(png: bytes) -> None:
    baked = baking.bake_png(png, KOREAN_CREDENTIAL)
    for cut in (10, 40, len(baked) // 2, len(baked) - 1):
        with pytest.raises(MalformedImageError, match="truncated"):
            baking.extract_png(baked[:cut])


def test_it_refuses_a_bad_crc(png: bytes) -> None:
    baked = bytearray(baking.bake_png(png, KOREAN_CREDENTIAL))
    baked[baked.index(b"OpenBadgeCredential")] ^= 0x20  # one bit of the text, CRC left as is
    with pytest.raises(MalformedImageError, match="CRC"):
        baking.extract_png(bytes(baked))


def test_it_refuses_two_credential_chunks(png: bytes) -> None:
    two = after_ihdr(png, itxt(b'{"a":1}'), itxt(b'{"b":2}'))
    with pytest.raises(DuplicateCredentialError):
        baking.extract_png(two)


def test_it_refuses_an_oversized_payload(png: bytes) -> None:
    big = after_ihdr(png, itxt(json.dumps({"x": "a" * 2000}).encode()))
    with pytest.raises(TooLargeError):
        baking.extract_png(big, max_payload_bytes=1000)
    with pytest.raises(TooLargeError):
        baking.bake_png(png, {"x": "a" * 2000}, max_payload_bytes=1000)


def test_it_refuses_an_oversized_file(png: bytes) -> None:
    with pytest.raises(TooLargeError):
        baking.extract_png(png, max_bytes=len(png) - 1)


def test_it_refuses_a_file_that_is_not_a_png() -> None:
    with pytest.raises(UnsupportedImageError):
        baking.extract_png(b"GIF89a" + b"\0" * 100)


def test_it_refuses_a_png_without_a_credential(png: bytes) -> None:
    with pytest.raises(CredentialNotFoundError):
        baking.extract_png(png)


def test_a_compressed_chunk_is_inflated_within_limits(png: bytes) -> None:
    compressed = after_ihdr(png, itxt(zlib.compress('{"name":"배지"}'.encode()), flag=1))
    assert json.loads(baking.extract_png(compressed).payload) == {"name": "배지"}


def test_a_compressed_chunk_bomb_is_refused_without_inflating_it(png: bytes) -> None:
    bomb_text = zlib.compress(b'{"x":"' + b"a" * (50 * 1024 * 1024) + b'"}', 9)
    bomb = after_ihdr(png, itxt(bomb_text, flag=1))
    assert len(bomb) < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(TooLargeError):
            baking.extract_png(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_it_refuses_text_that_is_not_utf8(png: bytes) -> None:
    with pytest.raises(InvalidPayloadError, match="UTF-8"):
        baking.extract_png(after_ihdr(png, itxt(b'{"name":"\xff\xfe"}')))


def test_it_refuses_a_payload_that_is_neither_json_nor_a_jwt(png: bytes) -> None:
    with pytest.raises(InvalidPayloadError):
        baking.extract_png(after_ihdr(png, itxt(b"https://example.org/assertion/1")))
    with pytest.raises(InvalidPayloadError):
        baking.bake_png(png, "not a jwt")


# -- SVG --------------------------------------------------------------------------------------------

SVG_IMAGE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<!-- made by hand -->\n"
    f'<svg xmlns="{SVG}" viewBox="0 0 64 64" data-note="a > b">\n'
    "  <title>배지</title>\n"
    '  <circle cx="32" cy="32" r="30" fill="#1e5aa0"/>\n'
    "</svg>\n"
).encode()


def svg_credentials(data: bytes) -> list[ElementTree.Element]:
    return list(ElementTree.fromstring(data).iter(f"{{{OB3}}}credential"))


def test_a_json_credential_round_trips_through_an_svg_in_cdata(credential: dict[str, Any]) -> None:
    baked = baking.bake_svg(SVG_IMAGE, credential)
    assert b"<openbadges:credential><![CDATA[" in baked
    root = ElementTree.fromstring(baked)
    assert root[0].tag == f"{{{OB3}}}credential"  # directly after the <svg> start tag
    assert json.loads(root[0].text or "") == credential
    found = baking.extract_svg(baked)
    assert found.kind == "json" and json.loads(found.payload) == credential


def test_the_namespace_is_declared_on_the_svg_root(credential: dict[str, Any]) -> None:
    baked = baking.bake_svg(SVG_IMAGE, credential)
    # The credential element follows the root start tag directly, so this slice is that tag.
    root_tag = baked[baked.index(b"<svg ") : baked.index(b"<openbadges:credential")]
    assert root_tag.endswith(f' xmlns:openbadges="{OB3}">'.encode())


def test_the_rest_of_the_svg_is_kept_byte_for_byte(credential: dict[str, Any]) -> None:
    baked = baking.bake_svg(SVG_IMAGE, credential)
    element = re.search(rb"<openbadges:credential>.*</openbadges:credential>", baked, re.DOTALL)
    assert element is not None
    restored = baked.replace(element.group(0), b"").replace(f' xmlns:openbadges="{OB3}"'.encode(), b"")
    assert restored == SVG_IMAGE


def test_a_jwt_goes_in_the_verify_attribute(token: str) -> None:
    baked = baking.bake_svg(SVG_IMAGE, token)
    (element,) = svg_credentials(baked)
    assert element.get("verify") == token and not element.text
    found = baking.extract_svg(baked)
    assert found.is_jwt and found.payload == token


def test_korean_text_survives_in_an_svg() -> None:
    baked = baking.bake_svg(SVG_IMAGE, KOREAN_CREDENTIAL)
    assert "HTML과 CSS를 익혔습니다.".encode() in baked
    assert json.loads(baking.extract_svg(baked).payload) == KOREAN_CREDENTIAL


def test_an_existing_credential_element_is_replaced(token: str, credential: dict[str, Any]) -> None:
    baked = baking.bake_svg(baking.bake_svg(SVG_IMAGE, credential), token)
    assert len(svg_credentials(baked)) == 1
    assert baked.count(b"<openbadges:credential") == 1
    assert baking.extract_svg(baked).payload == token


def test_an_open_badges_2_assertion_is_replaced() -> None:
    old = SVG_IMAGE.replace(
        b"<title>",
        b'<openbadges:assertion xmlns:openbadges="http://openbadges.org" verify="https://e.org/a/1"/><title>',
    )
    baked = baking.bake_svg(old, KOREAN_CREDENTIAL)
    assert b"openbadges:assertion" not in baked
    assert json.loads(baking.extract_svg(baked).payload) == KOREAN_CREDENTIAL


def test_a_root_binding_the_prefix_elsewhere_gets_a_local_declaration() -> None:
    old = SVG_IMAGE.replace(b"<svg ", b'<svg xmlns:openbadges="http://openbadges.org" ')
    baked = baking.bake_svg(old, KOREAN_CREDENTIAL)
    assert len(svg_credentials(baked)) == 1
    assert json.loads(baking.extract_svg(baked).payload) == KOREAN_CREDENTIAL


def test_a_self_closing_svg_root_can_be_baked(token: str) -> None:
    baked = baking.bake_svg(f'<svg xmlns="{SVG}" width="1" />'.encode(), token)
    assert baking.extract_svg(baked).payload == token
    assert baked.endswith(b"</svg>")


def test_a_json_containing_the_cdata_terminator_survives() -> None:
    tricky = {"name": "a]]>b", "description": "]]>]]><![CDATA[ <x/> &amp;"}
    baked = baking.bake_svg(SVG_IMAGE, tricky)
    assert b"]]]]><![CDATA[>" in baked
    assert json.loads(svg_credentials(baked)[0].text or "") == tricky
    assert json.loads(baking.extract_svg(baked).payload) == tricky


def test_whitespace_around_the_cdata_is_ignored_on_extract() -> None:
    svg = (
        f'<svg xmlns="{SVG}" xmlns:openbadges="{OB3}">\n  <openbadges:credential>\n'
        '    <![CDATA[ {"name": "x"} ]]>\n  </openbadges:credential>\n</svg>'
    ).encode()
    assert json.loads(baking.extract_svg(svg).payload) == {"name": "x"}


XXE = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f'<svg xmlns="{SVG}" xmlns:openbadges="{OB3}"><openbadges:credential>&xxe;</openbadges:credential></svg>'
).encode()

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + f']><svg xmlns="{SVG}">&i;</svg>'
).encode()


@pytest.mark.parametrize("hostile", [XXE, BILLION_LAUGHS], ids=["xxe", "billion-laughs"])
def test_it_refuses_entities_on_extract_and_bake(hostile: bytes) -> None:
    with pytest.raises(UnsafeImageError):
        baking.extract_svg(hostile)
    with pytest.raises(UnsafeImageError):
        baking.bake_svg(hostile, KOREAN_CREDENTIAL)


def test_it_refuses_an_oversized_svg_or_payload() -> None:
    with pytest.raises(TooLargeError):
        baking.extract_svg(baking.bake_svg(SVG_IMAGE, KOREAN_CREDENTIAL), max_bytes=len(SVG_IMAGE))
    baked = baking.bake_svg(SVG_IMAGE, {"x": "a" * 2000})
    with pytest.raises(TooLargeError):
        baking.extract_svg(baked, max_payload_bytes=1000)
    with pytest.raises(TooLargeError):
        baking.bake_svg(SVG_IMAGE, {"x": "a" * 2000}, max_payload_bytes=1000)


def test_it_refuses_two_credential_elements() -> None:
    svg = (
        f'<svg xmlns="{SVG}" xmlns:openbadges="{OB3}"><openbadges:credential><![CDATA[{{}}]]>'
        "</openbadges:credential><g><openbadges:credential><![CDATA[{}]]></openbadges:credential></g></svg>"
    ).encode()
    with pytest.raises(DuplicateCredentialError):
        baking.extract_svg(svg)


def test_it_refuses_svgs_that_are_not_svgs_or_not_xml() -> None:
    with pytest.raises(UnsupportedImageError):
        baking.extract_svg(b"<html><body/></html>")
    with pytest.raises(MalformedImageError):
        baking.extract_svg(b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>")
    with pytest.raises(CredentialNotFoundError):
        baking.extract_svg(SVG_IMAGE)


def test_bake_and_extract_choose_the_format_from_the_content(png: bytes, token: str) -> None:
    assert baking.extract(baking.bake(png, token)).payload == token
    assert baking.extract(baking.bake(SVG_IMAGE, token)).payload == token


def test_characters_xml_forbids_are_written_as_json_escapes() -> None:
    odd = {"name": "end\ufffe\uffff"}
    baked = baking.bake_svg(SVG_IMAGE, odd)
    assert json.loads(baking.extract_svg(baked).payload) == odd


def test_a_credential_that_is_not_valid_unicode_is_refused(png: bytes) -> None:
    with pytest.raises(InvalidPayloadError):
        baking.bake_png(png, {"name": "\ud800"})
