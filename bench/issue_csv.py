"""End to end: a CSV of distinct recipients uploaded, confirmed and issued through a real server.

Usage: ``python -m bench.issue_csv [--rows 10000] [--workers 1] [--database-url URL]``

A fresh Laurel in a temporary data folder (SQLite there, or a new database on the PostgreSQL
server ``--database-url`` names, dropped afterwards) runs ``laurel serve`` and ``--workers``
``laurel worker`` processes. Over real HTTP the benchmark signs in as an issuer, uploads the
CSV through the bulk form (a bilingual badge, so two credentials per row), confirms it and
polls the batch's progress endpoint until every credential is signed. Baked PNG/SVG files
are not made: Laurel bakes them when someone downloads them.

It prints the wall-clock times and throughput, and where the workers' time went, summed over
the chunks (``AwardChunk.timings``): database steps against building and signing documents.
Emails are queued in the outbox as usual and handed to Django's dummy mail backend.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 20.0
# Often enough to time the steps; rarely enough that the server stays out of the way.
POLL_SECONDS = 0.25
PASSWORD = "bench-password-" + secrets.token_hex(4)
SETUP = """
import json
from laurel.accounts.models import User
from laurel.achievements.actions import create_achievement
from laurel.achievements.forms import validate_achievement
from laurel.core.actor import Actor
from laurel.orgs.models import Membership, Organization, Role
org = Organization.objects.create(slug="bench", name_ko="벤치대학교", name_en="Bench University")
user = User.objects.create_user(email="issuer@bench.example", password={password!r}, name="이발급")
Membership.objects.create(org=org, user=user, role=Role.ISSUER)
data = validate_achievement({{
    "name_ko": "데이터 분석 입문", "name_en": "Introduction to Data Analysis",
    "description_ko": "데이터 분석 입문 과정을 마쳤습니다.",
    "description_en": "Completed the introduction to data analysis.",
    "criteria_ko": "기말 과제를 제출합니다.", "criteria_en": "Hand in the final project.",
    "achievement_type": "Badge", "alt_text_ko": "초록색 방패 배지", "alt_text_en": "A green shield badge",
    "design": {{"shape": "shield", "primary": "#1b5e20", "secondary": "#ffffff", "icon": "book"}},
}}, org=org)
badge = create_achievement(Actor(user), org, data)
print(json.dumps({{"org": org.slug, "badge": badge.pk, "email": user.email}}))
"""
REPORT = """
import json
from django.db.models import Count
from laurel.awards.models import Award, AwardChunk
from laurel.credentials.models import AwardStatus, Credential
from laurel.outbox.models import OutboxMessage
steps = {{}}
for timings in AwardChunk.objects.filter(batch__public_id={batch!r}).values_list("timings", flat=True):
    for name, seconds in timings.items():
        steps[name] = steps.get(name, 0.0) + seconds
