import json
from typing import Any

from django.test import override_settings

from laurel.credentials.models import Credential, IssuerKey
from laurel.credentials.signing import sign_award
from laurel.vc import data_integrity, did_web, identity, jwt, schema
from laurel.vc.keys import PublicKey
from tests.credentials.helpers import CredentialsTestCase


def verify_proof(document: dict[str, Any], resolver: Any) -> None:
    # OB 3.0 writes the proof as a one-element array; the proof functions take the object.
    (proof,) = document["proof"]
    document = {**document, "proof": proof}
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    data_integrity.verify(document, resolver)


class SigningTests(CredentialsTestCase):
    def did_document(self) -> dict[str, Any]:
        response = self.client.get("/o/hanbit/did.json")
        self.assertEqual(response.status_code, 200)
        return json.loads(response.content)

    def test_a_bilingual_badge_gets_one_credential_per_language_linked_to_each_other(self) -> None:
        ko, en = sign_award(self.award())
        self.assertEqual((ko.language, en.language), ("ko", "en"))
        ko_achievement = ko.json["credentialSubject"]["achievement"]
        en_achievement = en.json["credentialSubject"]["achievement"]
        self.assertEqual(ko_achievement["inLanguage"], "ko")
        self.assertEqual(en_achievement["inLanguage"], "en")
        self.assertEqual(ko_achievement["name"], "파이썬 기초")
        self.assertEqual(en_achievement["name"], "Python Basics")
        self.assertEqual(
            ko_achievement["related"], [{"id": en_achievement["id"], "type": ["Related"], "inLanguage": "en"}]
        )
        self.assertEqual(en_achievement["related"][0]["id"], ko_achievement["id"])
        self.assertNotEqual(ko_achievement["id"], en_achievement["id"])

    def test_both_languages_share_one_status_entry_and_one_recipient_hash(self) -> None:
        ko, en = sign_award(self.award())
        self.assertEqual(ko.json["credentialStatus"], en.json["credentialStatus"])
        entry = ko.json["credentialStatus"]
        self.assertEqual(entry["type"], "BitstringStatusListEntry")
        self.assertEqual(entry["statusPurpose"], "revocation")
        self.assertIsInstance(entry["statusListIndex"], str)
        self.assertEqual(
            ko.json["credentialSubject"]["identifier"][0], en.json["credentialSubject"]["identifier"][0]
        )

    def test_the_recipient_is_a_salted_hash_of_the_canonical_email(self) -> None:
        (ko, _en) = sign_award(self.award(email="kim@example.com"))
        hashed = ko.json["credentialSubject"]["identifier"][0]
        self.assertTrue(hashed["hashed"])
        self.assertNotIn("kim@example.com", json.dumps(ko.json))
        self.assertTrue(identity.matches(hashed, "kim@example.com"))
        self.assertFalse(identity.matches(hashed, "lee@example.com"))

    def test_a_korean_only_badge_gets_a_single_credential_without_related_links(self) -> None:
        (only,) = sign_award(self.award(self.korean_only))
        self.assertEqual(only.language, "ko")
        self.assertNotIn("related", only.json["credentialSubject"]["achievement"])

    def test_an_https_organization_issues_as_a_path_based_did_web_with_a_profile_url(self) -> None:
        ko, _en = sign_award(self.award())
        issuer = ko.json["issuer"]
        self.assertEqual(issuer["id"], "did:web:badges.example.com:o:hanbit")
        self.assertEqual(issuer["url"], "https://badges.example.com/o/hanbit/")
        self.assertEqual(issuer["name"], "한빛대학교")
        self.assertTrue(
            ko.json["proof"][0]["verificationMethod"].startswith("did:web:badges.example.com:o:hanbit#key-")
        )

    def test_credentials_pass_the_schema_checks(self) -> None:
        for credential in sign_award(self.award(evidence_url="https://example.com/work")):
            self.assertEqual(schema.check_credential(credential.json), [])

    def test_the_proof_and_the_jwt_verify_with_the_key_from_the_served_did_document(self) -> None:
        credentials = sign_award(self.award())
        document = self.did_document()

        def resolve(method: str) -> PublicKey:
            return did_web.public_key_for(document, method)

        for credential in credentials:
            verify_proof(credential.json, resolve)
            payload = jwt.verify_vc_jwt(credential.jwt, lambda header: resolve(header["kid"]))
            self.assertEqual(payload["id"], credential.json["id"])
            self.assertEqual(payload["credentialSubject"], credential.json["credentialSubject"])

    def test_a_tampered_credential_fails_verification(self) -> None:
        ko, _en = sign_award(self.award())
        document = self.did_document()
        tampered = json.loads(json.dumps(ko.json))
        tampered["credentialSubject"]["achievement"]["name"] = "Advanced Python"
        with self.assertRaises(data_integrity.DataIntegrityError):
            verify_proof(tampered, lambda method: did_web.public_key_for(document, method))

    def test_an_rs256_jwt_verifies_with_the_rsa_key_the_did_document_publishes(self) -> None:
        ko, _en = sign_award(self.award(), jwt_kind="RSA")
        header, _payload = jwt.decode_vc_jwt(ko.jwt)
        self.assertEqual(header["alg"], "RS256")
        document = self.did_document()
        jwt.verify_vc_jwt(ko.jwt, lambda h: did_web.public_key_for(document, h["kid"]))
        self.assertEqual(ko.jwt_key.kind, IssuerKey.Kind.RSA)

    def test_signing_again_returns_the_stored_credentials_unchanged(self) -> None:
        award = self.award()
        first = sign_award(award)
        before = [(c.pk, json.dumps(c.json, sort_keys=True), c.jwt) for c in first]
        second = sign_award(award)
        after = [(c.pk, json.dumps(c.json, sort_keys=True), c.jwt) for c in second]
        self.assertEqual(before, after)
        self.assertEqual(Credential.objects.filter(award=award).count(), 2)

    def test_a_stored_credential_refuses_to_be_saved_again(self) -> None:
        ko, _en = sign_award(self.award())
        ko.json["name"] = "changed"
        with self.assertRaises(ValueError):
            ko.save()

    def test_an_expiring_award_is_valid_until_the_end_of_its_last_day_in_seoul(self) -> None:
        import datetime

        award = self.award(issued_on=datetime.date(2025, 3, 10), expires_on=datetime.date(2026, 3, 10))
        ko, _en = sign_award(award)
        # Midnight in Seoul (UTC+9) is 15:00 the day before in UTC.
        self.assertEqual(ko.json["validFrom"], "2025-03-09T15:00:00Z")
        self.assertEqual(ko.json["validUntil"], "2026-03-10T15:00:00Z")


class DidKeySigningTests(CredentialsTestCase):
    def test_an_http_organization_issues_as_the_did_key_of_its_newest_key(self) -> None:
        (credential,) = sign_award(self.award(self.plain_badge))
        issuer = credential.json["issuer"]["id"]
        self.assertTrue(issuer.startswith("did:key:z6Mk"))
        self.assertEqual(
            credential.json["proof"][0]["verificationMethod"], f"{issuer}#{issuer.removeprefix('did:key:')}"
        )
        # did:key methods resolve offline: the library's default resolver is enough.
        verify_proof(credential.json, data_integrity.public_key_from_verification_method)
        jwt.verify_vc_jwt(
            credential.jwt, lambda header: data_integrity.public_key_from_verification_method(header["kid"])
        )

    @override_settings(SITE_URL="http://127.0.0.1:8000")
    def test_a_site_without_https_gives_every_organization_a_did_key(self) -> None:
        (credential, _en) = sign_award(self.award())
        self.assertTrue(credential.json["issuer"]["id"].startswith("did:key:"))
        self.assertEqual(self.client.get("/o/hanbit/did.json").status_code, 404)
