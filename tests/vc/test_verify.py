import json
import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from laurel.vc import baking, data_integrity, did_web, ob3, status_list
from laurel.vc.fetch import Fetcher, FetchResult
from laurel.vc.jwt import sign_vc_jwt
from laurel.vc.keys import KeyKind, KeyPair
from laurel.vc.verify import Report, VerificationFailed, verify, verify_or_raise

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
CREATED = "2025-01-01T00:00:00Z"
WEB_DID = "did:web:issuer.example"
WEB_DID_URL = "https://issuer.example/.well-known/did.json"
LIST_URL = "https://issuer.example/status/1"
REASONS_TERM = "https://issuer.example/vocab#statusReasons"
HAS_RDFC = callable(getattr(data_integrity, "sign", None)) and callable(
    getattr(data_integrity, "verify", None)
)


def _no_network(host: str, port: int) -> list[str]:
    raise OSError(f"tests never resolve {host}")


@dataclass(frozen=True)
class RecordingFetcher(Fetcher):
    """Serves overrides only and records every URL asked for."""

    requests: list[str] = field(default_factory=list)
    resolver: Any = _no_network

    def fetch(self, url: str, *, accept: str = "application/json") -> FetchResult:
        self.requests.append(url)
        return super().fetch(url, accept=accept)


def fetcher(documents: dict[str, Any] | None = None) -> RecordingFetcher:
    overrides = {
        url: doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        for url, doc in (documents or {}).items()
    }
    return RecordingFetcher(overrides=overrides)