awards = Award.objects.filter(batch__public_id={batch!r})
print(json.dumps({{
    "steps": steps,
    "awards": awards.count(),
    "credentials": Credential.objects.filter(award__in=awards).count(),
    "slots": AwardStatus.objects.filter(award__in=awards).count(),
    "emails": OutboxMessage.objects.count(),
    "chunks": AwardChunk.objects.filter(batch__public_id={batch!r}).count(),
}}))
"""
DB_STEPS = ("award", "load", "store")
SIGN_STEPS = ("build", "prove", "jwt")
STEP_LABELS = {
    "award": "award chunk (one DB transaction)",
    "load": "load awards for signing (DB)",
    "build": "build unsigned documents",
    "prove": "Data Integrity proofs (prove_many)",
    "jwt": "VC-JWTs",
    "store": "store credentials (one DB transaction)",
}


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next(
                (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), model
            )
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()} ({platform.system()})"


def csv_bytes(rows: int) -> bytes:
    """Distinct recipients, half of them writing in Korean and half in English."""
    lines = ["email,name,student_id,language"]
    for n in range(rows):
        name = f"김학생{n}" if n % 2 else f"Learner {n}"
        lines.append(f"learner{n}@student.example,{name},B{n:07d},{'ko' if n % 2 else 'en'}")
    return ("\r\n".join(lines) + "\r\n").encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Site:
    """A Laurel installation of its own: data folder, database, server and workers."""

    def __init__(self, database_url: str) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="laurel-bench-"))
        self.port = free_port()
        self.admin_url = ""
        self.database = ""
        self.processes: list[subprocess.Popen[bytes]] = []
        self.names: list[str] = []
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("LAUREL_", "DJANGO_", "DATABASE_URL"))
        }
        env.update(
            LAUREL_DATA_DIR=str(self.dir),
            LAUREL_SECRET_KEY="bench-" + secrets.token_hex(16),
            LAUREL_SITE_URL=f"http://127.0.0.1:{self.port}",
            LAUREL_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            LAUREL_FAST_PASSWORD_HASHER="1",
            PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        )
        if database_url:
            import psycopg

            parts = urllib.parse.urlsplit(database_url)
            self.admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
            self.database = f"laurel_bench_{secrets.token_hex(6)}"
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.database}"')
            env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path=f"/{self.database}"))
        self.env = env

    def laurel(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 (our own command, our own interpreter)
            [sys.executable, "-m", "laurel", *args],
            env=self.env,
            cwd=self.dir,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"laurel {args[0]} failed: {done.stderr.strip().splitlines()[-1:]}")
        return done.stdout

    def query(self, code: str) -> Any:
        return json.loads(self.laurel("manage", "shell", "-c", code).strip().splitlines()[-1])

    def start(self, name: str, *args: str, profile: str = "") -> None:
        """Run ``laurel ARGS`` in the background; with ``profile``, under cProfile writing there."""
        log = (self.dir / f"{name}.log").open("wb")
        runner = ["-m", "cProfile", "-o", profile] if profile else []
        self.names.append(name)
        self.processes.append(
            subprocess.Popen(  # noqa: S603 (our own command, our own interpreter)
                [sys.executable, *runner, "-m", "laurel", *args],
                env=self.env,
                cwd=self.dir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) each started process has used so far, by name (Linux only).

        On a shared machine wall-clock times swing with other load; CPU time much less.
        """
        used: dict[str, float] = {}
        tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        for name, process in zip(self.names, self.processes, strict=True):
            try:
                fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            used[name] = (int(fields[11]) + int(fields[12])) / tick
        return used

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.database:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def site(database_url: str) -> Iterator[Site]:
    made = Site(database_url)
    try:
        yield made
    finally:
        made.close()


