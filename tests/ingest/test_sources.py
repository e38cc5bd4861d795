"""Sources' credentials: shown once, stored as hashes or sealed, checked in constant time, rotated."""

import base64
import hashlib
from datetime import timedelta

import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from laurel.audit.models import AuditEvent
from laurel.credentials import kek
from laurel.ingest.models import Source
from laurel.ingest.sources import (
    authenticate_basic,
    authenticate_bearer,
    create_source,
    deactivate_source,
    reseal_webhook_secret,
    rotate_secret,
    webhook_secret,
)
from tests.ingest.helpers import IngestTestCase


class CreateSourceTests(IngestTestCase):
    def test_an_xapi_source_gets_basic_credentials_kept_as_a_hash(self) -> None:
        source, lines = create_source(self.actor, self.org, "xapi", "Moodle LRS")
        self.assertEqual(lines["endpoint"], "http://127.0.0.1:8000/xapi/")
        self.assertEqual(lines["username"], source.key)
        self.assertEqual(source.secret_hash, hashlib.sha256(lines["password"].encode()).hexdigest())
        self.assertNotIn(lines["password"], str(Source.objects.filter(pk=source.pk).values().get()))

    def test_a_caliper_source_gets_a_bearer_token(self) -> None:
        source, lines = create_source(self.actor, self.org, "caliper", "Canvas")
        self.assertEqual(lines["endpoint"], "http://127.0.0.1:8000/caliper/events")
        self.assertTrue(lines["token"].startswith("lcs_"))
        self.assertEqual(source.key, lines["token"][:16])
        self.assertEqual(source.secret_hash, hashlib.sha256(lines["token"].encode()).hexdigest())

    def test_a_webhook_source_gets_a_standard_webhooks_secret_sealed_with_the_kek(self) -> None:
        source, lines = create_source(self.actor, self.org, "webhook", "Missions app")
        self.assertEqual(lines["endpoint"], f"http://127.0.0.1:8000/hooks/{source.public_id}/")
        secret = lines["secret"]
        self.assertTrue(secret.startswith("whsec_"))
        self.assertEqual(len(base64.b64decode(secret.removeprefix("whsec_"))), 32)
        stored = Source.objects.get(pk=source.pk)
        self.assertNotIn(secret.encode(), bytes(stored.secret_encrypted))
        self.assertEqual(stored.secret_kek_id, kek.current_kek_id())
        self.assertEqual(webhook_secret(stored), secret)
        self.assertIsNone(stored.key)

    def test_a_sealed_secret_does_not_open_on_another_row(self) -> None:
        one, _ = create_source(self.actor, self.org, "webhook", "One")
        two, _ = create_source(self.actor, self.org, "webhook", "Two")
        two.secret_encrypted, two.secret_kek_id = one.secret_encrypted, one.secret_kek_id
        with self.assertRaises(kek.DecryptionError):
            webhook_secret(two)

    def test_csv_and_lti_sources_have_no_secret(self) -> None:
        csv, lines = create_source(self.actor, self.org, "csv", "")
        self.assertEqual(set(lines), {"endpoint"})
        self.assertEqual(csv.name, "CSV import")
        self.assertEqual((csv.key, csv.secret_hash, csv.secret_encrypted), (None, "", None))
        _lti, lines = create_source(self.actor, self.org, "lti", "Canvas LTI")
        self.assertIn("endpoint", lines)
        self.assertNotIn("password", lines)

    def test_an_unknown_kind_or_a_long_name_is_refused(self) -> None:
        with self.assertRaises(ValidationError):
            create_source(self.actor, self.org, "ftp", "x")
        with self.assertRaises(ValidationError):
            create_source(self.actor, self.org, "xapi", "x" * 201)
        self.assertEqual(Source.objects.count(), 1)

    def test_creating_is_audited_without_the_secret(self) -> None:
        source, lines = create_source(self.actor, self.org, "xapi", "Audited")
        event = AuditEvent.objects.get(action="source.create", object_id=source.public_id)
        self.assertEqual(event.org, self.org)
        self.assertNotIn(lines["password"], str(event.after) + event.summary)


