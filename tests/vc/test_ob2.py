"""The OB 2.0 verifier against a real local issuer: hosted, signed, baked, and hostile inputs."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from laurel.vc import ob2
from laurel.vc.fetch import Fetcher
from laurel.vc.ob2_read import looks_like_ob2
from tests.imports.ob2_site import Ob2Site, bake_png, bake_svg, hashed, serving

NOW = datetime(2026, 6, 1, tzinfo=UTC)
EMAIL = "minji@student.example"


@pytest.fixture
def site() -> Iterator[Ob2Site]:
    with serving(Ob2Site()) as running:
        running.publish_issuer()
        yield running


def run(site: Ob2Site, data: bytes | str, **options: object) -> ob2.Ob2Report:
    return ob2.verify(data, now=NOW, fetcher=site.fetcher(), recipients=[EMAIL], **options)  # type: ignore[arg-type]


def statuses(report: ob2.Ob2Report) -> dict[str, str]:
    return {check.id: check.status for check in report.checks}


def test_a_hosted_assertion_url_verifies_with_every_check_passed(site: Ob2Site) -> None:
    url = site.hosted("/a/1", EMAIL)
    report = run(site, url)
    assert report.valid, report.to_dict()
    assert statuses(report) == {
        "input": "pass",
        "assertion": "pass",
        "badge": "pass",
        "verification": "pass",
        "recipient": "pass",
        "validity": "pass",
        "revocation": "pass",
    }
    assert report.verification_type == "hosted"
    assert report.badge is not None and report.badge["name"] == "Data Literacy"
    assert report.issuer is not None and report.issuer["name"] == "Example Academy"


def test_the_hosted_copy_wins_over_a_tampered_json_copy(site: Ob2Site) -> None:
    url = site.hosted("/a/2", EMAIL)
    tampered = {**site.assertion("/a/2", EMAIL), "expires": "2099-01-01T00:00:00Z", "narrative": "forged"}
    report = run(site, json.dumps(tampered))
    assert report.valid
    assert report.credential is not None and "narrative" not in report.credential
    assert report.credential["id"] == url


def test_a_hosted_assertion_whose_id_is_not_its_url_fails(site: Ob2Site) -> None:
    site.put("/a/3", site.assertion("/a/other", EMAIL))
    report = run(site, site.url("/a/3"))
    assert statuses(report)["assertion"] == "fail"
    assert not report.valid


def test_a_hosted_assertion_on_an_origin_the_issuer_does_not_allow_fails(site: Ob2Site) -> None:
    site.publish_issuer(verification={"type": "hosted", "startsWith": site.url("/allowed/")})
    report = run(site, site.hosted("/a/4", EMAIL))
    assert statuses(report)["verification"] == "fail"
    assert statuses(run(site, site.hosted("/allowed/4", EMAIL)))["verification"] == "pass"


def test_a_revoked_hosted_assertion_fails_revocation_with_its_reason(site: Ob2Site) -> None:
    report = run(site, site.hosted("/a/5", EMAIL, revoked=True, revocationReason="Cheating"))
    assert statuses(report)["revocation"] == "fail"
    assert "Cheating" in report.check("revocation").message_en  # type: ignore[union-attr]


def test_a_hosted_assertion_answering_410_gone_is_revoked(site: Ob2Site) -> None:
    site.put("/a/6", {"revoked": True}, status=410)
    report = run(site, site.url("/a/6"))
    assert statuses(report)["revocation"] == "fail"


def test_an_expired_assertion_fails_validity(site: Ob2Site) -> None:
    report = run(site, site.hosted("/a/7", EMAIL, expires="2026-05-01T00:00:00Z"))
    assert statuses(report)["validity"] == "fail"
    assert report.check("validity").details["expired"] is True  # type: ignore[union-attr]


def test_a_badge_for_someone_else_fails_the_recipient_check(site: Ob2Site) -> None:
    report = run(site, site.hosted("/a/8", "someone@else.example"))
    assert statuses(report)["recipient"] == "fail"


def test_the_recipient_hash_follows_the_spec_with_the_salt_appended() -> None:
    # OB 2.0 IdentityObject: "sha256$" + hex(sha256(identity + salt)), the conformance fact.
    recipient = {
        "type": "email",
        "hashed": True,
        "salt": "Kosher",
        "identity": hashed("a@example.com", "Kosher"),
    }
    assert recipient["identity"] == "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    assert ob2.recipient_matches(recipient, "a@example.com")
    assert not ob2.recipient_matches(recipient, "b@example.com")
    assert ob2.recipient_matches(
        {"type": "email", "hashed": False, "identity": "A@Example.com"}, "a@example.com"
    )


def test_a_signed_assertion_verifies_with_the_issuers_rsa_key(site: Ob2Site) -> None:
    report = run(site, site.signed(EMAIL))
    assert report.valid, report.to_dict()
    assert report.verification_type == "signed"
    assert report.check("verification").details["alg"] == "RS256"  # type: ignore[union-attr]


def test_a_tampered_signed_assertion_fails_the_signature(site: Ob2Site) -> None:
    token = site.signed(EMAIL)
    header, payload, signature = token.split(".")
    other = site.signed(EMAIL, issuedOn="2026-01-01T00:00:00Z").split(".")[1]
    report = run(site, f"{header}.{other}.{signature}")
    assert statuses(report)["verification"] == "fail"
    assert payload != other


def test_a_signature_by_another_key_fails(site: Ob2Site) -> None:
    report = run(site, site.signed(EMAIL, key=rsa.generate_private_key(65537, 2048)))
    assert statuses(report)["verification"] == "fail"


def test_a_signed_assertion_on_the_revocation_list_is_revoked(site: Ob2Site) -> None:
    token = site.signed(EMAIL)
    assertion_id = site.assertion("/signed", EMAIL, signed=True)["id"]
    site.put(
        "/revocations.json",
        site.revocation_list([{"id": assertion_id, "revocationReason": "Issued in error"}]),
    )
    report = run(site, token)
    assert statuses(report)["revocation"] == "fail"
    assert "Issued in error" in report.check("revocation").message_en  # type: ignore[union-attr]


def test_a_key_not_listed_by_the_issuer_fails(site: Ob2Site) -> None:
    site.publish_issuer()
    issuer = json.loads(site.documents["/issuer.json"][1])
    issuer["publicKey"] = site.url("/another-key.json")
    site.put("/issuer.json", issuer)
    assert statuses(run(site, site.signed(EMAIL)))["verification"] == "fail"


def test_a_baked_png_holding_a_signed_assertion_verifies(site: Ob2Site) -> None:
    image = bake_png(site.signed(EMAIL))
    assert looks_like_ob2(image)
    report = run(site, image)
    assert report.valid and report.format == "png"


def test_a_baked_png_holding_hosted_json_verifies(site: Ob2Site) -> None:
    site.hosted("/a/9", EMAIL)
    report = run(site, bake_png(json.dumps(site.assertion("/a/9", EMAIL))))
    assert report.valid and report.format == "png"


def test_baked_svgs_with_a_jws_attribute_or_json_content_verify(site: Ob2Site) -> None:
    site.hosted("/a/10", EMAIL)
    signed = run(site, bake_svg(verify=site.signed(EMAIL)))
    hosted = run(site, bake_svg(verify=site.url("/a/10"), content=json.dumps(site.assertion("/a/10", EMAIL))))
    assert signed.valid and signed.format == "svg"
    assert hosted.valid and hosted.format == "svg"


def test_garbage_is_unreadable_and_says_why() -> None:
    report = ob2.verify(b"\x00\x01 not a badge", now=NOW, fetcher=Fetcher())
    assert report.unreadable and not report.valid
    assert "cannot be read" in report.checks[0].message_en


def test_a_png_without_an_openbadges_chunk_is_not_ob2() -> None:
    assert not looks_like_ob2(bake_png("x").replace(b"openbadges", b"openbadgez"))


def test_private_addresses_are_refused_by_the_default_policy(site: Ob2Site) -> None:
    url = site.hosted("/a/11", EMAIL)
    report = ob2.verify(url, now=NOW, fetcher=Fetcher(allowed_schemes=("http",)))
    assert statuses(report)["assertion"] == "fail"
    assert "loopback" in report.check("assertion").message_en  # type: ignore[union-attr]
    assert report.fetch_failed


def test_a_redirect_to_a_private_address_is_refused(site: Ob2Site) -> None:
    site.put("/hop", b"", status=302, headers={"Location": "http://10.0.0.1/a"})
    report = run(site, site.url("/hop"))
    assert "10.0.0.1" in report.check("assertion").message_en  # type: ignore[union-attr]


def test_verify_or_raise_carries_the_report(site: Ob2Site) -> None:
    with pytest.raises(ob2.Ob2VerificationFailed) as caught:
        ob2.verify_or_raise(site.hosted("/a/12", EMAIL, revoked=True), now=NOW, fetcher=site.fetcher())
    assert caught.value.report.check("revocation").status == "fail"  # type: ignore[union-attr]
