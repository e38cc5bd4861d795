from typing import Any

import pytest

from laurel.vc.did_web import (
    ControllerMismatchError,
    DidDocumentError,
    DidWebSyntaxError,
    NotAssertionMethodError,
    UnknownVerificationMethodError,
    build_did_document,
    did_web_from_url,
    document_url,
    public_key_for,
    resolve_did_web,
)
from laurel.vc.keys import KeyPair, PublicKey

DID = "did:web:example.com:orgs:hanbit"
DOC_URL = "https://example.com/orgs/hanbit/did.json"


def _fetcher(documents: dict[str, Any]) -> Any:
    """A fake fetch_json: a dict lookup that records which URLs were asked for."""
    calls: list[str] = []

    def fetch_json(url: str) -> Any:
        calls.append(url)
        return documents[url]

    fetch_json.calls = calls  # type: ignore[attr-defined]
    return fetch_json


# --- Specification examples (https://w3c-ccg.github.io/did-method-web/) -------------------


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    ],
)
def test_it_maps_spec_examples_to_document_urls(did: str, url: str) -> None:
    assert document_url(did) == url


@pytest.mark.parametrize(
    ("base_url", "did"),
    [
        ("https://example.com", "did:web:example.com"),
        ("https://example.com/", "did:web:example.com"),
        ("https://example.com:8443", "did:web:example.com%3A8443"),
        ("https://example.com/orgs/hanbit", "did:web:example.com:orgs:hanbit"),
        ("https://example.com/orgs/hanbit/", "did:web:example.com:orgs:hanbit"),
        ("https://EXAMPLE.com/x", "did:web:example.com:x"),
    ],
)
def test_it_builds_dids_from_https_base_urls(base_url: str, did: str) -> None:
    assert did_web_from_url(base_url) == did


@pytest.mark.parametrize(
    "base_url",
    [
        "https://example.com",
        "https://example.com:8443",
        "https://a.example.com/orgs/hanbit",
        "https://x.org/a/b/c",
    ],
)
def test_url_and_did_round_trip(base_url: str) -> None:
    did = did_web_from_url(base_url)
    expected = base_url + (
        "/did.json" if "/" in base_url.removeprefix("https://") else "/.well-known/did.json"
    )
    assert document_url(did) == expected
    assert did_web_from_url(expected.removesuffix("/did.json").removesuffix("/.well-known")) == did


# --- Refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base_url",
    [
        "http://example.com",
        "ftp://example.com",
        "example.com",
        "https://example.com/?x=1",
        "https://example.com/a?",
        "https://example.com/#frag",
        "https://user@example.com",
        "https://user:pw@example.com",
        "https://192.0.2.1",
        "https://[2001:db8::1]",
        "https://localhost",
        "https://localhost:8000",
        "https://app.localhost",
        "https://example.com//a",
        "https://example.com/a//b",
        "https://example.com/a/../b",
        "https://example.com/.well-known",
        "https://example.com/a~b",
        "https://example.com:99999",
        "https://exa_mple.com",
        "https://example.123",
        "https://",
    ],
)
def test_it_refuses_bad_base_urls(base_url: str) -> None:
    with pytest.raises(DidWebSyntaxError):
        did_web_from_url(base_url)


@pytest.mark.parametrize(
    "did",
    [
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "did:web:",
        "did:web:example.com:",
        "did:web:example.com::a",
        "did:web::a",
        "did:web:example.com%3A",
        "did:web:example.com%3Axyz",
        "did:web:example.com%3A0",
        "did:web:example.com%3A70000",
        "did:web:example.com%3",
        "did:web:example.com%zz",
        "did:web:exa%6Dple.com",
        "did:web:example.com:a%2",
        "did:web:example.com:a%G1",
        "did:web:example.com:a%2Fb",
        "did:web:example.com:..",
        "did:web:example.com:.well-known",
        "did:web:example.com#key-1",
        "did:web:example.com?x=1",
        "did:web:example.com/path",
        "did:web:192.0.2.1",
        "did:web:localhost",
        "did:web:localhost%3A8000",
        "did:web:-bad-.com",
    ],
)
def test_it_refuses_malformed_or_local_dids(did: str) -> None:
    with pytest.raises(DidWebSyntaxError):
        document_url(did)


