"""The compiled JSON-LD path writes pyld's RDF for every Open Badges 3.0 credential it accepts.

Credentials come from tests/vc/ob3_strategies.py, across the whole OB 3.0 model. The referee is
pyld alone (``toRDF`` and URDNA2015 ``normalize`` with Laurel's offline document loader), and
for signatures an eddsa-rdfc-2022 pipeline written here from vc-di-eddsa section 3.2 on top of
pyld and ``cryptography``. Only the compiled path's public functions are called, so the tests
hold whatever its internals become.

Example counts come from a Hypothesis settings profile: ``laurel-properties`` by default, and
``bench-check`` (thousands of examples, ``make bench-check``) when the environment variable
``LAUREL_HYPOTHESIS_PROFILE`` names it.
"""

import copy
import difflib
import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import HealthCheck, event, given, settings
from pyld import jsonld as pyld
from pyld.canon import URDNA2015

from laurel.vc import data_integrity, jsonld
from laurel.vc.compiled import NotCompilable, canonize_compiled, to_nquads
from laurel.vc.keys import KeyPair
from tests.vc.ob3_strategies import (
    CONTEXT_SETS,
    V2,
    Json,
    credentials,
    jsonld_variants,
    laurel_credentials,
    unsafe_variants,
    unsigned_credentials,
)

PROFILE_VARIABLE = "LAUREL_HYPOTHESIS_PROFILE"
settings.register_profile(
    "laurel-properties",
    max_examples=120,
    deadline=None,
    database=None,
    # Whole credentials are large inputs by design.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
settings.register_profile("bench-check", settings.get_profile("laurel-properties"), max_examples=3000)
PROFILE = settings.get_profile(os.environ.get(PROFILE_VARIABLE, "laurel-properties"))


def _share(fraction: float) -> settings:
    """The profile with a fraction of its examples, for properties that cost more per example."""
    return settings(PROFILE, max_examples=max(10, int(PROFILE.max_examples * fraction)))


# Plain OB 3.0 JSON is what issuers write; at most this share of it may take the generic path.
PLAIN_FALLBACK_LIMIT = 0.05

# -- the referee: pyld -----------------------------------------------------------------------------


def pyld_canonical(document: Json) -> str:
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": jsonld.document_loader,
    }
    canonical: str = pyld.normalize(copy.deepcopy(document), options)
    return canonical


def pyld_nquads(document: Json) -> str:
    options = {"format": "application/n-quads", "documentLoader": jsonld.document_loader}
    nquads: str = pyld.to_rdf(copy.deepcopy(document), options)
    return nquads


# One N-Quads statement as pyld writes it. pyld escapes only \\ \t \n \r and ", so a literal
# may hold raw control characters and line separators: statements are split on "\n" alone.
_IRI = r"<[^>]*>"
_BLANK = r"_:[A-Za-z0-9_.\-]+"
_LITERAL = r'"((?:[^"\\]|\\.)*)"(?:\^\^<([^>]*)>|@([A-Za-z0-9\-]+))?'
_STATEMENT = re.compile(
    rf"({_IRI}|{_BLANK}) ({_IRI}) ({_IRI}|{_BLANK}|{_LITERAL})(?: ({_IRI}|{_BLANK}))? \.", re.DOTALL
)
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "\\": "\\"}


Statement = tuple[str, str, str, str]  # subject, predicate, object, graph ("" for the default graph)


def _statements(nquads: str) -> list[Statement]:
    statements: list[Statement] = []
    for line in nquads.split("\n"):
        if not line:
            continue
        match = _STATEMENT.fullmatch(line)
        assert match is not None, f"not an N-Quads statement: {line!r}"
        subject, predicate, obj, graph = match.group(1, 2, 3, 7)
        statements.append((subject, predicate, obj, graph or ""))
    return statements


