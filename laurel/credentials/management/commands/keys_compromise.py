"""`laurel manage keys_compromise --org SLUG --key ID`: withdraw a key that may have leaked."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from laurel.core.actor import Actor
from laurel.credentials import issuers
from laurel.credentials.management.commands._org import get_org
from laurel.credentials.models import IssuerKey


class Command(BaseCommand):
    help = "Mark a key compromised: it leaves the DID document, and a did:key issuer's awards are revoked."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("--key", required=True, help="key id, as keys_list prints it")
        parser.add_argument("--reason", default="", help="shown publicly on revoked awards")

    def handle(self, *args: Any, **options: Any) -> None:
        org = get_org(options["org"])
        key = IssuerKey.objects.filter(org=org, public_id=(options["key"] or "").strip()).first()
        if key is None:
            raise CommandError(f"{org.slug} has no key {options['key']!r}; see keys_list --org {org.slug}")
        if key.state == IssuerKey.State.COMPROMISED:
            self.stdout.write(f"key {key.public_id} was already marked compromised")
            return
        issuers.compromise_key(Actor(user=None, via="cli"), org, key, reason=options["reason"])
        self.stdout.write(f"key {key.public_id} marked compromised")
        self.stdout.write(f"issuer  {issuers.issuer_id(org)}")