def test_local_hosts_are_allowed_in_development() -> None:
    assert (
        did_web_from_url("https://localhost:8000/orgs/a", allow_local=True)
        == "did:web:localhost%3A8000:orgs:a"
    )
    assert (
        document_url("did:web:localhost%3A8000:orgs:a", allow_local=True)
        == "https://localhost:8000/orgs/a/did.json"
    )
    assert document_url("did:web:127.0.0.1", allow_local=True) == "https://127.0.0.1/.well-known/did.json"
    # Development mode still refuses what is not a URL at all.
    with pytest.raises(DidWebSyntaxError):
        did_web_from_url("http://localhost:8000", allow_local=True)


def test_percent_encoded_path_characters_are_kept_in_the_url() -> None:
    assert document_url("did:web:example.com:caf%C3%A9") == "https://example.com/caf%C3%A9/did.json"


# --- Documents ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def new_key() -> KeyPair:
    return KeyPair.generate("Ed25519")


@pytest.fixture(scope="module")
def old_key() -> KeyPair:
    return KeyPair.generate("P-256")


@pytest.fixture
def document(new_key: KeyPair, old_key: KeyPair) -> dict[str, Any]:
    return build_did_document(DID, [("key-2", new_key.public_key), ("key-1", old_key.public_key)])


def test_it_builds_a_multikey_did_document(document: dict[str, Any], new_key: KeyPair) -> None:
    assert document["@context"] == ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
    assert document["id"] == DID
    first = document["verificationMethod"][0]
    assert first == {
        "id": f"{DID}#key-2",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": new_key.public_key.to_multikey(),
    }
    ids = [f"{DID}#key-2", f"{DID}#key-1"]
    assert [m["id"] for m in document["verificationMethod"]] == ids
    assert document["assertionMethod"] == ids
    assert document["authentication"] == ids


def test_it_refuses_to_build_bad_documents(new_key: KeyPair) -> None:
    key = new_key.public_key
    with pytest.raises(DidWebSyntaxError):
        build_did_document("did:web:example.com:", [("k", key)])
    with pytest.raises(ValueError, match="at least one"):
        build_did_document(DID, [])
    with pytest.raises(ValueError, match="duplicate"):
        build_did_document(DID, [("k", key), ("k", key)])
    with pytest.raises(ValueError, match="fragment"):
        build_did_document(DID, [("a#b", key)])


def test_build_then_resolve_round_trips_and_both_rotated_keys_verify(
    document: dict[str, Any], new_key: KeyPair, old_key: KeyPair
) -> None:
    fetch_json = _fetcher({DOC_URL: document})
    resolved = resolve_did_web(DID, fetch_json)
    assert fetch_json.calls == [DOC_URL]
    assert resolved == document
    for fragment, pair in (("key-2", new_key), ("key-1", old_key)):
        key = public_key_for(resolved, f"{DID}#{fragment}")
        assert key == pair.public_key
        key.verify(b"badge", pair.sign(b"badge"))


def test_relative_method_ids_are_normalized(document: dict[str, Any], new_key: KeyPair) -> None:
    document["verificationMethod"][0]["id"] = "#key-2"
    document["assertionMethod"] = ["#key-2", f"{DID}#key-1"]
    resolved = resolve_did_web(DID, _fetcher({DOC_URL: document}))
    assert resolved["verificationMethod"][0]["id"] == f"{DID}#key-2"
    assert resolved["assertionMethod"] == [f"{DID}#key-2", f"{DID}#key-1"]
    assert public_key_for(resolved, "#key-2") == new_key.public_key


def test_a_method_embedded_in_assertion_method_is_usable(new_key: KeyPair) -> None:
    method = {
        "id": "#embedded",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": new_key.public_key.to_multikey(),
    }
    resolved = resolve_did_web(DID, _fetcher({DOC_URL: {"id": DID, "assertionMethod": [method]}}))
    assert public_key_for(resolved, f"{DID}#embedded") == new_key.public_key