def credential(
    issuer: str,
    *,
    status: dict[str, str] | None = None,
    valid_from: datetime = datetime(2025, 1, 1, tzinfo=UTC),
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """An unsigned OpenBadgeCredential from Laurel's own builder."""
    return ob3.build_credential(
        credential_id="urn:uuid:7f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
        issuer=ob3.IssuerProfile(id=issuer, name="Hanbit Academy"),
        achievement=ob3.AchievementInfo(
            id="https://issuer.example/achievements/python",
            name="Python Basics",
            description="Writes small Python programs.",
            criteria=ob3.Criteria(narrative="Pass the final project."),
        ),
        recipient=ob3.Recipient(email="learner@example.com", salt="pepper"),
        name="Python Basics",
        valid_from=valid_from,
        valid_until=valid_until,
        credential_status=status,
    )


DEFAULT_SUITE = "eddsa-rdfc-2022" if HAS_RDFC else "eddsa-jcs-2022"


def sign(document: dict[str, Any], key: KeyPair, method: str, suite: str = DEFAULT_SUITE) -> dict[str, Any]:
    if suite == "eddsa-jcs-2022":
        return data_integrity.sign_jcs(document, key, verification_method=method, created=CREATED)
    return data_integrity.sign(document, key, verification_method=method, created=CREATED, cryptosuite=suite)


def did_key_signed(key: KeyPair | None = None, suite: str = DEFAULT_SUITE, **options: Any) -> dict[str, Any]:
    key = key or KeyPair.generate()
    return sign(
        credential(key.public_key.did_key(), **options), key, key.public_key.verification_method_id(), suite
    )


def statuses(report: Report) -> dict[str, str]:
    return {check.id: check.status for check in report.checks}


def failed(report: Report, check_id: str) -> str:
    check = report.check(check_id)
    assert check is not None and check.status == "fail", statuses(report)
    return check.message_en


SUITES = [
    "eddsa-jcs-2022",
    pytest.param("eddsa-rdfc-2022", marks=pytest.mark.skipif(not HAS_RDFC, reason="rdfc")),
]


@pytest.mark.parametrize("suite", SUITES)
def test_it_accepts_a_credential_signed_by_its_did_key_issuer(suite: str) -> None:
    report = verify(did_key_signed(suite=suite), now=NOW, fetcher=fetcher())
    assert report.valid
    assert statuses(report) == {
        "input": "pass",
        "structure": "pass",
        "jsonld": "pass",
        "proof": "pass",
        "issuer": "pass",
        "validity": "pass",
        "status": "skipped",
    }
    assert report.credential is not None and report.credential["type"][-1] == "OpenBadgeCredential"


@pytest.mark.parametrize("suite", SUITES)
def test_it_rejects_a_tampered_credential(suite: str) -> None:
    signed = did_key_signed(suite=suite)
    signed["credentialSubject"]["achievement"]["name"] = "Python Mastery"
    report = verify(signed, now=NOW, fetcher=fetcher())
    assert not report.valid
    assert "signature" in failed(report, "proof")


def test_it_names_an_unsupported_cryptosuite() -> None:
    signed = did_key_signed()
    signed["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    assert "not supported" in failed(verify(signed, now=NOW, fetcher=fetcher()), "proof")


def test_it_rejects_a_signature_by_another_did_key_than_the_issuer() -> None:
    issuer, intruder = KeyPair.generate(), KeyPair.generate()
    signed = sign(
        credential(issuer.public_key.did_key()), intruder, intruder.public_key.verification_method_id()
    )
    report = verify(signed, now=NOW, fetcher=fetcher())
    assert report.check("proof").status == "pass"  # type: ignore[union-attr]
    assert "not of the issuer" in failed(report, "issuer")
    assert not report.valid


def test_it_rejects_a_proof_whose_method_is_not_the_signing_key() -> None:
    issuer, intruder = KeyPair.generate(), KeyPair.generate()
    signed = sign(
        credential(issuer.public_key.did_key()), intruder, issuer.public_key.verification_method_id()
    )
    assert not verify(signed, now=NOW, fetcher=fetcher()).valid


def test_it_reports_an_expired_credential() -> None:
    signed = did_key_signed(valid_until=datetime(2025, 3, 1, tzinfo=UTC))
    report = verify(signed, now=NOW, fetcher=fetcher())
    assert "expired" in failed(report, "validity")
    assert "만료" in report.check("validity").message_ko  # type: ignore[union-attr]
    assert verify(signed, now=datetime(2025, 2, 1, tzinfo=UTC), fetcher=fetcher()).valid


def test_it_reports_a_credential_that_is_not_valid_yet() -> None:
    signed = did_key_signed(valid_from=datetime(2026, 1, 1, tzinfo=UTC))
    report = verify(signed, now=NOW, fetcher=fetcher())
    assert "not valid yet" in failed(report, "validity")


def test_an_https_issuer_signing_with_did_key_is_valid_with_a_warning() -> None:
    key = KeyPair.generate()
    signed = sign(credential("https://issuer.example/profile"), key, key.public_key.verification_method_id())
    report = verify(signed, now=NOW, fetcher=fetcher())
    assert report.valid
    issuer = report.check("issuer")
    assert issuer is not None and issuer.status == "warning"
    assert "cannot be linked" in issuer.message_en


# -- did:web issuers -------------------------------------------------------------------------


def did_web_signed(
    key: KeyPair, *, published: list[tuple[str, KeyPair]], **options: Any
) -> tuple[dict, dict]:
    document = did_web.build_did_document(WEB_DID, [(name, pair.public_key) for name, pair in published])
    signed = sign(credential(WEB_DID, **options), key, f"{WEB_DID}#key-1")
    return signed, document


def test_it_resolves_a_did_web_issuer_through_the_fetcher() -> None:
    key = KeyPair.generate()
    signed, document = did_web_signed(key, published=[("key-1", key)])
    recorder = fetcher({WEB_DID_URL: document})
    report = verify(signed, now=NOW, fetcher=recorder)
    assert report.valid, statuses(report)
    assert report.check("issuer").status == "pass"  # type: ignore[union-attr]
    assert recorder.requests == [WEB_DID_URL]


def test_it_rejects_a_key_withdrawn_from_the_did_document() -> None:
    # Marking key-1 compromised removes it; only the new key-2 stays published.
    old, new = KeyPair.generate(), KeyPair.generate()
    signed, document = did_web_signed(old, published=[("key-2", new)])
    report = verify(signed, now=NOW, fetcher=fetcher({WEB_DID_URL: document}))
    assert "withdrawn or marked compromised" in failed(report, "proof")
    assert not report.fetch_failed


def test_it_rejects_a_did_web_key_that_is_listed_under_another_key() -> None:
    key, other = KeyPair.generate(), KeyPair.generate()
    signed, document = did_web_signed(key, published=[("key-1", other)])
    assert not verify(signed, now=NOW, fetcher=fetcher({WEB_DID_URL: document})).valid


def test_an_unreachable_did_document_is_a_fetch_failure() -> None:
    key = KeyPair.generate()
    signed, _document = did_web_signed(key, published=[("key-1", key)])
    report = verify(signed, now=NOW, fetcher=fetcher())
    assert "Could not fetch" in failed(report, "proof")
    assert report.fetch_failed


# -- status lists ----------------------------------------------------------------------------


def status_setup(
    purpose: str = "revocation", *, set_bit: bool, reason: str | None = None, list_key: KeyPair | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A did:web credential at index 1234 of a list at LIST_URL, and the documents to serve."""
    key = KeyPair.generate()
    entry = status_list.status_list_entry(LIST_URL, 1234, purpose)
    signed, document = did_web_signed(key, published=[("key-1", key)], status=entry)
    bits = status_list.Bitstring()
    bits.set(1234, set_bit)
    unsigned = status_list.status_list_credential(
        LIST_URL, WEB_DID, purpose, bits, valid_from=datetime(2025, 1, 1, tzinfo=UTC)
    )
    if reason is not None:
        # How Laurel publishes reasons: a JSON literal term, so the list stays signable in safe mode.
        unsigned["@context"].append({"statusReasons": {"@id": REASONS_TERM, "@type": "@json"}})
        unsigned["credentialSubject"]["statusReasons"] = {"1234": reason}
    signer = list_key or key
    status_credential = sign(unsigned, signer, f"{WEB_DID}#key-1")
    return signed, {WEB_DID_URL: document, LIST_URL: status_credential}


def test_it_accepts_a_credential_whose_status_bit_is_clear() -> None:
    signed, documents = status_setup(set_bit=False)
    recorder = fetcher(documents)
    report = verify(signed, now=NOW, fetcher=recorder)
    assert report.valid, statuses(report)
    assert report.check("status").status == "pass"  # type: ignore[union-attr]
    assert LIST_URL in recorder.requests


def test_it_reports_a_revoked_credential_with_its_public_reason() -> None:
    signed, documents = status_setup(set_bit=True, reason="Issued to the wrong learner")
    report = verify(signed, now=NOW, fetcher=fetcher(documents))
    message = failed(report, "status")
    assert "revoked" in message and "Issued to the wrong learner" in message
    assert "철회" in report.check("status").message_ko  # type: ignore[union-attr]
    assert report.check("status").details["reason"] == "Issued to the wrong learner"  # type: ignore[union-attr]


def test_it_says_revoked_when_no_reason_is_published() -> None:
    signed, documents = status_setup(set_bit=True)
    assert failed(verify(signed, now=NOW, fetcher=fetcher(documents)), "status") == (
        "The credential has been revoked."
    )


def test_it_reports_a_suspended_credential() -> None:
    signed, documents = status_setup("suspension", set_bit=True)
    report = verify(signed, now=NOW, fetcher=fetcher(documents))
    assert "suspended" in failed(report, "status")
    assert not report.fetch_failed


def test_an_unreachable_status_list_is_a_fetch_failure() -> None:
    signed, documents = status_setup(set_bit=False)
    del documents[LIST_URL]
    report = verify(signed, now=NOW, fetcher=fetcher(documents))
    assert "Could not fetch" in failed(report, "status")
    assert report.fetch_failed


def test_it_rejects_a_status_list_signed_by_someone_else() -> None:
    intruder = KeyPair.generate()
    signed, documents = status_setup(set_bit=False, list_key=intruder)
    assert "not trustworthy" in failed(verify(signed, now=NOW, fetcher=fetcher(documents)), "status")


def test_it_does_not_fetch_the_status_list_when_the_signature_fails() -> None:
    signed, documents = status_setup(set_bit=False)
    signed["name"] = "Changed"
    recorder = fetcher(documents)
    report = verify(signed, now=NOW, fetcher=recorder)
    assert report.check("status").status == "skipped"  # type: ignore[union-attr]
    assert LIST_URL not in recorder.requests


# -- VC-JWT and baked images ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["Ed25519", "P-256", "RSA"])
def test_it_verifies_vc_jwts_of_every_allowed_algorithm(kind: KeyKind) -> None:
    key = KeyPair.generate(kind)
    token = sign_vc_jwt(
        credential(key.public_key.did_key()), key, kid=key.public_key.verification_method_id()
    )
    report = verify(token, now=NOW, fetcher=fetcher())
    assert report.valid, statuses(report)
    assert report.format == "jwt"
    assert report.check("proof").details["suite"] == f"VC-JWT {key.alg}"  # type: ignore[union-attr]


def test_a_vc_jwt_naming_its_key_only_by_jwk_is_bound_to_a_matching_did_key_issuer() -> None:
    key = KeyPair.generate("P-256")
    token = sign_vc_jwt(credential(key.public_key.did_key()), key, embed_jwk=True)
    assert verify(token, now=NOW, fetcher=fetcher()).check("issuer").status == "pass"  # type: ignore[union-attr]
    stranger = sign_vc_jwt(credential("https://issuer.example/profile"), key, embed_jwk=True)
    report = verify(stranger, now=NOW, fetcher=fetcher())
    assert report.valid and report.check("issuer").status == "warning"  # type: ignore[union-attr]
    other_did = sign_vc_jwt(credential(KeyPair.generate().public_key.did_key()), key, embed_jwk=True)
    assert "not of the issuer" in failed(verify(other_did, now=NOW, fetcher=fetcher()), "issuer")


def test_it_rejects_a_vc_jwt_with_a_changed_payload() -> None:
    key = KeyPair.generate("P-256")
    token = sign_vc_jwt(
        credential(key.public_key.did_key()), key, kid=key.public_key.verification_method_id()
    )
    header, _payload, signature = token.split(".")
    other = sign_vc_jwt(credential(KeyPair.generate("P-256").public_key.did_key()), key, embed_jwk=True)
    report = verify(f"{header}.{other.split('.')[1]}.{signature}", now=NOW, fetcher=fetcher())
    assert not report.valid


def test_an_expired_vc_jwt_has_a_valid_signature_but_fails_validity() -> None:
    key = KeyPair.generate()
    unsigned = credential(key.public_key.did_key(), valid_until=datetime(2025, 2, 1, tzinfo=UTC))
    token = sign_vc_jwt(unsigned, key, kid=key.public_key.verification_method_id())
    report = verify(token, now=NOW, fetcher=fetcher())
    assert report.check("proof").status == "pass"  # type: ignore[union-attr]
    assert "expired" in failed(report, "validity")


def png_image() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        baking.PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0"))
        + chunk(b"IEND", b"")
    )


SVG_IMAGE = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>'


@pytest.mark.parametrize("image", ["png", "svg"])
@pytest.mark.parametrize("as_jwt", [False, True], ids=["json", "jwt"])
def test_it_verifies_baked_images(image: str, as_jwt: bool) -> None:
    key = KeyPair.generate()
    payload: Any = (
        sign_vc_jwt(credential(key.public_key.did_key()), key, kid=key.public_key.verification_method_id())
        if as_jwt
        else did_key_signed(key)
    )
    baked = baking.bake(png_image() if image == "png" else SVG_IMAGE, payload)
    report = verify(baked, now=NOW, fetcher=fetcher())
    assert report.valid, statuses(report)
    assert report.format == image


def test_a_baked_image_without_a_credential_is_unreadable() -> None:
    report = verify(png_image(), now=NOW, fetcher=fetcher())
    assert report.unreadable and not report.valid


# -- report and JSON-LD ----------------------------------------------------------------------


def test_verify_or_raise_carries_the_report() -> None:
    signed = did_key_signed()
    assert verify_or_raise(signed, now=NOW, fetcher=fetcher()).valid
    signed["name"] = "Changed"
    with pytest.raises(VerificationFailed) as caught:
        verify_or_raise(signed, now=NOW, fetcher=fetcher())
    assert caught.value.report.check("proof").status == "fail"  # type: ignore[union-attr]


def test_the_report_is_json_ready_in_both_languages() -> None:
    report = verify(did_key_signed(), now=NOW, fetcher=fetcher())
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["valid"] is True and data["fetch_failed"] is False and data["format"] == "json"
    assert [check["id"] for check in data["checks"]] == [
        "input", "structure", "jsonld", "proof", "issuer", "validity", "status"
    ]  # fmt: skip
    for check in data["checks"]:
        assert check["message_en"] and any("\uac00" <= char <= "\ud7a3" for char in check["message_ko"])


def test_it_fails_an_unknown_context_without_fetching_it() -> None:
    key = KeyPair.generate()
    unsigned = credential(key.public_key.did_key())
    unsigned["@context"].append("https://evil.example/context.json")
    recorder = fetcher()
    # eddsa-rdfc-2022 cannot even sign this; a JCS proof does not look at contexts.
    signed = sign(unsigned, key, key.public_key.verification_method_id(), "eddsa-jcs-2022")
    report = verify(signed, now=NOW, fetcher=recorder)
    assert "unknown context" in failed(report, "jsonld")
    assert recorder.requests == []


def test_it_fails_undefined_terms() -> None:
    key = KeyPair.generate()
    unsigned = credential(key.public_key.did_key())
    unsigned["credentialSubject"]["favouriteColour"] = "green"
    signed = sign(unsigned, key, key.public_key.verification_method_id(), "eddsa-jcs-2022")
    report = verify(signed, now=NOW, fetcher=fetcher())
    assert "favouriteColour" in failed(report, "jsonld")


def test_it_warns_about_issuer_dependent_terms() -> None:
    key = KeyPair.generate()
    unsigned = {
        # The context published with VC 2.0 no longer maps undefined terms; a document can still.
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            {"@vocab": "https://www.w3.org/ns/credentials/issuer-dependent#"},
        ],
        "type": ["VerifiableCredential"],
        "issuer": key.public_key.did_key(),
        "credentialSubject": {"favouriteColour": "green"},
    }
    report = verify(sign(unsigned, key, key.public_key.verification_method_id()), now=NOW, fetcher=fetcher())
    jsonld_check = report.check("jsonld")
    assert jsonld_check is not None and jsonld_check.status == "warning"
    assert "favouriteColour" in jsonld_check.message_en
    assert report.valid


# -- official vectors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "eddsa-jcs-2022/signedJCS.json",
        pytest.param(
            "eddsa-rdfc-2022/signedDataInt.json", marks=pytest.mark.skipif(not HAS_RDFC, reason="rdfc")
        ),
    ],
)
def test_it_verifies_the_w3c_signed_vectors(conformance: Path, path: str) -> None:
    raw = (conformance / "vc-di-eddsa" / path).read_bytes()
    report = verify(raw, now=NOW, fetcher=fetcher())
    assert report.valid, statuses(report)
    assert report.check("proof").status == "pass"  # type: ignore[union-attr]
    # The vectors name an https issuer but sign with a did:key: nothing links the two.
    assert report.check("issuer").status == "warning"  # type: ignore[union-attr]
    tampered = json.loads(raw)
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    assert not verify(tampered, now=NOW, fetcher=fetcher()).valid


def test_the_clock_defaults_to_now() -> None:
    signed = did_key_signed(valid_until=datetime.now(UTC) - timedelta(days=1))
    assert not verify(signed, fetcher=fetcher()).valid
