"""`laurel manage keys_rotate --org SLUG [--kind KIND]`: a new signing key; the old one is retired."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from laurel.core.actor import Actor
from laurel.credentials import issuers
from laurel.credentials.management.commands._org import get_org


class Command(BaseCommand):
    help = "Retire an organization's active key of a kind and create a new one."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("--kind", default="Ed25519", help="Ed25519 (default), P-256 or RSA")

    def handle(self, *args: Any, **options: Any) -> None:
        org = get_org(options["org"])
        if options["kind"] not in issuers.KINDS:
            raise CommandError(f"--kind {options['kind']!r} is not one of {', '.join(issuers.KINDS)}")
        key = issuers.rotate_key(Actor(user=None, via="cli"), org, options["kind"])
        self.stdout.write(f"new key  {key.public_id}  {key.kind}")
        self.stdout.write(f"issuer  {issuers.issuer_id(org)}")
