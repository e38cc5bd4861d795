import json
import socket
from pathlib import Path
from typing import Any

import pytest

from laurel.vc import jsonld

V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CRED = "https://www.w3.org/2018/credentials#"
OBV = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"


def _credential(**members: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [V2, OB],
        "id": "urn:uuid:2a6b4c6e-0d5e-4b6f-9d47-5c3f0e1a7b21",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://example.com/issuers/1", "type": "Profile", "name": "Hanbit"},
        "validFrom": "2024-03-01T00:00:00Z",
        "credentialSubject": {
            "type": "AchievementSubject",
            "achievement": {
                "id": "https://example.com/achievements/1",
                "type": "Achievement",
                "name": "Kimchi",
            },
        },
    }
    document.update(members)
    return document


def _problems(document: Any) -> list[str]:
    with pytest.raises(jsonld.SafeModeError) as caught:
        jsonld.expand(document)
    return caught.value.problems


def test_it_expands_a_credential_with_its_own_contexts() -> None:
    expanded = jsonld.expand(_credential())
    node = expanded[0]
    assert node["@type"] == [f"{CRED}VerifiableCredential", f"{OBV}OpenBadgeCredential"]
    subject = node[f"{CRED}credentialSubject"][0]
    assert subject[f"{OBV}achievement"][0]["@id"] == "https://example.com/achievements/1"


def test_it_reproduces_the_w3c_rdfc_canonical_form(conformance: Path) -> None:
    unsigned = json.loads((conformance / "vc-di-eddsa" / "unsigned.json").read_text())
    expected = (conformance / "vc-di-eddsa" / "eddsa-rdfc-2022" / "canonDocDataInt.txt").read_text()
    assert jsonld.canonize(unsigned) == expected


def test_load_context_returns_a_fresh_copy() -> None:
    first = jsonld.load_context(V2)
    first["@context"]["id"] = "changed"
    assert jsonld.load_context(V2)["@context"]["id"] == "@id"


def test_the_loader_returns_a_remote_document_for_a_known_url() -> None:
    remote = jsonld.document_loader(V1)
    assert remote["documentUrl"] == V1
    assert remote["document"]["@context"]["@version"] == 1.1


def test_the_loader_refuses_an_unknown_url() -> None:
    with pytest.raises(jsonld.UnknownContextError) as caught:
        jsonld.document_loader("https://example.com/context.json")
    assert caught.value.url == "https://example.com/context.json"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.parametrize(
    "context",
    [
        "https://example.com/remote-context.jsonld",
        [V2, "http://127.0.0.1:8000/context"],
        [V2, {"@import": "https://example.com/imported.jsonld"}],
        [V2, {"scoped": {"@id": "https://example.com/scoped", "@context": "https://example.com/inner"}}],
    ],
    ids=["remote", "loopback", "import", "scoped"],
)
def test_unknown_contexts_are_errors_and_never_fetched(no_network: None, context: Any) -> None:
    document = {"@context": context, "scoped": {"a": 1}}
    for safe in (True, False):
        with pytest.raises(jsonld.UnknownContextError):
            jsonld.expand(document, safe=safe)
    with pytest.raises(jsonld.UnknownContextError):
        jsonld.canonize(document)


def test_an_embedded_unknown_context_in_a_nested_object_is_refused(no_network: None) -> None:
    credential = _credential()
    credential["credentialSubject"]["@context"] = "https://example.com/evil"
    with pytest.raises(jsonld.UnknownContextError):
        jsonld.expand(credential)


def test_extra_contexts_are_served_without_fetching(no_network: None) -> None:
    extra = {"https://example.com/mine": {"@context": {"colour": "https://example.com/vocab#colour"}}}
    document = {"@context": "https://example.com/mine", "@id": "https://example.com/a", "colour": "red"}
    expanded = jsonld.expand(document, extra_contexts=extra)
    assert expanded[0]["https://example.com/vocab#colour"] == [{"@value": "red"}]
    # A context supplied for one call is not remembered for the next.
    with pytest.raises(jsonld.UnknownContextError):
        jsonld.expand(document)


def test_an_undefined_term_is_an_error_with_its_path() -> None:
    credential = _credential()
    credential["credentialSubject"]["achievement"]["flavour"] = "spicy"
    assert _problems(credential) == [
        "credentialSubject.achievement.flavour: term is not defined by the active context"
    ]


def test_without_safe_mode_the_undefined_term_is_silently_dropped() -> None:
    credential = _credential()
    credential["credentialSubject"]["achievement"]["flavour"] = "spicy"
    assert jsonld.expand(credential, safe=False) == jsonld.expand(_credential())


def test_undefined_terms_inside_arrays_are_located_by_index() -> None:
    credential = _credential(
        evidence=[
            {"id": "https://example.com/e/1", "type": ["Evidence"], "name": "one"},
            {"id": "https://example.com/e/2", "type": ["Evidence"], "smell": "two"},
        ]
    )
    assert _problems(credential) == ["evidence[1].smell: term is not defined by the active context"]


