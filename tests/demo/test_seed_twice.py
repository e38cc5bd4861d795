import base64
import re

from django.db import models, transaction
from django.test import TestCase
from django_otp.plugins.otp_totp.models import TOTPDevice

from laurel.accounts.models import Identifier, User
from laurel.achievements.models import Achievement, AchievementVersion, ImageAsset
from laurel.audit.models import AuditEvent
from laurel.awards.models import Award
from laurel.orgs.models import Membership, Organization, Recipient
from laurel.outbox.models import OutboxMessage
from tests.demo.helpers import seed_demo

MODELS: list[type[models.Model]] = [
    Organization,
    User,
    Identifier,
    Membership,
    TOTPDevice,
    Achievement,
    AchievementVersion,
    ImageAsset,
    Recipient,
    Award,
    OutboxMessage,
    AuditEvent,
]


def snapshot() -> dict[str, object]:
    state: dict[str, object] = {model.__name__: model.objects.count() for model in MODELS}
    state["award ids"] = sorted(Award.objects.values_list("public_id", flat=True))
    state["totp keys"] = sorted(TOTPDevice.objects.values_list("key", flat=True))
    return state


class SeedTwiceTests(TestCase):
    def test_a_second_run_changes_nothing(self) -> None:
        seed_demo()
        first = snapshot()
        output = seed_demo()
        self.assertEqual(snapshot(), first)
        self.assertIn("already exists", output)

    def test_a_second_run_prints_the_logins_again(self) -> None:
        seed_demo()
        output = seed_demo()
        for email in ("owner@hanbit.example", "issuer@hanbit.example", "viewer@hanbit.example"):
            self.assertIn(email, output)
        self.assertIn("laurel-demo", output)
        self.assertIn("otpauth://totp/", output)
        award = Award.objects.order_by("issued_on", "pk").first()
        assert award is not None
        self.assertIn(f"/a/{award.public_id}/", output)

    def test_the_owners_second_factor_key_is_the_same_in_every_fresh_database(self) -> None:
        with transaction.atomic():
            first_output = seed_demo()
            first_key = TOTPDevice.objects.get(user__email="owner@hanbit.example").key
            transaction.set_rollback(True)
        self.assertFalse(Organization.objects.filter(slug="hanbit").exists())
        second_output = seed_demo()
        self.assertEqual(TOTPDevice.objects.get(user__email="owner@hanbit.example").key, first_key)
        self.assertEqual(printed_secret(first_output), printed_secret(second_output))

    def test_the_printed_secret_is_the_owners_device_key(self) -> None:
        output = seed_demo()
        secret = printed_secret(output)
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        device = TOTPDevice.objects.get(user__email="owner@hanbit.example", confirmed=True)
        self.assertEqual(key, bytes.fromhex(device.key))
        self.assertIn(f"secret={secret}", output)


def printed_secret(output: str) -> str:
    match = re.search(r"secret: ([A-Z2-7]+)", output)
    assert match is not None, output
    return match.group(1)
