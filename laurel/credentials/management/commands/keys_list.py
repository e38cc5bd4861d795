"""`laurel manage keys_list --org SLUG`: the issuer id and its keys; public parts only."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from laurel.credentials import issuers
from laurel.credentials.management.commands._org import get_org
from laurel.credentials.models import IssuerKey


class Command(BaseCommand):
    help = "List an organization's issuer id and signing keys (never private key material)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True, help="organization slug")

    def handle(self, *args: Any, **options: Any) -> None:
        org = get_org(options["org"])
        issuers.ensure_issuer_keys(org)
        self.stdout.write(f"issuer  {issuers.issuer_id(org)}")
        for key in IssuerKey.objects.filter(org=org).order_by("-created_at", "-pk"):
            since = key.compromised_at or key.retired_at or key.created_at
            self.stdout.write(
                f"{key.public_id}  {key.kind}  {key.state}  {since.isoformat(timespec='seconds')}"
                f"  {key.public_key_multibase}"
            )