def test_a_term_outside_its_type_scope_is_undefined() -> None:
    # "achievement" is only defined inside an AchievementSubject node.
    credential = _credential()
    credential["credentialSubject"] = {"achievement": {"id": "https://example.com/achievements/1"}}
    assert _problems(credential) == [
        "credentialSubject.achievement: term is not defined by the active context"
    ]


def test_a_keyword_lookalike_is_an_error() -> None:
    assert _problems(_credential(**{"@comment": "hi"})) == [
        "@comment: term is not defined by the active context"
    ]


def test_a_null_value_is_a_dropped_property() -> None:
    problems = _problems(_credential(name=None))
    assert problems[0] == "name: null value, so the property is dropped"


def test_a_null_inside_an_array_is_a_dropped_value() -> None:
    credential = _credential()
    credential["credentialSubject"]["achievement"]["tag"] = ["one", None]
    assert _problems(credential) == [
        "credentialSubject.achievement.tag[1]: null value, so the value is dropped"
    ]


def test_a_relative_id_is_an_error() -> None:
    assert _problems(_credential(id="credentials/1")) == ["id: relative @id 'credentials/1'"]


def test_a_relative_iri_value_is_an_error() -> None:
    credential = _credential()
    credential["credentialSubject"]["achievement"]["id"] = "/achievements/1"
    assert _problems(credential) == ["credentialSubject.achievement.id: relative @id '/achievements/1'"]


def test_an_id_typed_string_that_is_relative_is_an_error() -> None:
    assert _problems(_credential(issuer="issuers/1")) == ["issuer: relative IRI 'issuers/1'"]


def test_a_relative_type_is_an_error() -> None:
    problems = _problems(_credential(type=["VerifiableCredential", "OpenBadgeCredential", "BadgeOfHonour"]))
    assert problems == ["type[2]: relative @type 'BadgeOfHonour' (not defined by the active context)"]


def test_blank_node_ids_and_absolute_iris_of_any_scheme_are_allowed() -> None:
    credential = _credential(id="_:credential")
    credential["credentialSubject"]["id"] = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    assert jsonld.expand(credential)


def test_free_floating_values_in_a_graph_are_dropped_values() -> None:
    document = {
        "@context": V2,
        "@graph": [
            {"id": "https://example.com/a", "name": "kept"},
            "a free-floating string",
            {"id": "https://example.com/only-an-id"},
        ],
    }
    assert _problems(document) == [
        "@graph[1]: value is dropped during expansion (free-floating or empty)",
        "@graph[2]: value is dropped during expansion (free-floating or empty)",
    ]


def test_undefined_terms_inside_a_graph_container_are_found() -> None:
    credential = _credential(
        proof={
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "proofPurpose": "assertionMethod",
            "signedBy": "me",
        }
    )
    assert _problems(credential) == ["proof.signedBy: term is not defined by the active context"]


def test_a_property_scoped_context_defines_its_terms() -> None:
    credential = _credential(
        credentialStatus={
            "id": "https://example.com/status/1#5",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "5",
            "statusListCredential": "https://example.com/status/1",
        }
    )
    assert jsonld.expand(credential)
    credential["credentialStatus"]["type"] = "SomethingElse"
    assert "credentialStatus.statusPurpose: term is not defined by the active context" in _problems(
        credential
    )


def test_every_problem_is_reported_at_once() -> None:
    credential = _credential(id="relative", colour="red")
    credential["credentialSubject"]["mood"] = "happy"
    problems = _problems(credential)
    assert len(problems) == 3
    assert "colour: term is not defined by the active context" in problems
    assert "credentialSubject.mood: term is not defined by the active context" in problems
    assert "id: relative @id 'relative'" in problems


def test_the_error_message_names_the_problems() -> None:
    with pytest.raises(jsonld.SafeModeError, match=r"colour: term is not defined"):
        jsonld.canonize(_credential(colour="red"))


def test_canonize_without_safe_mode_drops_what_is_undefined() -> None:
    assert jsonld.canonize(_credential(colour="red"), safe=False) == jsonld.canonize(_credential())


def test_issuer_dependent_terms_are_listed_not_rejected() -> None:
    issuer_dependent = {"@vocab": "https://www.w3.org/ns/credentials/issuer-dependent#"}
    document = _credential()
    document["@context"] = [V2, OB, issuer_dependent]
    document["type"] = ["VerifiableCredential", "OpenBadgeCredential", "CampusCredential"]
    document["credentialSubject"]["house"] = "Gryffindor"
    assert jsonld.expand(document)
    assert jsonld.issuer_dependent_terms(document) == ["credentialSubject.house", "type[2]"]


def test_a_credential_with_only_defined_terms_has_no_issuer_dependent_terms() -> None:
    assert jsonld.issuer_dependent_terms(_credential()) == []


def test_invalid_json_ld_is_a_json_ld_error() -> None:
    with pytest.raises(jsonld.JsonLdError, match="invalid JSON-LD"):
        jsonld.expand({"@context": V2, "@id": 5})


def test_a_document_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand("not a document")  # type: ignore[arg-type]


def test_a_deeply_nested_document_is_an_error_not_a_crash() -> None:
    node: dict[str, Any] = {"id": "https://example.com/leaf"}
    for _ in range(5000):
        node = {"@context": V2, "https://example.com/p": node}
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(node)