def _unlabelled(nquads: str) -> Counter[tuple[str, ...]]:
    """The statements with every blank node label replaced by the same one."""
    return Counter(
        tuple("_:" if term.startswith("_:") else term for term in statement)
        for statement in _statements(nquads)
    )


def _unescape(escape: re.Match[str]) -> str:
    assert escape.group(1) in _ESCAPES, f"pyld never writes the escape \\{escape.group(1)}"
    return _ESCAPES[escape.group(1)]


def _term(text: str) -> dict[str, str]:
    if text.startswith("<"):
        return {"type": "IRI", "value": text[1:-1]}
    if text.startswith("_:"):
        return {"type": "blank node", "value": text}
    match = re.fullmatch(_LITERAL, text, re.DOTALL)
    assert match is not None
    value = re.sub(r"\\(.)", _unescape, match.group(1), flags=re.DOTALL)
    literal = {"type": "literal", "value": value, "datatype": match.group(2) or XSD_STRING}
    if match.group(3):
        literal |= {
            "datatype": "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
            "language": match.group(3),
        }
    return literal


def pyld_canonical_of_nquads(nquads: str) -> str:
    """pyld's URDNA2015 over N-Quads text, read here: pyld's own reader splits lines on U+2028."""
    dataset: dict[str, list[dict[str, Any]]] = {}
    for subject, predicate, obj, graph in _statements(nquads):
        quad = {"subject": _term(subject), "predicate": _term(predicate), "object": _term(obj)}
        dataset.setdefault(graph[1:-1] if graph.startswith("<") else graph or "@default", []).append(quad)
    canonical: str = URDNA2015().main(dataset, {"format": "application/n-quads"})
    return canonical


def _diff(expected: str, actual: str) -> str:
    lines = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "pyld", "compiled", lineterm="")
    return "\n".join(lines)


def compare_with_pyld(credential: Json) -> str:
    """Check the compiled path against pyld on one document; say which way it went."""
    original = copy.deepcopy(credential)
    try:
        canonical = canonize_compiled(credential)
    except NotCompilable:
        return "fallback"
    except jsonld.SafeModeError as compiled:
        with pytest.raises(jsonld.SafeModeError) as generic:
            jsonld.canonize(original)
        assert compiled.problems == generic.value.problems
        return "refused by safe mode"
    # What the compiled path signs, safe mode must accept, or a dropped term would go unsigned.
    jsonld.expand(original)
    expected = pyld_canonical(original)
    assert canonical == expected, _diff(expected, canonical)
    nquads = to_nquads(credential)
    assert _unlabelled(nquads) == _unlabelled(pyld_nquads(original)), _diff(pyld_nquads(original), nquads)
    # The same statements could still link blank nodes differently: compare the graphs' shapes too.
    assert pyld_canonical_of_nquads(nquads) == expected, _diff(expected, pyld_canonical_of_nquads(nquads))
    assert credential == original, "the compiled path changed its input"
    return "compiled"


# -- equality --------------------------------------------------------------------------------------


def test_plain_ob3_credentials_compile_to_pyld_rdf() -> None:
    outcomes: Counter[str] = Counter()

    @PROFILE
    @given(credentials())
    def check(credential: Json) -> None:
        outcome = compare_with_pyld(credential)
        outcomes[outcome] += 1
        event(outcome)

    check()
    total = sum(outcomes.values())
    # The model shapes issuers write must take the fast path, not merely agree when they do.
    assert outcomes["fallback"] <= total * PLAIN_FALLBACK_LIMIT, outcomes
    assert outcomes["compiled"] >= total / 2, outcomes


@_share(0.4)
@given(laurel_credentials())
def test_credentials_laurel_builds_always_compile_to_pyld_rdf(credential: Json) -> None:
    assert compare_with_pyld(credential) == "compiled"


@_share(0.4)
@given(jsonld_variants())
def test_json_ld_beyond_plain_ob3_compiles_to_pyld_rdf_or_is_refused(credential: Json) -> None:
    event(compare_with_pyld(credential))