def test_a_document_with_another_id_is_refused(document: dict[str, Any]) -> None:
    document["id"] = "did:web:evil.example"
    with pytest.raises(DidDocumentError, match="is not"):
        resolve_did_web(DID, _fetcher({DOC_URL: document}))


@pytest.mark.parametrize("body", [[], "did", None, {"verificationMethod": {}}])
def test_a_malformed_document_is_refused(body: Any) -> None:
    if isinstance(body, dict):
        body = {"id": DID, **body}
    with pytest.raises(DidDocumentError):
        resolve_did_web(DID, _fetcher({DOC_URL: body}))


def test_a_method_with_another_controller_is_refused(document: dict[str, Any]) -> None:
    document["verificationMethod"][1]["controller"] = "did:web:evil.example"
    with pytest.raises(ControllerMismatchError):
        resolve_did_web(DID, _fetcher({DOC_URL: document}))
    with pytest.raises(ControllerMismatchError):
        public_key_for(document, f"{DID}#key-2")


def test_a_method_with_a_foreign_id_is_refused(document: dict[str, Any]) -> None:
    document["verificationMethod"][1]["id"] = "did:web:evil.example#key-1"
    with pytest.raises(UnknownVerificationMethodError):
        resolve_did_web(DID, _fetcher({DOC_URL: document}))


def test_duplicate_method_ids_are_refused(document: dict[str, Any]) -> None:
    document["verificationMethod"][1]["id"] = "#key-2"
    with pytest.raises(DidDocumentError, match="duplicate"):
        resolve_did_web(DID, _fetcher({DOC_URL: document}))


def test_an_unknown_method_is_refused(document: dict[str, Any]) -> None:
    with pytest.raises(UnknownVerificationMethodError):
        public_key_for(document, f"{DID}#key-3")
    with pytest.raises(UnknownVerificationMethodError):
        public_key_for(document, "did:web:other.example#key-2")


def test_a_key_not_in_assertion_method_is_refused(document: dict[str, Any]) -> None:
    document["assertionMethod"] = [f"{DID}#key-2"]
    assert document["authentication"] == [f"{DID}#key-2", f"{DID}#key-1"]
    with pytest.raises(NotAssertionMethodError):
        public_key_for(document, f"{DID}#key-1")


@pytest.mark.parametrize("kind", ["Ed25519", "P-256"])
def test_a_jwk_described_key_is_accepted(kind: Any) -> None:
    pair = KeyPair.generate(kind)
    method = {
        "id": f"{DID}#jwk",
        "type": "JsonWebKey",
        "controller": DID,
        "publicKeyJwk": pair.public_key.to_jwk(),
    }
    document = {"id": DID, "verificationMethod": [method], "assertionMethod": ["#jwk"]}
    resolved = resolve_did_web(DID, _fetcher({DOC_URL: document}))
    key = public_key_for(resolved, f"{DID}#jwk")
    assert isinstance(key, PublicKey)
    key.verify(b"data", pair.sign(b"data"))


def test_a_jwk_with_private_material_is_refused(new_key: KeyPair) -> None:
    method = {"id": f"{DID}#jwk", "controller": DID, "publicKeyJwk": new_key.to_jwk(private=True)}
    document = {"id": DID, "verificationMethod": [method], "assertionMethod": ["#jwk"]}
    with pytest.raises(DidDocumentError, match="private"):
        public_key_for(document, f"{DID}#jwk")


def test_a_method_needs_exactly_one_key_form(new_key: KeyPair) -> None:
    public = new_key.public_key
    both = {"publicKeyMultibase": public.to_multikey(), "publicKeyJwk": public.to_jwk()}
    for extra in (both, {}, {"publicKeyMultibase": "zNotAKey"}):
        method = {"id": f"{DID}#k", "controller": DID, **extra}
        document = {"id": DID, "verificationMethod": [method], "assertionMethod": ["#k"]}
        with pytest.raises(DidDocumentError):
            public_key_for(document, f"{DID}#k")


def test_resolution_refuses_local_dids_before_fetching() -> None:
    fetch_json = _fetcher({})
    with pytest.raises(DidWebSyntaxError):
        resolve_did_web("did:web:localhost", fetch_json)
    assert fetch_json.calls == []
