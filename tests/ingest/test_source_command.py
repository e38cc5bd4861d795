"""`laurel source create` (the source_create command): credentials printed once, clear errors."""

import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from laurel.ingest.models import Source
from laurel.ingest.sources import authenticate_basic, webhook_secret
from tests.ingest.helpers import IngestTestCase


def run(*args: str) -> dict[str, str]:
    out = io.StringIO()
    call_command("source_create", *args, stdout=out)
    return dict(line.split(": ", 1) for line in out.getvalue().splitlines())


class SourceCommandTests(IngestTestCase):
    def test_an_xapi_source_prints_endpoint_username_and_password(self) -> None:
        lines = run("--org=hanbit", "--kind=xapi", "--name=Moodle LRS")
        self.assertEqual(list(lines)[:3], ["endpoint", "username", "password"])
        self.assertEqual(lines["endpoint"], "http://127.0.0.1:8000/xapi/")
        source = authenticate_basic(lines["username"], lines["password"])
        self.assertIsNotNone(source)
        self.assertEqual((source.name, source.public_id), ("Moodle LRS", lines["source"]))

    def test_a_webhook_source_prints_its_secret(self) -> None:
        lines = run("--org=hanbit", "--kind=webhook")
        source = Source.objects.get(public_id=lines["source"])
        self.assertEqual(webhook_secret(source), lines["secret"])
        self.assertEqual(source.name, "Signed webhook")

    def test_a_bad_kind_or_organization_is_one_clear_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "--kind must be one of"):
            run("--org=hanbit", "--kind=ftp")
        with self.assertRaisesMessage(CommandError, "no organization"):
            run("--org=nowhere", "--kind=csv")
        self.assertEqual(Source.objects.count(), 1)


def test_the_command_runs_as_its_own_process(tmp_path: Path) -> None:
    # A real process against a fresh database: migrate, make an org, create a source.
    env = {**os.environ, "LAUREL_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "laurel.test_settings"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, "-m", "django"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*manage, "createorg", "--slug=cli", "--name-ko=씨엘아이", "--name-en=CLI"],
        env=env,
        check=True,
        capture_output=True,
    )
    done = subprocess.run(
        [*manage, "source_create", "--org=cli", "--kind=caliper"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    keys = [line.split(": ", 1)[0] for line in done.stdout.splitlines()]
    assert keys == ["endpoint", "token", "source"]
    failed = subprocess.run(
        [*manage, "source_create", "--org=cli", "--kind=ftp"], env=env, capture_output=True, text=True
    )
    assert failed.returncode == 1
    assert "--kind must be one of" in failed.stderr
