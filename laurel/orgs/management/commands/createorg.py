from argparse import ArgumentParser

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from laurel.accounts.links import password_set_url
from laurel.core.actor import Actor
from laurel.core.text import canonical_email
from laurel.orgs.actions import create_org
from laurel.orgs.models import Organization
from laurel.orgs.slugs import slug_problem


class Command(BaseCommand):
    help = "Create an organization, optionally with an owner who gets a one-time sign-in link."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name-ko", default="")
        parser.add_argument("--name-en", default="")
        parser.add_argument("--owner", help="the owner's email address")

    def handle(self, *args: object, **options: str | None) -> None:
        slug = (options["slug"] or "").strip()
        name_ko = (options["name_ko"] or "").strip()
        name_en = (options["name_en"] or "").strip()
        owner = canonical_email(options["owner"]) if options["owner"] else None
        problem = slug_problem(slug)
        if problem:
            raise CommandError(problem)
        if Organization.objects.filter(slug=slug).exists():
            raise CommandError(f"slug {slug!r} is already taken")
        if not (name_ko or name_en):
            raise CommandError("give a name with --name-ko, --name-en or both")
        for label, value in (("--name-ko", name_ko), ("--name-en", name_en)):
            if len(value) > 200:
                raise CommandError(f"{label} is {len(value)} characters long; the limit is 200")
        if owner is not None:
            try:
                validate_email(owner)
            except ValidationError:
                raise CommandError(f"--owner {owner!r} is not a valid email address") from None
        org, user = create_org(
            Actor(user=None, via="cli"), slug=slug, name_ko=name_ko, name_en=name_en, owner_email=owner
        )
        self.stdout.write(f"organization: {org.slug}")
        if user is not None:
            self.stdout.write(f"sign-in link: {password_set_url(user)}")
