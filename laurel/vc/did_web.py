"""The did:web method (https://w3c-ccg.github.io/did-method-web/).

A ``did:web`` names a DID document served over HTTPS: ``did:web:example.com`` lives at
``https://example.com/.well-known/did.json`` and ``did:web:example.com:orgs:hanbit`` at
``https://example.com/orgs/hanbit/did.json``. A port is written ``%3A`` (``example.com%3A8443``).

This module only parses, builds and checks documents. Fetching is injected as a
``fetch_json(url)`` callable so the network policy (timeouts, size limits, SSRF guards)
lives in one place outside this Django-free library.
"""

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from laurel.vc.keys import DID_CONTEXT, KeyFormatError, PublicKey

PREFIX = "did:web:"
WELL_KNOWN = ".well-known"
MAX_PORT = 65535

# DID syntax idchar (ALPHA / DIGIT / "." / "-" / "_" / pct-encoded), one path segment.
_SEGMENT = re.compile(r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_FRAGMENT = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/?-]+")
_MAX_HOST = 253
_HOST_PART = re.compile(r"(?P<host>[^%]+)(?:%3[Aa](?P<port>[0-9]+))?")


class DidWebError(ValueError):
    """A did:web identifier, base URL or DID document is refused."""


class DidWebSyntaxError(DidWebError):
    """A did:web identifier or base URL is malformed or names a host we refuse."""


class DidDocumentError(DidWebError):
    """A fetched DID document is malformed or does not belong to the DID."""


class UnknownVerificationMethodError(DidDocumentError):
    """The DID document has no verification method with the requested id."""


class ControllerMismatchError(DidDocumentError):
    """A verification method's controller is not the DID that publishes it."""


class NotAssertionMethodError(DidDocumentError):
    """The verification method is not listed in ``assertionMethod``, so it may not sign credentials."""


def _check_host(host: str, *, allow_local: bool) -> str:
    """Validate a DNS host name; IP literals and localhost only when ``allow_local``."""
    host = host.lower()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        if allow_local:
            return host
        raise DidWebSyntaxError(f"did:web needs a domain name, not the IP address {host!r}")
    if host == "localhost" or host.endswith(".localhost"):
        if allow_local:
            return host
        raise DidWebSyntaxError("did:web refuses localhost outside development (allow_local=True)")
    labels = host.split(".")
    if len(host) > _MAX_HOST or not all(_LABEL.fullmatch(label) for label in labels):
        raise DidWebSyntaxError(f"invalid domain name {host!r}")
    # An all-digit last label is never a real TLD; resolvers may read it as an IPv4 form.
    if labels[-1].isdigit():
        raise DidWebSyntaxError(f"did:web needs a domain name, not the numeric host {host!r}")
    return host


def _check_port(port: str) -> int:
    if not port.isascii() or not port.isdigit() or not 0 < int(port) <= MAX_PORT:
        raise DidWebSyntaxError(f"invalid port {port!r}")
    return int(port)


def _check_path(segments: Sequence[str]) -> None:
    """Path segments must be DID idchars, with no dot segments or encoded separators."""
    for segment in segments:
        if not segment:
            raise DidWebSyntaxError("did:web paths may not contain empty segments")
        if not _SEGMENT.fullmatch(segment):
            raise DidWebSyntaxError(f"invalid did:web path segment {segment!r}")
        if segment in (".", ".."):
            raise DidWebSyntaxError("did:web paths may not contain '.' or '..' segments")
        if "%2f" in segment.lower() or "%3a" in segment.lower():
            raise DidWebSyntaxError(f"encoded '/' or ':' in path segment {segment!r} is ambiguous")
    # did:web:example.com:.well-known would share the document URL of did:web:example.com.
    if list(segments) == [WELL_KNOWN]:
        raise DidWebSyntaxError("the path '.well-known' collides with the domain's own DID")