class AuthenticateTests(IngestTestCase):
    def test_basic_credentials_find_their_source(self) -> None:
        source, lines = create_source(self.actor, self.org, "xapi", "LRS")
        self.assertEqual(authenticate_basic(lines["username"], lines["password"]), source)

    def test_a_wrong_password_or_username_finds_nothing(self) -> None:
        _source, lines = create_source(self.actor, self.org, "xapi", "LRS")
        self.assertIsNone(authenticate_basic(lines["username"], lines["password"] + "x"))
        self.assertIsNone(authenticate_basic("lx_nobody", lines["password"]))
        self.assertIsNone(authenticate_basic("", ""))

    def test_a_token_finds_its_caliper_source_only(self) -> None:
        source, lines = create_source(self.actor, self.org, "caliper", "Canvas")
        self.assertEqual(authenticate_bearer(lines["token"]), source)
        # The last character changed (a random token may already end in "A").
        wrong = lines["token"][:-1] + ("B" if lines["token"].endswith("A") else "A")
        self.assertIsNone(authenticate_bearer(wrong))
        self.assertIsNone(authenticate_bearer("lrl_" + lines["token"][4:]))
        # A token is not a password: the kinds do not mix.
        self.assertIsNone(authenticate_basic(source.key or "", lines["token"]))

    def test_a_deactivated_source_is_refused(self) -> None:
        source, lines = create_source(self.actor, self.org, "xapi", "LRS")
        self.assertTrue(deactivate_source(self.actor, source))
        self.assertIsNone(authenticate_basic(lines["username"], lines["password"]))
        self.assertFalse(deactivate_source(self.actor, source))
        self.assertEqual(AuditEvent.objects.filter(action="source.deactivate").count(), 1)

    def test_last_seen_is_written_at_most_once_a_minute(self) -> None:
        source, lines = create_source(self.actor, self.org, "xapi", "LRS")
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            authenticate_basic(lines["username"], lines["password"])
        with time_machine.travel(start + timedelta(seconds=30), tick=False):
            authenticate_basic(lines["username"], lines["password"])
        source.refresh_from_db()
        self.assertEqual(source.last_seen_at, start)
        with time_machine.travel(start + timedelta(seconds=61), tick=False):
            authenticate_basic(lines["username"], lines["password"])
        source.refresh_from_db()
        self.assertEqual(source.last_seen_at, start + timedelta(seconds=61))


class RotateTests(IngestTestCase):
    def test_rotating_replaces_the_password_at_once(self) -> None:
        source, old = create_source(self.actor, self.org, "xapi", "LRS")
        new = rotate_secret(self.actor, source)
        self.assertEqual(new["username"], old["username"])
        self.assertIsNone(authenticate_basic(old["username"], old["password"]))
        self.assertEqual(authenticate_basic(new["username"], new["password"]), source)
        self.assertTrue(AuditEvent.objects.filter(action="source.rotate").exists())

    def test_rotating_a_token_changes_its_prefix_too(self) -> None:
        source, old = create_source(self.actor, self.org, "caliper", "Canvas")
        new = rotate_secret(self.actor, source)
        self.assertIsNone(authenticate_bearer(old["token"]))
        self.assertEqual(authenticate_bearer(new["token"]), source)

    def test_rotating_a_webhook_secret(self) -> None:
        source, old = create_source(self.actor, self.org, "webhook", "Hooks")
        new = rotate_secret(self.actor, source)
        self.assertNotEqual(new["secret"], old["secret"])
        self.assertEqual(webhook_secret(Source.objects.get(pk=source.pk)), new["secret"])

    def test_nothing_to_rotate_on_csv_or_deactivated_sources(self) -> None:
        csv, _ = create_source(self.actor, self.org, "csv", "Files")
        with self.assertRaises(ValidationError):
            rotate_secret(self.actor, csv)
        source, _ = create_source(self.actor, self.org, "xapi", "LRS")
        deactivate_source(self.actor, source)
        with self.assertRaises(ValidationError):
            rotate_secret(self.actor, source)

    def test_resealing_moves_a_webhook_secret_to_the_current_kek(self) -> None:
        source, lines = create_source(self.actor, self.org, "webhook", "Hooks")
        self.assertFalse(reseal_webhook_secret(source))
        new_kek = kek.new_kek_text()
        with self.settings(KEK=new_kek):
            self.assertTrue(reseal_webhook_secret(source))
            self.assertEqual(source.secret_kek_id, kek.current_kek_id())
            self.assertEqual(webhook_secret(source), lines["secret"])
