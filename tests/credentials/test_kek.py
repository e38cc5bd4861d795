import io

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from laurel.audit.models import AuditEvent
from laurel.core.actor import Actor
from laurel.credentials import kek, keys
from laurel.credentials.issuers import ensure_issuer_keys
from laurel.credentials.models import IssuerKey
from laurel.ingest.lti import keys as lti_keys
from laurel.ingest.sources import create_source, webhook_secret
from tests.credentials.helpers import KEK_A, KEK_B, CredentialsTestCase, private_material


class KekTests(CredentialsTestCase):
    def test_a_key_round_trips_through_encryption_and_is_stored_under_the_current_kek(self) -> None:
        (key,) = ensure_issuer_keys(self.org)
        stored = IssuerKey.objects.get(pk=key.pk)
        self.assertEqual(stored.kek_id, kek.parse_kek(KEK_A).id)
        pair = keys.open_key(stored)
        self.assertEqual(pair.public_key.to_multikey(), stored.public_key_multibase)
        for secret in private_material(stored):
            self.assertNotIn(secret.encode(), bytes(stored.private_key_encrypted))

    def test_a_flipped_ciphertext_byte_is_refused(self) -> None:
        (key,) = ensure_issuer_keys(self.org)
        sealed = bytearray(key.private_key_encrypted)
        sealed[-1] ^= 1
        key.private_key_encrypted = bytes(sealed)
        with self.assertRaises(kek.DecryptionError):
            keys.open_key(key)

    def test_a_ciphertext_moved_to_another_organizations_key_does_not_decrypt(self) -> None:
        (mine,) = ensure_issuer_keys(self.org)
        (theirs,) = ensure_issuer_keys(self.other_org)
        theirs.private_key_encrypted, theirs.kek_id = mine.private_key_encrypted, mine.kek_id
        with self.assertRaises(kek.DecryptionError):
            keys.open_key(theirs)

    def test_a_ciphertext_swapped_between_keys_of_one_organization_does_not_decrypt(self) -> None:
        first, second = ensure_issuer_keys(self.org, kinds=("Ed25519", "P-256"))
        second.private_key_encrypted = first.private_key_encrypted
        with self.assertRaises(kek.DecryptionError):
            keys.open_key(second)

    def test_a_key_under_an_unconfigured_kek_names_the_problem(self) -> None:
        (key,) = ensure_issuer_keys(self.org)
        with (
            override_settings(KEK=KEK_B, KEK_PREVIOUS=[]),
            self.assertRaisesMessage(kek.UnknownKekError, "not configured"),
        ):
            keys.open_key(key)

    def test_malformed_kek_settings_are_refused_with_the_variable_name(self) -> None:
        with self.assertRaisesMessage(kek.KekError, "LAUREL_KEK must encode 32 bytes"):
            kek.parse_kek("c2hvcnQ")
        with self.assertRaisesMessage(kek.KekError, "LAUREL_KEK_PREVIOUS[0] is not base64url"):
            kek.parse_kek("not base64!", "LAUREL_KEK_PREVIOUS[0]")

    @override_settings(KEK="")
    def test_without_a_kek_a_key_derived_from_the_secret_key_is_used_with_a_warning(self) -> None:
        kek._warn_derived.cache_clear()
        with self.assertLogs("laurel.credentials.kek", "WARNING"):
            (key,) = ensure_issuer_keys(self.org)
        self.assertEqual(key.kek_id, kek._derived_from_secret_key().id)
        self.assertEqual(keys.open_key(key).public_key.to_multikey(), key.public_key_multibase)

    def test_rotate_kek_re_encrypts_every_key_so_the_old_kek_can_be_dropped(self) -> None:
        made = ensure_issuer_keys(self.org, kinds=("Ed25519", "P-256")) + ensure_issuer_keys(self.other_org)
        out = io.StringIO()
        with override_settings(KEK=KEK_B, KEK_PREVIOUS=[KEK_A]):
            call_command("rotate_kek", stdout=out)
        self.assertIn("re-encrypted 3 keys", out.getvalue())
        new_id = kek.parse_kek(KEK_B).id
        with override_settings(KEK=KEK_B, KEK_PREVIOUS=[]):
            for before in made:
                after = IssuerKey.objects.get(pk=before.pk)
                self.assertEqual(after.kek_id, new_id)
                self.assertNotEqual(bytes(after.private_key_encrypted), bytes(before.private_key_encrypted))
                self.assertEqual(keys.open_key(after).public_key.to_multikey(), before.public_key_multibase)
        self.assertTrue(AuditEvent.objects.filter(action="keys.rotate_kek").exists())

    def test_rotate_kek_re_encrypts_webhook_secrets_and_lti_tool_keys_too(self) -> None:
        actor = Actor(user=None, via="cli")
        webhook, shown = create_source(actor, self.org, "webhook", "Class app")
        lti, _ = create_source(actor, self.org, "lti", "Canvas")
        # Creating an LTI source makes its tool key.
        tool_key = lti_keys.current(lti) or lti_keys.generate(lti)
        pem_before = lti_keys.private_pem(tool_key)
        out = io.StringIO()
        with override_settings(KEK=KEK_B, KEK_PREVIOUS=[KEK_A]):
            call_command("rotate_kek", stdout=out)
        self.assertIn("re-encrypted 2 keys", out.getvalue())
        # With the old KEK gone, both secrets still open and are unchanged.
        with override_settings(KEK=KEK_B, KEK_PREVIOUS=[]):
            webhook.refresh_from_db()
            tool_key.refresh_from_db()
            self.assertEqual(webhook_secret(webhook), shown["secret"])
            self.assertEqual(lti_keys.private_pem(tool_key), pem_before)

    def test_rotate_kek_changes_nothing_when_one_key_cannot_be_opened(self) -> None:
        ensure_issuer_keys(self.org)
        (other,) = ensure_issuer_keys(self.other_org)
        IssuerKey.objects.filter(pk=other.pk).update(kek_id="000000000000")
        with (
            override_settings(KEK=KEK_B, KEK_PREVIOUS=[KEK_A]),
            self.assertRaisesMessage(CommandError, "nothing was changed"),
        ):
            call_command("rotate_kek", stdout=io.StringIO())
        self.assertEqual(IssuerKey.objects.filter(kek_id=kek.parse_kek(KEK_B).id).count(), 0)


class SecretHygieneTests(CredentialsTestCase):
    def test_private_key_material_appears_in_no_repr_str_or_audit_row(self) -> None:
        keys_made = ensure_issuer_keys(self.org, kinds=("Ed25519", "P-256", "RSA"))
        secrets = [s for key in keys_made for s in private_material(key)]
        shown = [repr(k) + str(k) for k in IssuerKey.objects.all()]
        shown += [repr(kek.keyring()[0]), repr(keys.open_key(keys_made[0]))]
        for event in AuditEvent.objects.all():
            shown.append(f"{event.summary} {event.before} {event.after} {event.object_id}")
        text = "\n".join(shown)
        self.assertTrue(AuditEvent.objects.filter(action="keys.create").exists())
        for secret in secrets:
            self.assertNotIn(secret, text)
        self.assertNotIn(KEK_A, text)