def did_web_from_url(base_url: str, *, allow_local: bool = False) -> str:
    """The did:web identifier for an HTTPS base URL (``https://example.com/orgs/x``)."""
    if not isinstance(base_url, str) or "?" in base_url or "#" in base_url:
        raise DidWebSyntaxError("a did:web base URL may not have a query or fragment")
    parts = urlsplit(base_url)
    if parts.scheme.lower() != "https":
        raise DidWebSyntaxError(f"did:web requires an https URL, not {parts.scheme or 'none'!r}")
    if "@" in parts.netloc:
        raise DidWebSyntaxError("a did:web base URL may not contain user information")
    try:
        hostname, port = parts.hostname, parts.port
    except ValueError as error:  # urllib: non-numeric or out-of-range port
        raise DidWebSyntaxError(f"invalid port in {base_url!r}") from error
    if not hostname:
        raise DidWebSyntaxError(f"no host in {base_url!r}")
    did = PREFIX + _check_host(hostname, allow_local=allow_local)
    if port is not None:
        did += f"%3A{_check_port(str(port))}"
    path = parts.path.removesuffix("/")
    if path:
        segments = path.removeprefix("/").split("/")
        _check_path(segments)
        did += ":" + ":".join(segments)
    return did


def _split(did: str, *, allow_local: bool) -> tuple[str, list[str]]:
    """Parse a did:web into ``host[:port]`` and its path segments."""
    if not isinstance(did, str) or not did.startswith(PREFIX):
        raise DidWebSyntaxError(f"not a did:web identifier: {did!r}")
    host_part, *segments = did.removeprefix(PREFIX).split(":")
    # Only the port colon may be percent-encoded in the host part.
    match = _HOST_PART.fullmatch(host_part)
    if not match:
        raise DidWebSyntaxError(f"invalid did:web host {host_part!r}")
    authority = _check_host(match["host"], allow_local=allow_local)
    if match["port"] is not None:
        authority += f":{_check_port(match['port'])}"
    _check_path(segments)
    return authority, segments


def document_url(did: str, *, allow_local: bool = False) -> str:
    """The HTTPS URL of a did:web's DID document (the spec's "Read" transformation)."""
    authority, segments = _split(did, allow_local=allow_local)
    path = "/".join(segments) if segments else WELL_KNOWN
    return f"https://{authority}/{path}/did.json"


def build_did_document(did: str, keys: Sequence[tuple[str, PublicKey]]) -> dict[str, Any]:
    """A DID document publishing ``keys`` as ``(fragment, key)`` pairs, newest first.

    Retired keys stay listed (in ``assertionMethod`` too) so credentials they signed
    before rotation still verify; revocation is the status list's job, not the DID's.
    """
    _split(did, allow_local=True)  # syntax only: development DIDs may be built locally
    if not keys:
        raise DidWebError("a DID document needs at least one key")
    methods: list[dict[str, Any]] = []
    for fragment, key in keys:
        if not isinstance(fragment, str) or not _FRAGMENT.fullmatch(fragment):
            raise DidWebError(f"invalid verification method fragment {fragment!r}")
        method_id = f"{did}#{fragment}"
        if any(method["id"] == method_id for method in methods):
            raise DidWebError(f"duplicate verification method fragment {fragment!r}")
        methods.append(
            {"id": method_id, "type": "Multikey", "controller": did, "publicKeyMultibase": key.to_multikey()}
        )
    ids = [method["id"] for method in methods]
    return {
        "@context": list(DID_CONTEXT),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": list(ids),
        "authentication": list(ids),
    }


def _absolute(did: str, method_id: Any) -> str:
    """Resolve a ``#fragment`` reference against the DID; absolute ids must be the DID's own."""
    if not isinstance(method_id, str) or not method_id:
        raise DidDocumentError(f"verification method id must be a non-empty string, not {method_id!r}")
    if method_id.startswith("#"):
        method_id = did + method_id
    base, hash_sign, fragment = method_id.partition("#")
    if not hash_sign or not fragment:
        raise DidDocumentError(f"verification method id {method_id!r} has no fragment")
    if base != did:
        raise UnknownVerificationMethodError(f"verification method {method_id!r} does not belong to {did}")
    return method_id


