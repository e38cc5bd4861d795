"""`laurel issue`: award a badge to one person and write the signed credential at once.

All or nothing: the award, its signing and the writing of the output happen in one
transaction, so a failure at any step (an unwritable ``-o`` path included) leaves no award.
Binary formats go to stdout only when it is not a terminal.
"""

import os
import sys
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from laurel.achievements.models import Achievement, AchievementVersion
from laurel.awards import actions as award_actions
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.credentials import formats
from laurel.credentials.management.commands._org import get_org
from laurel.credentials.models import Credential
from laurel.credentials.signing import credential_for, jwt_of
from laurel.orgs.models import Organization, Recipient
from laurel.vc import baking

FORMATS = ("json", "jwt", "png", "svg")
LANGUAGE_NAMES = {"ko": "Korean", "en": "English"}


def get_achievement(org: Organization, slug: str) -> Achievement:
    achievement = Achievement.objects.filter(org=org, slug=slug.strip()).first()
    if achievement is None:
        raise CommandError(f"{org.slug} has no badge with slug {slug!r}")
    return achievement


def check_request(achievement: Achievement, language: str | None, fmt: str) -> None:
    """Refuse what cannot be delivered before anything is written."""
    version = achievement.current_version
    if version is None:
        return  # award() explains this one in its own words
    if language is not None and language not in version.languages:
        have = ", ".join(version.languages)
        raise CommandError(
            f"badge {achievement.slug!r} has no {LANGUAGE_NAMES[language]} version (it has: {have})"
        )
    if fmt in ("png", "svg") and formats.bake_source(version, fmt) is None:
        has = "no image" if version.image is None else f"a {version.image.content_type} image only"
        raise CommandError(f"badge {achievement.slug!r} cannot be baked as {fmt.upper()}: it has {has}")


def recipient_name(org: Organization, email: str, given: str | None) -> str:
    """The name given, or the one on file for this email; an award needs one."""
    if given and given.strip():
        return given
    on_file = Recipient.objects.filter(org=org, email__iexact=email.strip()).exclude(name="").first()
    if on_file is None:
        raise CommandError(f"give the recipient's name with --name; {email.strip()!r} has none on file")
    return on_file.name


def render(credential: Credential, version: AchievementVersion, fmt: str) -> bytes:
    """The credential as the chosen format's bytes."""
    if fmt == "json":
        return formats.json_bytes(credential) + b"\n"
    if fmt == "jwt":
        return (jwt_of(credential) + "\n").encode()
    image = formats.bake_source(version, fmt)
    assert image is not None  # check_request refused badges without one
    try:
        return formats.baked(credential, image)
    except baking.BakingError as error:
        raise CommandError(f"the badge image cannot be baked: {error}") from error


# The command's options for the fields award() names in its errors.
OPTION_OF_FIELD = {"email": "--recipient", "name": "--name", "language": "--lang"}


def validation_message(error: ValidationError) -> str:
    """One line from award()'s field errors, each led by the option to fix."""
    if not hasattr(error, "message_dict"):
        return " ".join(error.messages)
    parts = []
    for field, messages in error.message_dict.items():
        option = OPTION_OF_FIELD.get(field)
        text = " ".join(messages)
        parts.append(f"{option}: {text}" if option else text)
    return "; ".join(parts)


def write_file(path: Path, data: bytes) -> None:
    """Write through a temporary file beside the target, so a failure leaves no half-written file."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror or error}") from error
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"cannot write {path}: {error.strerror or error}") from error


class Command(BaseCommand):
    help = "Award a badge to one person and write its signed Open Badges 3.0 credential."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("--achievement", required=True, help="badge slug")
        parser.add_argument("--recipient", required=True, help="the recipient's email address")
        parser.add_argument("--name", help="the recipient's name (default: the one on file)")
        parser.add_argument("--lang", choices=("ko", "en"), help="credential language (default: the org's)")
        parser.add_argument("--format", choices=FORMATS, default="json", dest="fmt")
        parser.add_argument("-o", "--output", help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        # The command line speaks English, as the other commands do; credentials keep their language.
        with translation.override("en"):
            self.issue(options)

    def issue(self, options: dict[str, Any]) -> None:
        fmt: str = options["fmt"]
        output: str | None = options["output"]
        binary_out = self._binary_stdout(fmt) if output is None else None
        org = get_org(options["org"])
        achievement = get_achievement(org, options["achievement"])
        check_request(achievement, options["lang"], fmt)
        if output is not None:
            target = Path(output)
            if target.is_dir():
                raise CommandError(f"cannot write {output}: it is a directory")
        with transaction.atomic():
            award = self._award(org, achievement, options["recipient"], options["name"])
            credential = credential_for(award, options["lang"])
            data = render(credential, award.version, fmt)
            if output is None:
                self._write_stdout(data, binary_out)
            else:
                write_file(Path(output), data)
        summary = f"issued {award.public_url} ({credential.language})"
        if output is None:
            self.stderr.write(summary)
        else:
            self.stdout.write(f"{summary} -> {output}")

    def _award(self, org: Organization, achievement: Achievement, email: str, name: str | None) -> Award:
        actor = Actor(user=None, via="cli")
        try:
            return award_actions.award(
                actor, org, achievement, email=email, name=recipient_name(org, email, name)
            )
        except award_actions.DuplicateAward as error:
            raise CommandError(" ".join(error.messages)) from error
        except ValidationError as error:
            raise CommandError(validation_message(error)) from error

    def _binary_stdout(self, fmt: str) -> BinaryIO | None:
        """The byte stream behind stdout; images are refused on a terminal or a text-only stream."""
        stream = getattr(self.stdout, "_out", sys.stdout)
        buffer = getattr(stream, "buffer", None)
        if fmt in ("png", "svg"):
            if stream.isatty():
                raise CommandError(f"refusing to write a {fmt.upper()} image to a terminal; use -o FILE")
            if buffer is None:
                raise CommandError(f"stdout takes text only; write the {fmt.upper()} image with -o FILE")
        return buffer

    def _write_stdout(self, data: bytes, binary_out: BinaryIO | None) -> None:
        if binary_out is None:
            # A terminal, or a text-only stream: only text formats reach here.
            self.stdout.write(data.decode(), ending="")
            return
        self.stdout.flush()
        binary_out.write(data)
        binary_out.flush()
