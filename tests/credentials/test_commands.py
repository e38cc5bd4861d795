import io

from django.core.management import call_command
from django.core.management.base import CommandError

from laurel.audit.models import AuditEvent
from laurel.credentials.issuers import ensure_issuer_keys
from laurel.credentials.models import Credential, IssuerKey
from laurel.credentials.tasks import sign_unsigned, sign_unsigned_awards, unsigned_awards
from tests.credentials.helpers import CredentialsTestCase, private_material


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


class KeyCommandTests(CredentialsTestCase):
    def test_keys_list_shows_the_issuer_and_public_keys_only(self) -> None:
        made = ensure_issuer_keys(self.org, kinds=("Ed25519", "P-256"))
        output = run("keys_list", "--org", "hanbit")
        self.assertIn("issuer  did:web:badges.example.com:o:hanbit", output)
        for key in made:
            self.assertIn(f"{key.public_id}  {key.kind}  active", output)
            for secret in private_material(key):
                self.assertNotIn(secret, output)

    def test_keys_rotate_retires_the_active_key_and_audits_the_cli(self) -> None:
        (old,) = ensure_issuer_keys(self.org)
        output = run("keys_rotate", "--org", "hanbit")
        old.refresh_from_db()
        self.assertEqual(old.state, IssuerKey.State.RETIRED)
        self.assertIn("new key  key-", output)
        self.assertTrue(AuditEvent.objects.filter(action="keys.rotate", via="cli").exists())

    def test_keys_compromise_withdraws_the_named_key(self) -> None:
        (key,) = ensure_issuer_keys(self.org)
        output = run("keys_compromise", "--org", "hanbit", "--key", key.public_id)
        key.refresh_from_db()
        self.assertEqual(key.state, IssuerKey.State.COMPROMISED)
        self.assertIn(f"key {key.public_id} marked compromised", output)

    def test_bad_input_fails_with_one_precise_line(self) -> None:
        ensure_issuer_keys(self.org)
        cases = [
            (("keys_list", "--org", "nobody"), "no organization with slug 'nobody'"),
            (("keys_rotate", "--org", "hanbit", "--kind", "DSA"), "--kind 'DSA' is not one of"),
            (("keys_compromise", "--org", "hanbit", "--key", "key-000"), "hanbit has no key 'key-000'"),
            (
                ("keys_compromise", "--org", "other", "--key", IssuerKey.objects.get(org=self.org).public_id),
                "other has no key",
            ),
            (("sign_awards", "--limit", "0"), "--limit must be a positive number"),
        ]
        for args, message in cases:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                run(*args)


class SignUnsignedTests(CredentialsTestCase):
    def test_the_task_signs_every_unsigned_award_in_batches_and_is_resumable(self) -> None:
        awards = [self.award(email=f"p{i}@example.com") for i in range(3)] + [self.award(self.korean_only)]
        self.assertEqual(unsigned_awards().count(), 4)
        self.assertEqual(sign_unsigned(limit=2, batch=1), 2)
        self.assertEqual(unsigned_awards().count(), 2)
        self.assertEqual(sign_unsigned_awards.call(), 2)
        self.assertEqual(unsigned_awards().count(), 0)
        self.assertEqual(sign_unsigned(), 0)
        self.assertEqual(Credential.objects.filter(award__in=awards).count(), 3 * 2 + 1)

    def test_sign_awards_reports_what_it_did(self) -> None:
        self.award()
        self.assertIn("signed 1 awards; 0 left unsigned", run("sign_awards"))
        self.assertIn("signing enqueued", run("sign_awards", "--enqueue"))

    def test_a_half_signed_bilingual_award_counts_as_unsigned(self) -> None:
        award = self.award()
        from laurel.credentials.signing import sign_award

        (ko, en) = sign_award(award)
        Credential.objects.filter(pk=en.pk).delete()
        self.assertEqual(list(unsigned_awards()), [award])
        sign_unsigned()
        self.assertEqual(Credential.objects.filter(award=award).count(), 2)
        self.assertEqual(Credential.objects.get(pk=ko.pk).jwt, ko.jwt)
