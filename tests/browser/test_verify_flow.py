"""Issue, verify, revoke, and see "revoked" with its reason: in English and in Korean."""

import re

import pytest
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from tests.browser.helpers import assert_accessible, browser_errors, sign_in
from tests.browser.world import PASSWORD, award, make_badge, make_world

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Final project was plagiarised"
HANGUL = re.compile("[가-힣]")


def verify_now(page: Page) -> dict[str, str]:
    """Press Verify and wait for every step to appear; {check id: status}."""
    page.locator("#verify-form button[type=submit]").click()
    summary = page.locator("#verify-results .verify-summary")
    summary.wait_for(state="visible")
    steps = page.locator("#verify-results .verify-step")
    return {
        steps.nth(i).get_attribute("data-check") or "": steps.nth(i).get_attribute("data-status") or ""
        for i in range(steps.count())
    }


def test_a_visitor_verifies_a_badge_then_sees_it_revoked_with_its_reason(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    world = make_world()
    granted = award(world, make_badge(world), "hong@example.com", "홍길동")
    visitor = browser.new_context(base_url=live_server.url, locale="en-US").new_page()
    # A CSP violation or a script error on the public page shows up here.
    visitor_errors: list[str] = []
    visitor.on("console", lambda msg: visitor_errors.append(msg.text) if msg.type == "error" else None)
    visitor.on("pageerror", lambda exc: visitor_errors.append(str(exc)))
    public = f"/a/{granted.public_id}/"

    for lang, heading in (("en", "Introduction to Data Analysis"), ("ko", "데이터 분석 입문")):
        visitor.goto(f"{public}?lang={lang}")
        assert visitor.locator("html").get_attribute("lang") == lang
        assert visitor.locator("h1").inner_text() == heading
        assert visitor.locator("#verify-results").get_attribute("aria-live") == "polite"
        results = verify_now(visitor)
        assert set(results) >= {"proof", "issuer", "validity", "status", "suspension"}
        assert set(results.values()) == {"pass"}, results
        assert visitor.locator(".verify-summary").get_attribute("data-valid") == "true"
        message = visitor.locator('.verify-step[data-check="proof"] .step-message').inner_text()
        assert bool(HANGUL.search(message)) == (lang == "ko"), message
        assert_accessible(visitor)

    # The issuer revokes it from the award's staff page, confirming with a public reason.
    sign_in(page, world.issuer.email, PASSWORD)
    page.goto(f"/orgs/{world.org.slug}/awards/{granted.public_id}/")
    page.locator("#status-reason").fill(REASON)
    page.locator('button[name=action][value="revoke"]').click()
    page.wait_for_load_state()
    assert page.locator("#confirm-reason").input_value() == REASON
    page.locator("main form button.danger").click()
    page.wait_for_load_state()
    assert REASON in page.locator("main").inner_text()
    assert browser_errors(page) == []

    for lang in ("en", "ko"):
        visitor.goto(f"{public}?lang={lang}")
        banner = visitor.locator(".status-banner")
        assert banner.get_attribute("data-status") == "revoked"
        assert REASON in banner.inner_text()
        results = verify_now(visitor)
        assert results["status"] == "fail", results
        assert results["proof"] == "pass", results
        assert visitor.locator(".verify-summary").get_attribute("data-valid") == "false"
        assert REASON in visitor.locator('.verify-step[data-check="status"]').inner_text()
        assert_accessible(visitor)
    assert visitor_errors == []
    visitor.context.close()


def test_without_javascript_the_verify_button_still_works(browser: Browser, live_server: LiveServer) -> None:
    world = make_world()
    granted = award(world, make_badge(world), "kim@example.com", "김민수")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"/a/{granted.public_id}/?lang=en")
    page.locator("#verify-form button[type=submit]").click()
    page.wait_for_load_state()
    steps = page.locator("#verify-results .verify-step")
    assert steps.count() >= 7
    assert {steps.nth(i).get_attribute("data-status") for i in range(steps.count())} == {"pass"}
    assert "This credential is valid." in page.locator("#verify-results").inner_text()
    context.close()
