"""A learner follows a pathway in the browser: one level done, the next named, then the milestone."""

import pytest
from playwright.sync_api import Page

from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.ingest.facts import FactInput, Identity, record_facts
from laurel.ingest.sources import create_source
from laurel.orgs.models import Recipient
from laurel.pathways.actions import GroupSpec, create, publish
from laurel.rules.actions import save_rule
from laurel.rules.tasks import work
from laurel.test import make_user
from tests.browser.helpers import browser_errors, sign_in
from tests.browser.world import PASSWORD, make_world
from tests.rules.helpers import at, make_badge

pytestmark = pytest.mark.django_db(transaction=True)


def handed_in(email: str, item: str) -> FactInput:
    return FactInput(
        event_key=item,
        type="submission",
        actor=Identity("email", email),
        object_id=item,
        occurred_at=at(0),
        course="CS101",
        status="submitted",
    )


def test_a_learner_sees_the_next_level_and_then_the_milestone(page: Page) -> None:
    world = make_world()
    actor = Actor(world.issuer)
    intro = make_badge(world.org, "intro", "입문", "Introduction")
    sql = make_badge(world.org, "sql", "SQL 기초", "SQL basics")
    milestone = make_badge(world.org, "analyst", "데이터 분석가", "Data Analyst")
    for badge, item in ((intro, "A1"), (sql, "A2")):
        criteria = {"criteria": {"submissions": {"course": "CS101", "items": [item]}}}
        save_rule(actor, badge, criteria, live=True, allow_unseen=True)
    levels = [GroupSpec((str(intro.public_id),)), GroupSpec((str(sql.public_id),), requires=(0,))]
    pathway = create(
        actor, world.org, slug="analyst", milestone=milestone, groups=levels, name_ko="분석가 경로"
    )
    publish(actor, pathway)
    learner = make_user("jung@student.example", "정학생")
    recipient = Recipient.objects.create(org=world.org, email=learner.email, name="정학생", user=learner)
    source, _lines = create_source(actor, world.org, "xapi", "Moodle")

    record_facts(source, [handed_in(learner.email, "A1")])
    work()
    sign_in(page, learner.email, PASSWORD)
    page.goto("/pathways/")
    section = page.locator("section.pathway-standing")
    assert "분석가 경로" in section.inner_text()
    assert "다음: 2단계." in section.inner_text()
    assert "✓ 보유: 입문" in section.inner_text()
    assert "○ 아직: SQL 기초" in section.inner_text()

    record_facts(source, [handed_in(learner.email, "A2")])
    for _ in range(3):
        work()
    assert Award.objects.filter(recipient=recipient, achievement=milestone).exists()
    page.reload()
    assert "완료: 마일스톤 배지 데이터 분석가을(를) 보유하고 있습니다." in section.inner_text()
    section.get_by_role("link", name="분석가 경로").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "분석가 경로"
    assert "정학생" not in page.content()  # the public page carries no learner data
    assert browser_errors(page) == []