class Browser:
    """Just enough of a browser: cookies, forms with the CSRF token, redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def open(
        self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[str, str]:
        # The base is the http:// address of the server this benchmark started.
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})  # noqa: S310
        with self.opener.open(request, timeout=300) as response:
            return response.geturl(), response.read().decode()

    def csrf(self, html: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not found:
            raise SystemExit("no CSRF token on the page")
        return found.group(1)

    def post(self, path: str, fields: dict[str, str], page: str) -> tuple[str, str]:
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.csrf(page)}).encode()
        return self.open(path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def upload(
        self, path: str, fields: dict[str, str], filename: str, content: bytes, page: str
    ) -> tuple[str, str]:
        boundary = "----laurel-bench-" + secrets.token_hex(8)
        parts = []
        for name, value in {**fields, "csrfmiddlewaretoken": self.csrf(page)}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.open(path, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def wait_until_serving(browser: Browser, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            browser.open("/accounts/login/")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start") from None
            time.sleep(POLL_SECONDS)


def issue(browser: Browser, org: str, badge: int, email: str, rows: int) -> dict[str, Any]:
    """Sign in, upload, confirm and follow the progress; the moments of each step."""
    _url, page = browser.open("/accounts/login/")
    url, page = browser.post("/accounts/login/", {"username": email, "password": PASSWORD}, page)
    if "/accounts/login/" in url:
        raise SystemExit("signing in failed")
    bulk = f"/orgs/{org}/awards/bulk/"
    _url, page = browser.open(bulk)
    started = time.perf_counter()
    url, page = browser.upload(bulk, {"achievement": str(badge)}, "bench.csv", csv_bytes(rows), page)
    previewed = time.perf_counter()
    batch_path = urllib.parse.urlsplit(url).path
    if not re.search(r'value="confirm"', page):
        raise SystemExit(f"the preview has no confirm button: {url}")
    _url, page = browser.post(batch_path, {"action": "confirm"}, page)
    confirmed = time.perf_counter()
    awarded = 0.0
    while True:
        _url, body = browser.open(batch_path + "progress/", headers={"Accept": "application/json"})
        progress = json.loads(body)
        now = time.perf_counter()
        if not awarded and progress["awarded"] + progress["skipped"] >= progress["rows"]:
            awarded = now
        if progress["done"]:
            return {
                "batch": batch_path.rstrip("/").rsplit("/", 1)[1],
                "progress": progress,
                "upload": previewed - started,
                "confirm": confirmed - previewed,
                "awarded": (awarded or now) - previewed,
                "signed": now - previewed,
                "total": now - started,
            }
        time.sleep(POLL_SECONDS)


def report(args: argparse.Namespace, times: dict[str, Any], counts: dict[str, Any]) -> bool:
    rows, progress = args.rows, times["progress"]
    database = "PostgreSQL" if args.database_url else "SQLite (temporary folder)"
    print(f"machine: {machine()}")
    print(f"database: {database}; workers: {args.workers}; chunks: {counts['chunks']}")
    print(f"rows: {rows:,} distinct recipients, bilingual badge ({progress['credentials']:,} credentials)")
    print("baked PNG/SVG: deferred (made on download)")
    print(f"{'upload + preview':<32}{times['upload']:>8.2f} s")
    print(f"{'confirm (request)':<32}{times['confirm']:>8.2f} s")
    print(f"{'confirm → all awards created':<32}{times['awarded']:>8.2f} s")
    print(f"{'confirm → all credentials signed':<32}{times['signed']:>8.2f} s")
    print(f"{'total (upload → all signed)':<32}{times['total']:>8.2f} s")
    print(
        f"throughput: {rows / times['total']:,.0f} rows/s end to end; "
        f"{progress['signed'] / times['signed']:,.0f} credentials/s after confirm"
    )
    steps = counts["steps"]
    print("worker time by step, summed over chunks and workers:")
    for name in (*DB_STEPS[:2], *SIGN_STEPS, DB_STEPS[2]):
        print(f"  {STEP_LABELS[name]:<40}{steps.get(name, 0.0):>8.2f} s")
    cpu = times.get("cpu", {})
    if cpu:
        workers = sum(seconds for name, seconds in cpu.items() if name.startswith("worker"))
        print(f"CPU time used: workers {workers:.2f} s, server {cpu.get('server', 0.0):.2f} s")
    db = sum(steps.get(name, 0.0) for name in DB_STEPS)
    signing = sum(steps.get(name, 0.0) for name in SIGN_STEPS)
    whole = (db + signing) or 1.0
    print(f"  database {db:.2f} s ({db / whole:.0%}) · signing {signing:.2f} s ({signing / whole:.0%})")
    ok = (
        progress["state"] == "issued"
        and counts["awards"] == rows
        and counts["slots"] == rows
        and counts["credentials"] == progress["credentials"]
    )
    print(
        f"check: {counts['awards']:,} awards, {counts['slots']:,} status slots, "
        f"{counts['credentials']:,} credentials, {counts['emails']:,} emails queued: "
        f"{'ok' if ok else 'WRONG'}"
    )
    if rows == 10_000 and not args.database_url and args.workers == 1:
        verdict = "met" if times["total"] < TARGET_SECONDS else "NOT met"
        print(f"target: 10,000 rows under {TARGET_SECONDS:.0f} s on SQLite with one worker: {verdict}")
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=10_000, help="recipients in the CSV (default 10,000)")
    parser.add_argument("--workers", type=int, default=1, help="`laurel worker` processes (default 1)")
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL server to create a fresh database on (default: SQLite in a temporary folder)",
    )
    parser.add_argument(
        "--profile",
        default="",
        help="a folder to write each worker's cProfile statistics to (workerN.prof); slows the workers",
    )
    args = parser.parse_args(argv)
    if args.rows < 1 or args.workers < 1:
        parser.error("--rows and --workers must be positive")
    with site(args.database_url) as laurel:
        laurel.laurel("manage", "migrate", "-v", "0")
        world = laurel.query(SETUP.format(password=PASSWORD))
        laurel.start("server", "serve", "--port", str(laurel.port))
        for n in range(args.workers):
            profile = str(Path(args.profile).resolve() / f"worker{n}.prof") if args.profile else ""
            laurel.start(f"worker{n}", "worker", profile=profile)
        browser = Browser(f"http://127.0.0.1:{laurel.port}")
        wait_until_serving(browser)
        before = laurel.cpu_seconds()
        times = issue(browser, world["org"], world["badge"], world["email"], args.rows)
        after = laurel.cpu_seconds()
        times["cpu"] = {name: after[name] - before.get(name, 0.0) for name in after}
        counts = laurel.query(REPORT.format(batch=times["batch"]))
        return 0 if report(args, times, counts) else 1


if __name__ == "__main__":
    sys.exit(main())
