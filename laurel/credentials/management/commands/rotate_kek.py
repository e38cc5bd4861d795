"""`laurel manage rotate_kek`: re-encrypt every stored secret under the current LAUREL_KEK.

Issuer keys, LTI tool keys, webhook source secrets and outgoing webhook secrets are the KEK's
ciphertexts.

Run it after moving the old KEK to LAUREL_KEK_PREVIOUS and setting a new LAUREL_KEK; once it
succeeds the old KEK can be dropped. All keys change in one transaction, or none does.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from laurel.audit.actions import record
from laurel.core.actor import Actor
from laurel.credentials import kek, keys
from laurel.credentials.models import IssuerKey
from laurel.hooks.actions import reseal as reseal_endpoint
from laurel.hooks.models import Endpoint
from laurel.ingest.lti import keys as lti_keys
from laurel.ingest.lti.models import ToolKey
from laurel.ingest.models import Source
from laurel.ingest.sources import reseal_webhook_secret

ENDPOINT_SECRETS = [
    "secret_kek_id",
    "secret_encrypted",
    "previous_secret_kek_id",
    "previous_secret_encrypted",
]


class Command(BaseCommand):
    help = "Re-encrypt issuer keys, LTI tool keys and webhook secrets under the current key-encryption key."

    def add_arguments(self, parser: ArgumentParser) -> None:
        pass

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            current = kek.current_kek_id()
            with transaction.atomic():
                changed = 0
                rows = IssuerKey.objects.select_for_update().select_related("org").order_by("pk")
                for key in rows:
                    if keys.reseal(key):
                        key.save(update_fields=["kek_id", "private_key_encrypted"])
                        changed += 1
                for tool_key in ToolKey.objects.select_for_update().select_related("source").order_by("pk"):
                    if lti_keys.reseal(tool_key):
                        tool_key.save(update_fields=["kek_id", "private_key_encrypted"])
                        changed += 1
                webhooks = Source.objects.select_for_update().filter(kind=Source.Kind.WEBHOOK)
                for source in webhooks.order_by("pk"):
                    if reseal_webhook_secret(source):
                        source.save(update_fields=["secret_kek_id", "secret_encrypted"])
                        changed += 1
                for endpoint in Endpoint.objects.select_for_update().order_by("pk"):
                    if reseal_endpoint(endpoint):
                        endpoint.save(update_fields=ENDPOINT_SECRETS)
                        changed += 1
                record(
                    Actor(user=None, via="cli"),
                    None,
                    "keys.rotate_kek",
                    summary=f"{changed} keys → {current}",
                    after={"kek": current, "changed": changed},
                )
        except (kek.KekError, keys.StoredKeyError) as error:
            raise CommandError(f"nothing was changed: {error}") from None
        self.stdout.write(f"re-encrypted {changed} keys under KEK {current}")
