"""Request → endorse → public JSON verifies, validates against the official schema; withdraw; bad links."""

import json
from pathlib import Path

from django.core.cache import cache
from django.test import override_settings

from laurel.core.fetching import local_fetcher
from laurel.endorsements.actions import request_endorsement
from laurel.endorsements.models import Endorsement
from laurel.vc.verify import verify
from tests.credentials.helpers import CredentialsTestCase

CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance"


# The site answers for its own host when the verifier resolves its status list in-process.
@override_settings(ALLOWED_HOSTS=["badges.example.com", "testserver"])
class EndorsementFlowTest(CredentialsTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()

    def ask(self, award=None):  # type: ignore[no-untyped-def]
        return request_endorsement(
            self.actor, self.org, achievement=self.bilingual, award=award, email="mentor@partner.example"
        )

    def test_an_outside_person_endorses_and_the_credential_verifies(self) -> None:
        endorsement, token = self.ask()
        response = self.client.post(
            f"/endorse/{token}/", {"kind": "person", "name": "Dr. Kim", "comment_en": "Solid."}
        )
        self.assertEqual(response.status_code, 302)
        endorsement.refresh_from_db()
        self.assertEqual(endorsement.status, Endorsement.Status.ISSUED)
        body = self.client.get(f"/endorsements/{endorsement.public_id}.json").json()
        self.assertEqual(body["type"], ["VerifiableCredential", "EndorsementCredential"])
        self.assertEqual(body["credentialSubject"]["endorsementComment"], "Solid.")
        report = verify(body, fetcher=local_fetcher())
        self.assertTrue(report.valid, report.to_dict())
        if CONFORMANCE.exists():
            from tests.vc.official_schemas import official_validator

            errors = list(official_validator(CONFORMANCE, "endorsementcredential.json").iter_errors(body))
            self.assertEqual(errors, [])
        page = self.client.get(f"/i/{self.bilingual.public_id}/")
        self.assertContains(page, "Dr. Kim")
        # The link is single-use.
        again = self.client.post(f"/endorse/{token}/", {"kind": "person", "name": "X", "comment_en": "y"})
        self.assertEqual(again.status_code, 410)
        # Withdrawn: the status list bit is set and the verifier says so.
        self.login(self.teammate)
        self.client.post(
            f"/orgs/hanbit/endorsements/{endorsement.public_id}/withdraw/", {"reason": "mistake"}
        )
        self.assertFalse(verify(body, fetcher=local_fetcher()).valid)

    def test_an_empty_comment_is_refused_without_issuing(self) -> None:
        endorsement, token = self.ask()
        response = self.client.post(f"/endorse/{token}/", {"kind": "person", "name": "Dr. Kim"})
        self.assertEqual(response.status_code, 400)
        endorsement.refresh_from_db()
        self.assertEqual(endorsement.status, Endorsement.Status.REQUESTED)

    def test_the_wrong_signed_in_user_is_refused(self) -> None:
        _endorsement, token = self.ask()
        self.login(self.learner)
        self.assertEqual(self.client.get(f"/endorse/{token}/").status_code, 403)

    def test_a_revoked_award_cannot_be_endorsed(self) -> None:
        from laurel.credentials.actions import revoke

        award = self.award()
        _endorsement, token = self.ask(award)
        revoke(self.actor, award, "fraud")
        self.assertEqual(self.client.get(f"/endorse/{token}/").status_code, 409)


@override_settings(ALLOWED_HOSTS=["badges.example.com", "testserver"])
class EndorsementCliTest(CredentialsTestCase):
    def test_laurel_verify_accepts_it_and_rejects_a_tampered_copy(self) -> None:
        import tempfile

        from laurel.vc.cli import main

        _endorsement, token = request_endorsement(
            self.actor, self.org, achievement=self.bilingual, award=None, email="peer@example.com"
        )
        self.client.post(
            f"/endorse/{token}/", {"kind": "person", "name": "Peer", "comment_ko": "훌륭합니다."}
        )
        body = self.client.get(f"/endorsements/{Endorsement.objects.get().public_id}.json").json()
        status_url = body["credentialStatus"]["statusListCredential"]
        did = body["issuer"]["id"]
        status_doc = self.client.get(status_url.removeprefix("https://badges.example.com")).content
        did_doc = self.client.get("/o/hanbit/did.json").content
        with tempfile.TemporaryDirectory() as folder:
            paths = {}
            for name, data in (
                ("c.json", json.dumps(body).encode()),
                ("s.json", status_doc),
                ("d.json", did_doc),
            ):
                paths[name] = f"{folder}/{name}"
                Path(paths[name]).write_bytes(data)
            maps = [
                "--map",
                f"{status_url}={paths['s.json']}",
                "--map",
                f"https://badges.example.com/o/hanbit/did.json={paths['d.json']}",
            ]
            self.assertTrue(did.startswith("did:web:"))
            self.assertEqual(main([paths["c.json"], *maps]), 0)
            body["credentialSubject"]["endorsementComment"] = "tampered"
            Path(paths["c.json"]).write_text(json.dumps(body))
            self.assertEqual(main([paths["c.json"], *maps]), 1)
