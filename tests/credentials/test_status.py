import base64
import gzip
import json
from typing import Any

from django.core.exceptions import ValidationError

from laurel.audit.models import AuditEvent
from laurel.credentials.models import AwardStatus, StatusList
from laurel.credentials.signing import sign_award
from laurel.credentials.status import ensure_status, public_status, reinstate, revoke, suspend
from laurel.vc import data_integrity, did_web
from tests.credentials.helpers import CredentialsTestCase


def served_bit(document: dict[str, Any], index: int) -> bool:
    """Decode encodedList without Laurel's code: multibase 'u' + base64url, then GZIP."""
    encoded = document["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    body = encoded[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert len(raw) * 8 >= 131_072
    return bool(raw[index // 8] & (0x80 >> (index % 8)))


class StatusTests(CredentialsTestCase):
    def fetch(self, url: str) -> dict[str, Any]:
        path = url.removeprefix("https://badges.example.com")
        response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        return json.loads(response.content)

    def slots(self, award: Any) -> AwardStatus:
        return AwardStatus.objects.select_related("revocation_list__org", "suspension_list__org").get(
            award=award
        )

    def test_revoking_flips_the_served_bit_and_records_the_reason(self) -> None:
        award = self.award()
        ko, _en = sign_award(award)
        entry = ko.json["credentialStatus"]
        index = int(entry["statusListIndex"])
        self.assertFalse(served_bit(self.fetch(entry["statusListCredential"]), index))
        revoke(self.actor, award, "Plagiarised assignment")
        self.assertTrue(served_bit(self.fetch(entry["statusListCredential"]), index))
        award.refresh_from_db()
        self.assertIsNotNone(award.revoked_at)
        self.assertEqual(award.revocation_reason, "Plagiarised assignment")
        self.assertEqual(public_status(award)["reason"], "Plagiarised assignment")

    def test_revoking_twice_changes_and_audits_once(self) -> None:
        award = self.award()
        first = revoke(self.actor, award, "first reason")
        second = revoke(self.actor, award, "second reason")
        self.assertEqual(second.revoked_at, first.revoked_at)
        self.assertEqual(second.revocation_reason, "first reason")
        events = AuditEvent.objects.filter(action="awards.revoke", object_id=award.public_id)
        self.assertEqual([e.after for e in events], [{"reason": "first reason"}])

    def test_suspend_and_reinstate_flip_the_suspension_bit_idempotently(self) -> None:
        award = self.award()
        sign_award(award)
        slots = self.slots(award)
        url = slots.suspension_list.url
        suspend(self.actor, award, "Under review")
        suspend(self.actor, award, "Under review again")
        self.assertTrue(served_bit(self.fetch(url), slots.suspension_index))
        self.assertEqual(
            public_status(award), {**public_status(award), "status": "suspended", "reason": "Under review"}
        )
        reinstate(self.actor, award)
        reinstate(self.actor, award)
        self.assertFalse(served_bit(self.fetch(url), slots.suspension_index))
        self.assertEqual(public_status(award)["status"], "active")
        actions = list(AuditEvent.objects.filter(object_id=award.public_id).values_list("action", flat=True))
        self.assertEqual(sorted(actions), ["awards.reinstate", "awards.suspend"])

    def test_a_revoked_award_can_be_neither_suspended_nor_reinstated(self) -> None:
        award = self.award()
        revoke(self.actor, award, "")
        with self.assertRaisesMessage(ValidationError, "cannot be suspended"):
            suspend(self.actor, award, "x")
        with self.assertRaisesMessage(ValidationError, "cannot be undone"):
            reinstate(self.actor, award)

    def test_an_overlong_reason_is_refused_before_anything_changes(self) -> None:
        award = self.award()
        with self.assertRaises(ValidationError):
            revoke(self.actor, award, "x" * 1001)
        award.refresh_from_db()
        self.assertIsNone(award.revoked_at)

    def test_the_status_list_credential_is_signed_and_verifies_with_the_did_document(self) -> None:
        award = self.award()
        revoke(self.actor, award, "")
        document = self.fetch(self.slots(award).revocation_list.url)
        did = json.loads(self.client.get("/o/hanbit/did.json").content)
        self.assertEqual(document["issuer"], "did:web:badges.example.com:o:hanbit")
        self.assertEqual(document["type"], ["VerifiableCredential", "BitstringStatusListCredential"])
        self.assertEqual(document["credentialSubject"]["statusPurpose"], "revocation")
        resolve = lambda method: did_web.public_key_for(did, method)  # noqa: E731
        self.assertEqual(document["proof"]["cryptosuite"], "eddsa-rdfc-2022")
        data_integrity.verify(document, resolve)

    def test_the_list_is_served_with_cors_a_short_max_age_and_an_etag_that_changes_with_the_bits(
        self,
    ) -> None:
        award = self.award()
        path = self.slots_path(award)
        before = self.client.get(path)
        self.assertEqual(before["Access-Control-Allow-Origin"], "*")
        self.assertEqual(before["Cache-Control"], "public, max-age=300")
        self.assertEqual(self.client.get(path, HTTP_IF_NONE_MATCH=before["ETag"]).status_code, 304)
        revoke(self.actor, award, "")
        after = self.client.get(path, HTTP_IF_NONE_MATCH=before["ETag"])
        self.assertEqual(after.status_code, 200)
        self.assertNotEqual(after["ETag"], before["ETag"])

    def slots_path(self, award: Any) -> str:
        return ensure_status(award).revocation_list.url.removeprefix("https://badges.example.com")

    def test_an_unknown_list_or_a_list_of_another_organization_is_not_found(self) -> None:
        path = self.slots_path(self.award())
        self.assertEqual(self.client.get(path.replace("/o/hanbit/", "/o/other/")).status_code, 404)
        self.assertEqual(self.client.get("/o/hanbit/status/nothing").status_code, 404)

    def test_awards_get_distinct_random_slots_and_a_full_list_gives_way_to_a_new_one(self) -> None:
        slots = [ensure_status(self.award(email=f"p{i}@example.com")) for i in range(40)]
        indexes = {s.revocation_index for s in slots}
        self.assertEqual(len(indexes), 40)
        # Random, not sequential: forty sequential slots would span 40 values.
        self.assertGreater(max(indexes) - min(indexes), 1000)
        lst = slots[0].revocation_list
        StatusList.objects.filter(pk=lst.pk).update(allocated_count=lst.size)
        fresh = ensure_status(self.award(email="late@example.com"))
        self.assertNotEqual(fresh.revocation_list_id, lst.pk)
        self.assertEqual(fresh.revocation_list.size, 131_072)

    def test_ensure_status_returns_the_same_slots_every_time(self) -> None:
        award = self.award()
        self.assertEqual(ensure_status(award).pk, ensure_status(award).pk)
