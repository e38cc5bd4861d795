"""From nothing to "earned": a learner's LMS activity arrives as xAPI statements over HTTP,
the worker evaluates it, the learner's progress page explains each step, and the badge that
ends it is a credential that verifies.

The staff side builds the rule with the form builder. Statements go to the live server with
the source's own credentials (urllib, real HTTP); after each batch the queued tasks run
through the task worker's own code, in the live server's process (as the worker would), and
the outbox delivers the award email whose link the learner follows.
"""

import base64
import json
import re
import urllib.request
import uuid
from typing import Any

import pytest
from django.core import mail
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from laurel.core.actor import Actor
from laurel.core.fetching import local_fetcher
from laurel.ingest.sources import create_source
from laurel.orgs.models import Recipient
from laurel.outbox.delivery import deliver_due
from laurel.rules.models import AwardState
from laurel.test import make_user
from laurel.vc.verify import verify
from tests.browser.helpers import assert_accessible, browser_errors, sign_in
from tests.browser.test_verify_flow import verify_now
from tests.browser.world import PASSWORD, make_badge, make_world

pytestmark = pytest.mark.django_db(transaction=True)

COURSE = "https://lms.hanbit.example/course/DA101"
A1, A2, A3 = (f"{COURSE}/assign/A{n}" for n in (1, 2, 3))
LEARNER = "gildong@student.example"
ADL = "http://adlnet.gov/expapi/verbs/"


def statement(verb: str, activity: str, activity_type: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": "홍길동", "mbox": f"mailto:{LEARNER}"},
        "verb": {"id": ADL + verb, "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": activity, "definition": {"type": activity_type}},
        "context": {
            "contextActivities": {
                "parent": [
                    {"id": COURSE, "definition": {"type": "http://adlnet.gov/expapi/activities/course"}}
                ]
            }
        },
        "timestamp": "2026-03-10T09:00:00+09:00",
    }


def attended(session: int) -> dict[str, Any]:
    return statement("attended", f"{COURSE}/session/{session}", "http://adlnet.gov/expapi/activities/meeting")


def submitted(item: str) -> dict[str, Any]:
    return statement("submitted", item, "http://adlnet.gov/expapi/activities/assessment")


class Lms:
    """The learning platform: posts statements to the live server with the source's credentials."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.url = f"{base_url}/xapi/statements"
        self.auth = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()

    def send(self, *statements: dict[str, Any]) -> None:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(list(statements)).encode(),
            method="POST",
            headers={
                "Authorization": self.auth,
                "X-Experience-API-Version": "1.0.3",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            assert json.loads(response.read()) == [s["id"] for s in statements]


def run_worker() -> None:
    """What `laurel worker` does with what is queued now: run the tasks, deliver the outbox."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="journey",
        excluded_queue_names=[],
    )
    worker.run()
    deliver_due(should_stop=lambda: False)


def progress(page: Page) -> list[str]:
    page.goto("/progress/")
    assert_accessible(page)
    return [" ".join(t.split()) for t in page.locator("main section.progress li").all_inner_texts()]


def build_rule(page: Page, slug: str, public_id: str) -> None:
    """Staff make the rule with the builder: attendance 60 % of 3 sessions and A1–A3 submitted."""
    page.goto(f"/orgs/{slug}/rules/{public_id}/build/")
    page.locator("#rb-n1-add").select_option("attendance")
    page.locator("button[value='add:n1']").click()
    attendance = page.locator("fieldset[data-kind=attendance]")
    attendance.locator("input[name$=-course]").fill(COURSE)
    attendance.locator("input[name$=-sessions]").fill("3")
    attendance.locator("input[name$=-min_percent]").fill("60")
    page.locator("#rb-n1-add").select_option("submissions")
    page.locator("button[value='add:n1']").click()
    submissions = page.locator("fieldset[data-kind=submissions]")
    submissions.locator("input[name$=-course]").fill(COURSE)
    submissions.locator("textarea[name$=-items]").fill(f"{A1}\n{A2}\n{A3}")
    page.locator("#rb-live").check()
    page.locator("#rb-save").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/rules/{public_id}/"), page.url


def test_a_learner_goes_from_nothing_to_a_verified_badge_through_xapi_statements(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    world = make_world()
    badge = make_badge(world)
    _source, lines = create_source(Actor(world.owner), world.org, "xapi", "Hanbit LMS")
    learner = make_user(LEARNER, "홍길동", language="en")
    Recipient.objects.create(org=world.org, email=LEARNER, name="홍길동", language="en", user=learner)
    lms = Lms(live_server.url, lines["username"], lines["password"])

    sign_in(page, world.issuer.email, PASSWORD)
    build_rule(page, world.org.slug, str(badge.public_id))
    assert browser_errors(page) == []

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    me = context.new_page()
    errors: list[str] = []  # script errors and CSP violations on the learner's pages
    me.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    me.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(me, LEARNER, PASSWORD)
    assert me.locator("html").get_attribute("lang") == "en"
    assert "No badge is tracking your activity yet." in me.goto("/progress/").text()

    lms.send(attended(1))
    run_worker()
    assert progress(me) == [
        "All of these: 0 of 2 met",
        f"attendance in {COURSE} 1/3 sessions, 33.3 % — need 60 %",
        f"assignments 0/3 — missing {A1}, {A2}, {A3}",
    ]
    assert "In progress" in me.locator("main section.progress").inner_text()

    lms.send(attended(2))
    run_worker()
    lines_now = progress(me)
    assert lines_now[1] == f"✓ Done: attendance in {COURSE} 2/3 sessions, 66.6 %"
    assert lines_now[2] == f"assignments 0/3 — missing {A1}, {A2}, {A3}"

    lms.send(submitted(A1), submitted(A2))
    run_worker()
    assert progress(me)[2] == f"assignments 2/3 — missing {A3}"
    assert not mail.outbox

    lms.send(submitted(A3))
    run_worker()
    assert progress(me) == [
        "✓ Done: All of these: 2 of 2 met",
        f"✓ Done: attendance in {COURSE} 2/3 sessions, 66.6 %",
        "✓ Done: assignments 3/3 submitted",
    ]
    assert "Issued" in me.locator("main section.progress").inner_text()
    with me.expect_navigation():
        me.locator("header form.lang-switch button[value=ko]").click()
    assert progress(me)[2] == "✓ 충족: 과제 3/3개 제출"
    state = AwardState.objects.get()
    assert state.state == "issued" and state.award is not None

    # The award email's link leads to the badge's public page, where Verify passes.
    (email,) = [m for m in mail.outbox if LEARNER in m.to]
    link = re.search(r"https?://\S+?(/a/[\w-]+/)", email.body)
    assert link, email.body
    me.goto(link.group(1) + "?lang=en")
    assert me.locator("h1").inner_text() == "Introduction to Data Analysis"
    results = verify_now(me)
    assert set(results) >= {"proof", "issuer", "validity", "status"}
    assert set(results.values()) == {"pass"}, results
    assert_accessible(me)

    with me.expect_download() as download:
        me.locator("a[download][href*='credential.json?lang=en']").click()
    credential = json.loads(open(download.value.path(), "rb").read())
    assert credential["credentialSubject"]["achievement"]["name"] == "Introduction to Data Analysis"
    report = verify(credential, fetcher=local_fetcher())
    assert report.valid, report
    assert errors == []
    context.close()
