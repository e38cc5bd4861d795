from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from laurel.demo import people
from laurel.demo.seed import DemoProblem, DemoSummary, seed


class Command(BaseCommand):
    help = "Create the Hanbit National University demo once, and print how to sign in to it."

    def handle(self, *args: object, **options: object) -> None:
        try:
            summary = seed()
        except (DemoProblem, ValidationError) as error:
            # The demo data is checked by the same rules as people's input; say which rule broke.
            raise CommandError(f"the demo data was refused: {error}") from None
        self.stdout.write(render(summary))


def render(summary: DemoSummary) -> str:
    site = settings.SITE_URL.rstrip("/")
    if summary.created:
        status = "The demo institution Hanbit National University (한빛국립대학교) was created."
    else:
        status = f"The demo organization '{people.ORG_SLUG}' already exists; nothing was changed."
    width = max((len(login.email) for login in summary.logins), default=0)
    lines = [
        status,
        "",
        f"Open {site}/",
        "",
        f"Sign in with any of these accounts; the password is {people.PASSWORD}",
    ]
    for login in summary.logins:
        note = "  <- sign in with this one first" if login.email == people.ISSUER_EMAIL else ""
        lines.append(f"  {login.email:<{width}}  {login.role:<8} {login.name}{note}")
    if summary.totp_secret:
        lines += [
            "",
            f"{people.OWNER_EMAIL} also needs a code from an authenticator app. Add this key to one:",
            f"  secret: {summary.totp_secret}",
            f"  {summary.totp_uri}",
        ]
    if summary.award_path:
        lines += ["", f"A public award page: {summary.award_path}  ({site}{summary.award_path})"]
    return "\n".join(lines)
