"""A learner sends evidence, a mentor returns it with a comment, the learner sends better
evidence, the mentor accepts and approves, and the signed credential carries it: in Korean."""

import pytest
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from laurel.core.actor import Actor
from laurel.ingest.facts import FactInput, Identity, record_facts
from laurel.ingest.sources import create_source
from laurel.orgs.models import Membership, Recipient, Role
from laurel.rules.actions import evaluate_pair, save_rule
from laurel.rules.models import AwardState
from laurel.test import make_user
from tests.browser.helpers import assert_accessible, browser_errors, sign_in
from tests.browser.world import PASSWORD, make_badge, make_world
from tests.rules.helpers import at

pytestmark = pytest.mark.django_db(transaction=True)

ASKED = "최종 보고서 링크와 본인이 맡은 역할을 적어 주십시오."
COMMENT = "발표 자료도 함께 올려 주세요."
FIRST_URL = "https://example.org/report-draft"
FINAL_URL = "https://example.org/report-final"
NARRATIVE = "보고서의 **분석** 부분을 맡았습니다."


def waiting_learner(world):  # type: ignore[no-untyped-def]
    """정학생 has handed in both assignments of a badge that asks for evidence and approval."""
    badge = make_badge(world, evidence_required=True, evidence_description_ko=ASKED)
    learner = make_user("jung@student.example", "정학생")
    recipient = Recipient.objects.create(org=world.org, email=learner.email, name="정학생", user=learner)
    actor = Actor(world.issuer)
    definition = {
        "criteria": {"submissions": {"course": "CS101", "items": ["A1", "A2"]}},
        "evidence_required": True,
        "mentor_approval": True,
    }
    save_rule(actor, badge, definition, live=True, allow_unseen=True)
    source, _lines = create_source(actor, world.org, "xapi", "Moodle")
    facts = [
        FactInput(
            event_key=f"e{n}",
            type="submission",
            actor=Identity("email", learner.email),
            object_id=item,
            occurred_at=at(n),
            course="CS101",
            status="submitted",
        )
        for n, item in enumerate(["A1", "A2"])
    ]
    record_facts(source, facts)
    state = evaluate_pair(recipient.pk, badge.pk)
    assert state is not None and state.state == AwardState.State.AWAITING_EVIDENCE
    return learner, state


def test_evidence_is_returned_sent_again_approved_and_signed_into_the_credential(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    world = make_world()
    mentor = make_user("mentor@hanbit.example", "박멘토")
    Membership.objects.create(org=world.org, user=mentor, role=Role.MENTOR)
    learner, state = waiting_learner(world)

    sign_in(page, learner.email, PASSWORD)
    page.goto("/progress/")
    page.get_by_role("link", name="증빙 보내기").click()
    assert page.locator(".evidence-description").inner_text() == ASKED
    assert_accessible(page)
    page.get_by_label("결과물 링크").fill(FIRST_URL)
    page.get_by_label("수행한 내용(Markdown)").fill("초안입니다.")
    page.get_by_role("button", name="증빙 보내기").click()
    page.wait_for_load_state()
    assert "증빙을 보냈습니다." in page.locator("main").inner_text()
    assert page.locator(".evidence-item").first.get_attribute("data-status") == "pending"

    reviewer = browser.new_context(base_url=live_server.url, locale="ko-KR").new_page()
    sign_in(reviewer, mentor.email, PASSWORD)
    reviewer.goto(f"/orgs/{world.org.slug}/")
    reviewer.get_by_role("link", name="검토", exact=True).click()
    assert_accessible(reviewer)
    reviewer.get_by_role("link", name="정학생").click()
    assert FIRST_URL in reviewer.locator("main").inner_text()
    assert_accessible(reviewer)
    reviewer.get_by_label("학습자에게 남길 의견").fill(COMMENT)
    reviewer.get_by_role("button", name="의견과 함께 반려").click()
    reviewer.wait_for_load_state()
    assert "결정을 저장했습니다." in reviewer.locator("main").inner_text()

    page.reload()
    returned = page.locator(".evidence-item").first
    assert returned.get_attribute("data-status") == "returned"
    assert COMMENT in returned.inner_text()
    page.get_by_label("결과물 링크").fill(FINAL_URL)
    page.get_by_label("수행한 내용(Markdown)").fill(NARRATIVE)
    page.get_by_role("button", name="증빙 보내기").click()
    page.wait_for_load_state()
    assert [page.locator(".evidence-item").nth(i).get_attribute("data-status") for i in range(2)] == [
        "pending",
        "returned",
    ]
    # The narrative is shown as Markdown.
    assert page.locator(".evidence-item").first.locator("strong", has_text="분석").count() == 1

    reviewer.goto(f"/orgs/{world.org.slug}/rules/reviews/{state.public_id}/")
    reviewer.get_by_role("button", name="증빙 수락").click()
    reviewer.wait_for_load_state()
    reviewer.get_by_role("link", name="정학생").click()
    reviewer.get_by_role("button", name="승인").click()
    reviewer.wait_for_load_state()

    state.refresh_from_db()
    assert state.state == AwardState.State.ISSUED and state.award is not None
    public = f"/a/{state.award.public_id}/"
    page.goto(public)
    evidence = page.locator("section[aria-labelledby=evidence-heading]")
    assert evidence.locator("a").get_attribute("href") == FINAL_URL
    assert evidence.locator("strong", has_text="분석").count() == 1  # the narrative as Markdown
    response = page.request.get(f"{public}credential.json?lang=ko")
    assert response.status == 200
    credential = response.json()
    assert credential["evidence"] == [
        {"type": ["Evidence"], "id": FINAL_URL, "description": ASKED, "narrative": NARRATIVE}
    ]
    assert [proof["cryptosuite"] for proof in credential["proof"]] == ["eddsa-rdfc-2022"]
    page.goto(f"{public}?lang=ko")
    page.locator("#verify-form button[type=submit]").click()
    summary = page.locator("#verify-results .verify-summary")
    summary.wait_for(state="visible")
    assert page.locator("#verify-results .verify-step[data-status=fail]").count() == 0
    assert browser_errors(page) == []
    reviewer.context.close()
