"""`laurel source create --org SLUG --kind KIND [--name NAME]`: a new source and its credentials.

Prints "key: value" lines (endpoint, then username and password, token or secret), once:
secrets are kept only as hashes or under the KEK and cannot be shown again.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from laurel.core.actor import Actor
from laurel.ingest.models import Source
from laurel.ingest.sources import create_source
from laurel.orgs.models import Organization


class Command(BaseCommand):
    help = "Create an ingestion source for an organization and print its credentials once."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("--kind", required=True, help=" | ".join(Source.Kind.values))
        parser.add_argument("--name", default="", help="a name to recognise it by (default: the kind)")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(slug=options["org"].strip()).first()
        if org is None:
            raise CommandError(f"no organization with slug {options['org']!r}")
        if options["kind"] not in Source.Kind.values:
            raise CommandError(
                f"--kind must be one of {', '.join(Source.Kind.values)}, not {options['kind']!r}"
            )
        try:
            source, lines = create_source(Actor(user=None, via="cli"), org, options["kind"], options["name"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        for key, value in lines.items():
            self.stdout.write(f"{key}: {value}")
        self.stdout.write(f"source: {source.public_id}")
