import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

LOGINS = [
    "owner@hanbit.example",
    "issuer@hanbit.example",
    "mentor1@hanbit.example",
    "mentor2@hanbit.example",
    "viewer@hanbit.example",
]


class LaurelDemoCommandTests(SimpleTestCase):
    """`laurel demo --no-serve` as a person runs it: a fresh SQLite folder, then again."""

    def run_demo(self, data_dir: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LAUREL_TEST_DB_NAME")}
        env.update(
            LAUREL_DATA_DIR=data_dir,
            DJANGO_SETTINGS_MODULE="laurel.settings",
            LAUREL_FAST_PASSWORD_HASHER="1",
        )
        return subprocess.run(
            [sys.executable, "-m", "laurel", "demo", "--no-serve"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def test_it_seeds_a_fresh_folder_and_runs_again_without_changes(self) -> None:
        with tempfile.TemporaryDirectory(prefix="laurel-demo-") as data_dir:
            first = self.run_demo(data_dir)
            self.assertEqual(first.returncode, 0, first.stderr)
            self.assertTrue((Path(data_dir) / "laurel.sqlite3").exists())
            second = self.run_demo(data_dir)
            self.assertEqual(second.returncode, 0, second.stderr)
        for result in (first, second):
            for email in LOGINS:
                self.assertIn(email, result.stdout)
            self.assertIn("laurel-demo", result.stdout)
            self.assertIn("http://127.0.0.1:8000/", result.stdout)
            self.assertIn("otpauth://totp/", result.stdout)
        self.assertIn("already exists", second.stdout)
        self.assertNotIn("already exists", first.stdout)
        award_lines = [line for line in first.stdout.splitlines() if "/a/" in line]
        self.assertEqual(award_lines, [line for line in second.stdout.splitlines() if "/a/" in line])
