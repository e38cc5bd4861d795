import json
from typing import Any

from django.test import override_settings

from laurel.audit.models import AuditEvent
from laurel.credentials import issuers, keys
from laurel.credentials.issuers import (
    IssuerKeyError,
    compromise_key,
    ensure_issuer_keys,
    issuer_id,
    rotate_key,
)
from laurel.credentials.models import IssuerKey
from laurel.credentials.signing import sign_award
from laurel.orgs.models import Organization
from tests.credentials.helpers import CredentialsTestCase


class IssuerIdTests(CredentialsTestCase):
    def test_an_https_site_gives_a_path_based_did_web(self) -> None:
        self.assertEqual(issuer_id(self.org), "did:web:badges.example.com:o:hanbit")

    def test_an_http_base_url_gives_the_did_key_of_the_newest_ed25519_key(self) -> None:
        (key,) = ensure_issuer_keys(self.plain)
        self.assertEqual(issuer_id(self.plain), keys.public_key(key).did_key())
        self.assertTrue(issuer_id(self.plain).startswith("did:key:z6Mk"))

    def test_an_organization_owning_an_https_host_is_the_did_web_of_that_host(self) -> None:
        org = Organization.objects.create(
            slug="owned", name_en="Owned", public_base_url="https://badges.owned.example/"
        )
        self.assertEqual(issuer_id(org), "did:web:badges.owned.example")

    def test_a_base_url_with_a_path_keeps_the_path_before_the_organization(self) -> None:
        org = Organization.objects.create(
            slug="pathy", name_en="Pathy", public_base_url="https://univ.example/badges"
        )
        self.assertEqual(issuer_id(org), "did:web:univ.example:badges:o:pathy")

    @override_settings(SITE_URL="https://127.0.0.1:8443")
    def test_an_https_ip_address_cannot_be_a_did_web_and_falls_back_to_did_key(self) -> None:
        self.assertTrue(issuer_id(self.org).startswith("did:key:"))

    def test_rotation_changes_a_did_key_issuer_but_not_a_did_web_one(self) -> None:
        before_key, before_web = issuer_id(self.plain), issuer_id(self.org)
        rotate_key(self.actor, self.plain)
        rotate_key(self.actor, self.org)
        self.assertNotEqual(issuer_id(self.plain), before_key)
        self.assertEqual(issuer_id(self.org), before_web)


class DidDocumentTests(CredentialsTestCase):
    def document(self, path: str = "/o/hanbit/did.json", **headers: Any) -> dict[str, Any]:
        response = self.client.get(path, **headers)
        self.assertEqual(response.status_code, 200)
        return json.loads(response.content)

    def method_ids(self, document: dict[str, Any]) -> list[str]:
        return [method["id"] for method in document["verificationMethod"]]

    def test_the_document_lists_active_and_retired_keys_but_not_compromised_ones(self) -> None:
        (first,) = ensure_issuer_keys(self.org)
        second = rotate_key(self.actor, self.org)
        third = rotate_key(self.actor, self.org)
        compromise_key(self.actor, self.org, second)
        did = "did:web:badges.example.com:o:hanbit"
        document = self.document()
        self.assertEqual(document["id"], did)
        self.assertEqual(self.method_ids(document), [f"{did}#{third.public_id}", f"{did}#{first.public_id}"])
        self.assertEqual(document["assertionMethod"], self.method_ids(document))
        for method in document["verificationMethod"]:
            self.assertEqual(method["controller"], did)
        self.assertEqual(document["verificationMethod"][0]["publicKeyMultibase"], third.public_key_multibase)

    def test_the_document_is_public_cors_enabled_and_briefly_cacheable(self) -> None:
        response = self.client.get("/o/hanbit/did.json")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertEqual(response["Cache-Control"], "public, max-age=300")
        again = self.client.get("/o/hanbit/did.json", HTTP_IF_NONE_MATCH=response["ETag"])
        self.assertEqual(again.status_code, 304)

    def test_an_owned_host_is_served_at_the_well_known_address_only(self) -> None:
        Organization.objects.create(slug="owned", name_en="Owned", public_base_url="https://owned.example")
        with self.settings(ALLOWED_HOSTS=["owned.example", "testserver"]):
            document = self.document("/.well-known/did.json", HTTP_HOST="owned.example")
            self.assertEqual(document["id"], "did:web:owned.example")
            self.assertEqual(self.client.get("/o/owned/did.json").status_code, 404)
            self.assertEqual(self.client.get("/.well-known/did.json").status_code, 404)

    def test_a_did_key_organization_has_no_document(self) -> None:
        self.assertEqual(self.client.get("/o/plain/did.json").status_code, 404)
        self.assertEqual(self.client.get("/o/nobody/did.json").status_code, 404)

    def test_the_document_never_carries_private_key_material(self) -> None:
        ensure_issuer_keys(self.org, kinds=("Ed25519", "P-256", "RSA"))
        text = self.client.get("/o/hanbit/did.json").content.decode()
        self.assertNotIn('"d"', text)
        self.assertNotIn("secretKey", text)
        self.assertNotIn("privateKey", text)