@_share(0.4)
@given(unsafe_variants())
def test_the_compiled_path_never_accepts_what_safe_mode_refuses(case: tuple[str, Json]) -> None:
    change, credential = case
    with pytest.raises(jsonld.SafeModeError) as generic:
        jsonld.canonize(copy.deepcopy(credential))
    try:
        canonize_compiled(credential)
    except NotCompilable:
        event(f"{change}: fallback")
    except jsonld.SafeModeError as compiled:
        event(f"{change}: refused")
        assert compiled.problems == generic.value.problems
    else:
        pytest.fail(f"the compiled path accepted a document safe mode refuses ({change})")


# Regressions the generator found, kept as plain tests with what the specification says.


def test_an_invalid_context_list_raises_laurels_json_ld_error_on_both_paths() -> None:
    # OB 3.0.1 redefines terms VC 2.0 protects: JSON-LD 1.1 processing must fail (4.1.11 step 5).
    credential = {
        "@context": [V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": "https://example.edu/issuer",
        "credentialSubject": {"id": "did:example:learner"},
    }
    with pytest.raises(jsonld.JsonLdError):
        jsonld.canonize(credential)
    # Callers catch laurel.vc.jsonld.JsonLdError (NotCompilable is one); pyld's own error is not.
    with pytest.raises(jsonld.JsonLdError):
        canonize_compiled(credential)


def test_a_repeated_node_with_an_empty_list_canonizes_the_same_on_both_paths() -> None:
    # Found by the generator: one ResultDescription written twice (as two awards of one
    # achievement would) with "allowedValue": []. pyld merges the two into one node but keeps
    # both empty lists, so it writes "<…/r> allowedValue rdf:nil" twice; the compiled path
    # writes it once. A credential's hash must not depend on the path that computed it.
    description = {"id": "https://example.edu/r", "type": "ResultDescription", "allowedValue": []}
    achievement = {
        "@context": [V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "https://example.edu/a",
        "type": "Achievement",
        "resultDescription": [description, copy.deepcopy(description)],
    }
    assert canonize_compiled(achievement) == jsonld.canonize(achievement)


def test_every_context_set_the_generator_uses_is_valid_json_ld() -> None:
    for contexts in set(CONTEXT_SETS):
        minimal = {
            "@context": contexts.urls,
            "type": "VerifiableCredential",
            "issuer": "https://example.edu/i",
        }
        assert canonize_compiled(minimal) == pyld_canonical(minimal), contexts.urls


# -- signatures, both ways -------------------------------------------------------------------------

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = ""
    while number:
        number, digit = divmod(number, 58)
        digits = _ALPHABET[digit] + digits
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


def unbase58(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _ALPHABET.index(char)
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


SECRET = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"laurel compiled property tests").digest())
PUBLIC = SECRET.public_key()
# did:key: multibase base58btc of the ed25519-pub multicodec (0xed 0x01) and the raw key.
_MULTIKEY = "z" + base58(b"\xed\x01" + PUBLIC.public_bytes(Encoding.Raw, PublicFormat.Raw))
METHOD = f"did:key:{_MULTIKEY}#{_MULTIKEY}"
CREATED = "2024-03-01T09:00:00Z"
PROOF_OPTIONS = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": CREATED,
    "verificationMethod": METHOD,
    "proofPurpose": "assertionMethod",
}


def signing_input(document: Json, options: Json, canonize: Any = pyld_canonical) -> bytes:
    """vc-di-eddsa 3.2.4-3.2.6: hash of the proof configuration, then of the document."""
    config = {**options, "@context": document["@context"]}
    return (
        hashlib.sha256(canonize(config).encode()).digest()
        + hashlib.sha256(canonize(document).encode()).digest()
    )


def independent_sign(document: Json) -> Json:
    signature = SECRET.sign(signing_input(document, PROOF_OPTIONS))
    return {**copy.deepcopy(document), "proof": {**PROOF_OPTIONS, "proofValue": "z" + base58(signature)}}