def _method(did: str, entry: Any) -> dict[str, Any]:
    """Check one verification method and return a copy with an absolute id."""
    if not isinstance(entry, Mapping):
        raise DidDocumentError("a verification method must be a JSON object")
    method = dict(entry)
    method["id"] = _absolute(did, method.get("id"))
    if method.get("controller") != did:
        raise ControllerMismatchError(
            f"verification method {method['id']} is controlled by {method.get('controller')!r}, not {did}"
        )
    return method


def _normalize(document: Any, did: str) -> dict[str, Any]:
    """Validate a DID document for ``did``; return a copy with absolute method ids.

    Methods embedded in ``assertionMethod`` or ``authentication`` are moved into
    ``verificationMethod`` so every relationship becomes a list of ids.
    """
    if not isinstance(document, Mapping):
        raise DidDocumentError("a DID document must be a JSON object")
    if document.get("id") != did:
        raise DidDocumentError(f"DID document id {document.get('id')!r} is not {did}")
    raw_methods = document.get("verificationMethod", [])
    if not isinstance(raw_methods, list):
        raise DidDocumentError("verificationMethod must be a list")
    methods: dict[str, dict[str, Any]] = {}
    for entry in raw_methods:
        method = _method(did, entry)
        if method["id"] in methods:
            raise DidDocumentError(f"duplicate verification method {method['id']}")
        methods[method["id"]] = method
    result = dict(document)
    for relationship in ("assertionMethod", "authentication"):
        refs = document.get(relationship, [])
        if not isinstance(refs, list):
            raise DidDocumentError(f"{relationship} must be a list")
        ids: list[str] = []
        for ref in refs:
            if isinstance(ref, Mapping):
                method = _method(did, ref)
                if methods.setdefault(method["id"], method) != method:
                    raise DidDocumentError(f"conflicting definitions of {method['id']}")
                ids.append(method["id"])
            else:
                ids.append(_absolute(did, ref))
        result[relationship] = ids
    result["verificationMethod"] = list(methods.values())
    return result


def resolve_did_web(
    did: str, fetch_json: Callable[[str], Any], *, allow_local: bool = False
) -> dict[str, Any]:
    """Fetch and check the DID document of ``did``; method ids come back absolute.

    Errors raised by ``fetch_json`` (network, size, JSON) pass through unchanged.
    """
    return _normalize(fetch_json(document_url(did, allow_local=allow_local)), did)


def public_key_for(document: Mapping[str, Any], verification_method_id: str) -> PublicKey:
    """The public key of an assertion method of ``document`` (Multikey or JWK form)."""
    did = document.get("id") if isinstance(document, Mapping) else None
    if not isinstance(did, str):
        raise DidDocumentError("the DID document has no id")
    normalized = _normalize(document, did)
    method_id = _absolute(did, verification_method_id)
    method = next((m for m in normalized["verificationMethod"] if m["id"] == method_id), None)
    if method is None:
        raise UnknownVerificationMethodError(f"{did} has no verification method {method_id}")
    if method_id not in normalized["assertionMethod"]:
        raise NotAssertionMethodError(f"{method_id} is not an assertion method of {did}")
    multikey, jwk = method.get("publicKeyMultibase"), method.get("publicKeyJwk")
    try:
        if multikey is not None and jwk is None:
            return PublicKey.from_multikey(multikey)
        if jwk is not None and multikey is None:
            if not isinstance(jwk, Mapping):
                raise DidDocumentError(f"publicKeyJwk of {method_id} must be an object")
            if "d" in jwk:  # a published private key is compromised, never trust it
                raise DidDocumentError(f"publicKeyJwk of {method_id} contains private key material")
            return PublicKey.from_jwk(jwk)
    except KeyFormatError as error:
        raise DidDocumentError(f"{method_id}: {error}") from error
    raise DidDocumentError(f"{method_id} needs exactly one of publicKeyMultibase or publicKeyJwk")
