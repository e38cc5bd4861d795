"""A Laurel installation of its own for tests that run `laurel` in subprocesses.

The subprocesses cannot see the test runner's database (it lives in a
transaction or under a test name), so each Site gets a data folder and, when
DATABASE_URL points at PostgreSQL, a fresh database that is dropped at the end.
"""

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

REPO = Path(__file__).resolve().parents[2]
SUBJECT = re.compile(r"^Subject: (.+)$", re.MULTILINE)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class Site:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.mail_dir = data_dir / "mail"
        self.admin_url = ""
        self.database = ""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LAUREL_", "DJANGO_"))}
        env.update(
            LAUREL_DATA_DIR=str(data_dir),
            LAUREL_SECRET_KEY="worker-test-" + secrets.token_hex(8),
            LAUREL_EMAIL_BACKEND="tests.worker.slow_backend.EmailBackend",
            LAUREL_FAST_PASSWORD_HASHER="1",
            DJANGO_SETTINGS_MODULE="tests.worker.worker_settings",
            PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            PYTHONUNBUFFERED="1",
        )
        url = os.environ.get("DATABASE_URL", "")
        if url:
            self.admin_url = with_database(url, "postgres")
            self.database = f"laurel_worker_{secrets.token_hex(6)}"
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.database}"')
            env["DATABASE_URL"] = with_database(url, self.database)
        self.env = env

    def close(self) -> None:
        if self.database:
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def laurel(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "laurel", *args],
            env=self.env,
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise AssertionError(f"laurel {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def query(self, code: str) -> Any:
        """Run Python in the site's Django and return what it printed as its last JSON line."""
        out = self.laurel("manage", "shell", "-c", code)
        return json.loads(out.strip().splitlines()[-1])

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        log = (self.data_dir / f"{name}.log").open("wb")
        # `laurel manage worker` is `laurel worker` with the interval options exposed.
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "laurel",
                "manage",
                "worker",
                "--sweep-interval",
                "0.5",
                "--interval",
                "0.2",
            ],
            env=self.env,
            cwd=self.data_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def log(self, name: str) -> str:
        return (self.data_dir / f"{name}.log").read_text(errors="replace")

    def delivered(self) -> Counter[str]:
        """How many times each subject reached the mail folder."""
        counts: Counter[str] = Counter()
        if self.mail_dir.exists():
            for path in self.mail_dir.iterdir():
                counts.update(s.strip() for s in SUBJECT.findall(path.read_text(errors="replace")))
        return counts


def stop(process: subprocess.Popen[bytes], sig: signal.Signals = signal.SIGKILL) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        process.wait(timeout=30)