def independent_verify(
    signed: Json, public: Ed25519PublicKey = PUBLIC, canonize: Any = pyld_canonical
) -> bool:
    proof = signed["proof"]
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    unsecured = {name: value for name, value in signed.items() if name != "proof"}
    assert proof["proofValue"].startswith("z")
    try:
        public.verify(unbase58(proof["proofValue"][1:]), signing_input(unsecured, options, canonize))
    except InvalidSignature:
        return False
    return True


@_share(0.25)
@given(unsigned_credentials())
def test_signatures_from_either_path_verify_on_the_other(credential: Json) -> None:
    signed = data_integrity.sign(credential, KeyPair(SECRET), verification_method=METHOD, created=CREATED)
    assert independent_verify(signed)
    other = independent_sign(credential)
    assert data_integrity.verify(other)["proofValue"] == other["proof"]["proofValue"]
    # Ed25519 is deterministic: the same bytes signed give the same signature.
    assert signed["proof"]["proofValue"] == other["proof"]["proofValue"]


def test_the_independent_verifier_rejects_a_changed_credential() -> None:
    credential = {
        "@context": [V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": "https://example.edu/issuer",
        "validFrom": "2024-03-01T09:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "type": "AchievementSubject"},
    }
    signed = independent_sign(credential)
    assert independent_verify(signed)
    changed = {**signed, "validFrom": "2024-03-01T09:00:01Z"}
    assert not independent_verify(changed)
    with pytest.raises(data_integrity.ProofVerificationError):
        data_integrity.verify(changed)


# -- official vectors on the compiled path ---------------------------------------------------------


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _w3c_vector(conformance: Path) -> dict[str, Any]:
    folder = conformance / "vc-di-eddsa"
    rdfc = folder / "eddsa-rdfc-2022"
    pair = json.loads(_text(folder / "keyPair.json"))
    secret = unbase58(pair["privateKeyMultibase"][1:])
    assert secret[:2] == b"\x80\x26"  # the ed25519-priv multicodec
    config = json.loads(_text(rdfc / "proofConfigDataInt.json"))
    signed = json.loads(_text(rdfc / "signedDataInt.json"))
    return {
        "seed": secret[2:],
        "unsigned": json.loads(_text(folder / "unsigned.json")),
        "options": {name: value for name, value in config.items() if name != "@context"},
        "proof canon": _text(rdfc / "proofCanonDataInt.txt"),
        "document canon": _text(rdfc / "canonDocDataInt.txt"),
        "proof hash": _text(rdfc / "proofHashDataInt.txt").strip(),
        "document hash": _text(rdfc / "docHashDataInt.txt").strip(),
        "signature": _text(rdfc / "sigHexDataInt.txt").strip(),
        "proofValue": _text(rdfc / "sigBTC58DataInt.txt").strip(),
        "signed": signed,
    }


def _ob3_vector(conformance: Path) -> dict[str, Any]:
    folder = conformance / "ob3-rdfc-vector"
    vector = json.loads(_text(folder / "vector.json"))
    expected = vector["expected"]
    proof = {**vector["proofOptions"], "proofValue": expected["proofValue"]}
    return {
        "seed": bytes.fromhex(vector["keyPair"]["privateKeySeedHex"]),
        "unsigned": vector["unsigned"],
        "options": vector["proofOptions"],
        "proof canon": _text(folder / expected["proofCanonicalFile"]),
        "document canon": _text(folder / expected["documentCanonicalFile"]),
        "proof hash": expected["proofHashHex"],
        "document hash": expected["documentHashHex"],
        "signature": expected["signatureHex"],
        "proofValue": expected["proofValue"],
        "signed": {**vector["unsigned"], "proof": proof},
    }


@pytest.mark.parametrize("load", [_w3c_vector, _ob3_vector], ids=["vc-di-eddsa", "ob3"])
def test_the_official_eddsa_rdfc_vectors_pass_on_the_compiled_path(conformance: Path, load: Any) -> None:
    vector = load(conformance)
    unsigned, options = vector["unsigned"], vector["options"]
    config = {**options, "@context": unsigned["@context"]}
    proof_canon, document_canon = canonize_compiled(config), canonize_compiled(unsigned)
    assert proof_canon.strip() == vector["proof canon"].strip()
    assert document_canon.strip() == vector["document canon"].strip()
    assert hashlib.sha256(proof_canon.encode()).hexdigest() == vector["proof hash"]
    assert hashlib.sha256(document_canon.encode()).hexdigest() == vector["document hash"]
    signature = Ed25519PrivateKey.from_private_bytes(vector["seed"]).sign(
        signing_input(unsigned, options, canonize_compiled)
    )
    assert signature.hex() == vector["signature"]
    assert "z" + base58(signature) == vector["proofValue"] == vector["signed"]["proof"]["proofValue"]
    public = Ed25519PrivateKey.from_private_bytes(vector["seed"]).public_key()
    assert independent_verify(vector["signed"], public, canonize_compiled)
    # With its proof, which VC 2.0 makes a named graph of its own.
    assert canonize_compiled(vector["signed"]) == pyld_canonical(vector["signed"])


@pytest.mark.parametrize("number", [-0.0, 5e-7, 1e21, 10**21, 2**64, 5e-324, 1.7976931348623157e308, True])
def test_edge_numbers_compile_to_pyld_literals_on_every_numeric_property(number: Any) -> None:
    credential = copy.deepcopy(_NUMBERS_CREDENTIAL)
    subject = credential["credentialSubject"]
    subject["creditsEarned"] = number
    subject["achievement"]["creditsAvailable"] = number
    subject["result"][0]["value"] = number
    credential["issuer"]["address"]["geo"] |= {"latitude": number, "longitude": number}
    credential["credentialStatus"]["statusSize"] = number
    assert compare_with_pyld(credential) == "compiled"


_NUMBERS_CREDENTIAL: Json = {
    "@context": [V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "id": "urn:uuid:8d3c8f4e-0f5e-4c1b-9a57-0f3c1c2f7a10",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {
        "id": "https://example.edu/issuer",
        "type": "Profile",
        "address": {"type": "Address", "geo": {"type": "GeoCoordinates"}},
    },
    "validFrom": "2024-03-01T09:00:00Z",
    "credentialSubject": {
        "id": "did:example:learner",
        "type": "AchievementSubject",
        "achievement": {
            "id": "https://example.edu/a",
            "type": "Achievement",
            "name": "수학",
            "criteria": {"narrative": "풀이"},
        },
        "result": [{"type": "Result"}],
    },
    "credentialStatus": {
        "id": "https://example.edu/status/1#7",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "message",
        "statusListIndex": "7",
        "statusListCredential": "https://example.edu/status/1",
    },
}


def test_identical_anonymous_siblings_need_the_n_degree_algorithm_and_still_match() -> None:
    alignment = {"type": ["Alignment"], "targetName": "협업", "targetUrl": "https://example.edu/skills/1"}
    result = {"type": ["Result"], "status": "Completed", "alignment": [alignment, alignment]}
    credential = copy.deepcopy(_NUMBERS_CREDENTIAL)
    subject = credential["credentialSubject"]
    del subject["id"]  # an anonymous subject ties its results together through one blank node
    subject["result"] = [result, copy.deepcopy(result), copy.deepcopy(result)]
    subject["identifier"] = [
        {"type": "IdentityObject", "hashed": False, "identityHash": "김하늘", "identityType": "name"}
    ] * 2
    assert compare_with_pyld(credential) == "compiled"
    # Three results and six alignments with identical statements: first-degree hashes tie.
    lines = pyld_nquads(credential).splitlines()
    assert sum("targetName" in line for line in lines) == 6