class KeyActionTests(CredentialsTestCase):
    def test_ensure_issuer_keys_is_idempotent_and_audited_once(self) -> None:
        first = ensure_issuer_keys(self.org)
        again = ensure_issuer_keys(self.org)
        self.assertEqual(first, again)
        self.assertEqual(AuditEvent.objects.filter(org=self.org, action="keys.create").count(), 1)

    def test_an_unknown_kind_is_refused(self) -> None:
        with self.assertRaisesMessage(IssuerKeyError, "unknown key kind 'DSA'"):
            ensure_issuer_keys(self.org, kinds=("DSA",))  # type: ignore[arg-type]

    def test_rotation_retires_the_old_key_and_new_credentials_use_the_new_one(self) -> None:
        (old,) = ensure_issuer_keys(self.org)
        new = rotate_key(self.actor, self.org)
        old.refresh_from_db()
        self.assertEqual(old.state, IssuerKey.State.RETIRED)
        self.assertIsNotNone(old.retired_at)
        ko, _en = sign_award(self.award())
        self.assertEqual(ko.key, new)
        self.assertTrue(ko.json["proof"][0]["verificationMethod"].endswith(f"#{new.public_id}"))
        self.assertTrue(AuditEvent.objects.filter(action="keys.rotate", actor=self.owner).exists())

    def test_compromising_the_active_key_makes_a_new_one_and_is_audited_once(self) -> None:
        (old,) = ensure_issuer_keys(self.org)
        compromise_key(self.actor, self.org, old)
        compromise_key(self.actor, self.org, old)
        old.refresh_from_db()
        self.assertEqual(old.state, IssuerKey.State.COMPROMISED)
        self.assertNotEqual(issuers.newest_key(self.org), old)
        self.assertEqual(AuditEvent.objects.filter(action="keys.compromise").count(), 1)

    def test_a_key_of_another_organization_is_refused(self) -> None:
        (theirs,) = ensure_issuer_keys(self.other_org)
        with self.assertRaisesMessage(IssuerKeyError, "does not belong to hanbit"):
            compromise_key(self.actor, self.org, theirs)

    def test_compromising_a_did_key_revokes_the_awards_it_signed(self) -> None:
        award = self.award(self.plain_badge)
        (credential,) = sign_award(award)
        compromise_key(self.actor, self.plain, credential.key)
        award.refresh_from_db()
        self.assertIsNotNone(award.revoked_at)
        self.assertEqual(award.revocation_reason, "The issuer's signing key was compromised.")
        # The next award is signed by a fresh key, under a new did:key.
        (fresh,) = sign_award(self.award(self.plain_badge, email="lee@example.com"))
        self.assertNotEqual(fresh.json["issuer"]["id"], credential.json["issuer"]["id"])

    def test_compromising_a_did_web_key_leaves_awards_alone_and_re_signs_its_status_lists(self) -> None:
        award = self.award()
        ko, _en = sign_award(award)
        lists = {award.credential_status.revocation_list.pk, award.credential_status.suspension_list.pk}
        compromise_key(self.actor, self.org, ko.key)
        award.refresh_from_db()
        self.assertIsNone(award.revoked_at)
        from laurel.credentials.models import StatusList

        for lst in StatusList.objects.filter(pk__in=lists):
            self.assertNotEqual(lst.signed_with, ko.key)
            self.assertNotIn(ko.key.public_id, lst.credential["proof"]["verificationMethod"])
