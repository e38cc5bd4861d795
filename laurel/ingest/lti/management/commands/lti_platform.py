from argparse import ArgumentParser

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from laurel.core.actor import Actor
from laurel.ingest.lti.actions import register_platform
from laurel.ingest.lti.setup import describe
from laurel.ingest.models import Source


class Command(BaseCommand):
    help = "Register the LMS an LTI source is installed in (the values the LMS shows after adding the tool)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--source", required=True, help="the LTI source's public id")
        parser.add_argument("--issuer", required=True)
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--auth-login-url", required=True, help="the platform's OIDC authorization URL")
        parser.add_argument("--token-url", required=True, help="the platform's OAuth2 access token URL")
        parser.add_argument("--jwks-url", required=True, help="the platform's public keyset URL")
        parser.add_argument("--deployment-id", action="append", required=True, help="repeat for several")
        parser.add_argument("--audience", default="", help="token audience, when it is not the token URL")
        parser.add_argument(
            "--frame-origin",
            action="append",
            default=[],
            help="where the LMS's pages are; repeat for several",
        )

    def handle(self, *args: object, **options: str | list[str]) -> None:
        source = Source.objects.filter(public_id=options["source"], kind=Source.Kind.LTI).first()
        if source is None:
            raise CommandError(f"no LTI source has the public id {options['source']!r}")
        try:
            register_platform(
                Actor(user=None, via="cli"),
                source,
                issuer=str(options["issuer"]),
                client_id=str(options["client_id"]),
                auth_login_url=str(options["auth_login_url"]),
                auth_token_url=str(options["token_url"]),
                jwks_url=str(options["jwks_url"]),
                deployment_ids=list(options["deployment_id"]),
                auth_audience=str(options["audience"]),
                frame_origins=list(options["frame_origin"]),
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        for name, value in describe(source).items():
            self.stdout.write(f"{name}: {value}")
