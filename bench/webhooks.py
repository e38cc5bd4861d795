"""Outgoing webhooks: what queueing costs an award, and how fast the outbox delivers them.

Usage: ``python -m bench.webhooks [--awards 2000] [--database-url URL]``

A fresh Laurel in a temporary data folder (SQLite, or a new database on the PostgreSQL server
``--database-url`` names, dropped afterwards). In one ``laurel manage shell`` process it awards
``--awards`` people in bulk (``award_many``, as a CSV batch chunk does) twice, in batches of
500: first with no endpoint (the baseline, measured in the same run), then with one endpoint
subscribed to ``award.issued``, and reports the CPU time per award of each and the overhead
ratio. Then one worker loop (``deliver_due``) sends every queued delivery, signed, to a
loopback receiver thread, and the rate is reported; the receiver checks each signature with the
``standardwebhooks`` library and the count must match.
"""

import argparse
import json
from collections.abc import Sequence

from bench.issue_csv import machine, site

RUN = r"""
import json, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook
from laurel.achievements.models import Achievement, AchievementVersion
from laurel.awards.bulk import Wanted, award_many
from laurel.awards.checks import clean_award_input
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.hooks.actions import create_endpoint
from laurel.hooks.models import Delivery
from laurel.orgs.models import Organization
from laurel.outbox.delivery import deliver_due
from laurel.outbox.models import OutboxMessage

N, CHUNK = {awards}, 500
verified = []
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    disable_nagle_algorithm = True  # headers and body go out at once, as a real server's do
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Webhook(SECRET[0]).verify(body, {{k.lower(): v for k, v in self.headers.items()}})
        verified.append(1)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args): pass
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()

actor = Actor(None, via="cli")
org = Organization.objects.create(slug="bench", name_ko="벤치대학교", name_en="Bench University")
def badge(slug):
    made = Achievement.objects.create(org=org, slug=slug)
    made.current_version = AchievementVersion.objects.create(achievement=made, number=1, name_ko=slug)
    made.save()
    return made
def run(slug):
    target = badge(slug)
    wanted = []
    for n in range(N):
        email, name = f"{{slug}}{{n}}@bench.example", f"학생 {{n}}"
        data, errors = clean_award_input(email=email, name=name, issued_on=timezone.localdate())
        wanted.append(Wanted(target, data))
    started = time.process_time()
    for i in range(0, N, CHUNK):
        award_many(actor, org, wanted[i:i + CHUNK], source=Award.Source.BULK, sign_later=False)
    return time.process_time() - started
reverse("home")  # a serving process has its URLconf loaded; award pages' URLs need it
baseline = run("without")
url = f"http://127.0.0.1:{{server.server_address[1]}}/hook"
_endpoint, secret = create_endpoint(actor, org, url=url, event_types=["award.issued"])
SECRET = [secret]
with_endpoint = run("with")
queued = Delivery.objects.count()
OutboxMessage.objects.filter(kind="email").update(status="sent")  # only webhooks are timed
started, cpu = time.perf_counter(), time.process_time()
sent = 0
while Delivery.objects.filter(message__status="pending").exists():
    sent += deliver_due(limit=1000)
wall, cpu = time.perf_counter() - started, time.process_time() - cpu
print(json.dumps({{"baseline": baseline, "with": with_endpoint, "queued": queued, "sent": sent,
                  "verified": len(verified), "wall": wall, "cpu": cpu, "vendor": connection.vendor}}))
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    with site(args.database_url) as laurel:
        laurel.env["LAUREL_WEBHOOK_ALLOW_LOOPBACK"] = "1"
        laurel.laurel("manage", "migrate", "-v", "0")
        result = json.loads(
            laurel.laurel("manage", "shell", "-c", RUN.format(awards=args.awards)).splitlines()[-1]
        )
    n = args.awards
    print(f"machine: {machine()}; database: {result['vendor']}")
    print(f"award_many without endpoints: {result['baseline'] / n * 1000:.2f} ms CPU per award (baseline)")
    print(
        f"award_many with one endpoint: {result['with'] / n * 1000:.2f} ms CPU per award, "
        f"{result['with'] / result['baseline']:.2f}x the baseline"
    )
    print(
        f"delivered {result['sent']} of {result['queued']} webhooks in {result['wall']:.1f} s: "
        f"{result['sent'] / result['wall']:.0f}/s wall, "
        f"{result['cpu'] / max(result['sent'], 1) * 1000:.2f} ms CPU each "
        f"(sender and receiver share the process); {result['verified']} signatures verified"
    )
    ok = result["sent"] == result["queued"] == result["verified"] == n
    if not ok:
        print("FAILED: not every queued webhook was delivered and verified")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
