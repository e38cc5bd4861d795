import hashlib
from datetime import timedelta

import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from laurel.accounts.models import ApiToken
from laurel.accounts.tokens import authenticate_token, create_api_token, revoke_api_token
from laurel.audit.models import AuditEvent
from laurel.core.actor import Actor
from laurel.orgs.models import Membership
from tests.accounts.helpers import AccountsTestCase


class ApiTokenTests(AccountsTestCase):
    def create(self, name: str = "LMS 연동") -> tuple[ApiToken, str]:
        return create_api_token(Actor(user=self.owner), self.teammate, self.org, name)

    def test_it_returns_the_clear_token_once_and_stores_only_its_hash(self) -> None:
        token, raw = self.create()
        self.assertTrue(raw.startswith("lrl_"))
        stored = ApiToken.objects.get(pk=token.pk)
        self.assertEqual(stored.token_hash, hashlib.sha256(raw.encode()).hexdigest())
        self.assertEqual(stored.prefix, raw[:12])
        self.assertNotIn(raw, [str(v) for v in ApiToken.objects.values_list().get(pk=token.pk)])

    def test_creating_is_audited_in_the_org(self) -> None:
        token, _ = self.create()
        event = AuditEvent.objects.get(action="api_token.create")
        self.assertEqual((event.org, event.actor, event.object_id), (self.org, self.owner, str(token.pk)))

    def test_a_blank_name_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.create("   ")
        self.assertIn("name", caught.exception.message_dict)
        self.assertFalse(ApiToken.objects.exists())

    def test_the_clear_token_authenticates(self) -> None:
        token, raw = self.create()
        self.assertEqual(authenticate_token(raw), token)

    def test_wrong_or_malformed_tokens_do_not(self) -> None:
        _, raw = self.create()
        for attempt in (raw[:-1] + ("A" if raw[-1] != "A" else "B"), "", "lrl_", raw[4:], raw + "x" * 200):
            self.assertIsNone(authenticate_token(attempt), attempt)

    def test_a_revoked_token_does_not(self) -> None:
        token, raw = self.create()
        revoke_api_token(Actor(user=self.owner), token)
        self.assertIsNone(authenticate_token(raw))
        self.assertIsNotNone(ApiToken.objects.get(pk=token.pk).revoked_at)
        self.assertEqual(AuditEvent.objects.filter(action="api_token.revoke").count(), 1)

    def test_revoking_twice_records_once(self) -> None:
        token, _ = self.create()
        revoke_api_token(Actor(user=self.owner), token)
        revoke_api_token(Actor(user=self.owner), token)
        self.assertEqual(AuditEvent.objects.filter(action="api_token.revoke").count(), 1)

    def test_a_token_stops_working_when_its_user_leaves_the_org(self) -> None:
        _, raw = self.create()
        Membership.objects.filter(org=self.org, user=self.teammate).delete()
        self.assertIsNone(authenticate_token(raw))

    def test_last_use_is_recorded_at_most_once_a_minute(self) -> None:
        token, raw = self.create()
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            authenticate_token(raw)
        self.assertEqual(ApiToken.objects.get(pk=token.pk).last_used_at, start)
        with time_machine.travel(start + timedelta(seconds=59), tick=False):
            authenticate_token(raw)
        self.assertEqual(ApiToken.objects.get(pk=token.pk).last_used_at, start)
        with time_machine.travel(start + timedelta(seconds=61), tick=False):
            authenticate_token(raw)
        self.assertEqual(ApiToken.objects.get(pk=token.pk).last_used_at, start + timedelta(seconds=61))
