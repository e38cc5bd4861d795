"""An Open Badges 2.0 issuer of the tests' own making, served by a real local HTTP server.

Documents follow the OB 2.0 specification's examples: an issuer Profile, a BadgeClass, hosted
and signed Assertions, a CryptographicKey and a RevocationList. Signed assertions are made
with joserfc (not Laurel's code); baked images follow the spec's baking rules byte by byte.
"""

import hashlib
import json
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jws
from joserfc.jwk import RSAKey

from laurel.vc.fetch import Fetcher

OB2 = "https://w3id.org/openbadges/v2"


def hashed(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()


@dataclass
class Ob2Site:
    """Documents by path, served at http://127.0.0.1:PORT; ``base`` is set once serving."""

    base: str = ""
    documents: dict[str, tuple[int, bytes, dict[str, str]]] = field(default_factory=dict)
    key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))

    def put(self, path: str, document: Any, status: int = 200, headers: dict[str, str] | None = None) -> str:
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.documents[path] = (status, body, headers or {"Content-Type": "application/ld+json"})
        return self.base + path

    def url(self, path: str) -> str:
        return self.base + path

    def fetcher(self) -> Fetcher:
        # The allow-list: this loopback server only, over plain http.
        return Fetcher(allowed_schemes=("http",), trusted_networks=("127.0.0.1/32",), timeout=5)

    def publish_issuer(self, *, signed: bool = True, verification: dict[str, Any] | None = None) -> None:
        issuer: dict[str, Any] = {
            "@context": OB2,
            "type": "Issuer",
            "id": self.url("/issuer.json"),
            "name": "Example Academy",
            "url": "https://academy.example",
            "email": "badges@academy.example",
        }
        if signed:
            issuer["publicKey"] = self.url("/key.json")
            issuer["revocationList"] = self.url("/revocations.json")
            pem = self.key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            self.put(
                "/key.json",
                {
                    "@context": OB2,
                    "type": "CryptographicKey",
                    "id": self.url("/key.json"),
                    "owner": self.url("/issuer.json"),
                    "publicKeyPem": pem.decode(),
                },
            )
            self.put("/revocations.json", self.revocation_list([]))
        if verification is not None:
            issuer["verification"] = verification
        self.put("/issuer.json", issuer)
        self.put(
            "/badge.json",
            {
                "@context": OB2,
                "type": "BadgeClass",
                "id": self.url("/badge.json"),
                "name": "Data Literacy",
                "description": "Reads and questions charts and tables.",
                "image": "https://academy.example/data.png",
                "criteria": {"narrative": "Passed the final project."},
                "issuer": self.url("/issuer.json"),
            },
        )

    def revocation_list(self, revoked: list[Any]) -> dict[str, Any]:
        return {
            "@context": OB2,
            "type": "RevocationList",
            "id": self.url("/revocations.json"),
            "issuer": self.url("/issuer.json"),
            "revokedAssertions": revoked,
        }

    def assertion(self, path: str, email: str, *, signed: bool = False, **extra: Any) -> dict[str, Any]:
        salt = "deadsea"
        document: dict[str, Any] = {
            "@context": OB2,
            "type": "Assertion",
            "id": self.url(path) if not signed else f"urn:uuid:{hashlib.md5(path.encode()).hexdigest()}",
            "recipient": {"type": "email", "hashed": True, "salt": salt, "identity": hashed(email, salt)},
            "badge": self.url("/badge.json"),
            "verification": {"type": "signed", "creator": self.url("/key.json")}
            if signed
            else {"type": "hosted"},
            "issuedOn": "2026-03-01T09:00:00Z",
        }
        document.update(extra)
        return document

    def hosted(self, path: str, email: str, **extra: Any) -> str:
        """Publish a hosted assertion at ``path``; its URL."""
        return self.put(path, self.assertion(path, email, **extra))

    def signed(
        self, email: str, *, path: str = "/signed", key: rsa.RSAPrivateKey | None = None, **extra: Any
    ) -> str:
        """A compact JWS (RS256) whose payload is a signed assertion, made with joserfc."""
        payload = json.dumps(self.assertion(path, email, signed=True, **extra))
        private = (key or self.key).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return jws.serialize_compact({"alg": "RS256"}, payload, RSAKey.import_key(private))


@contextmanager
def serving(site: Ob2Site) -> Iterator[Ob2Site]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body, headers = site.documents.get(self.path, (404, b"not found", {}))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# -- baking, per the OB 2.0 spec: an iTXt chunk "openbadges" before IEND; an SVG element ---------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def tiny_png() -> bytes:
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


def bake_png(payload: str) -> bytes:
    png = tiny_png()
    itxt = _chunk(b"iTXt", b"openbadges\x00\x00\x00\x00\x00" + payload.encode())
    iend = png.rindex(b"IEND") - 4
    return png[:iend] + itxt + png[iend:]


def bake_svg(*, verify: str | None = None, content: str | None = None) -> bytes:
    attribute = f' verify="{verify}"' if verify is not None else ""
    inner = f"<![CDATA[{content}]]>" if content is not None else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"'
        ' width="10" height="10">'
        f"<openbadges:assertion{attribute}>{inner}</openbadges:assertion>"
        '<circle cx="5" cy="5" r="4"/></svg>'
    ).encode()
