"""Staff build a badge's rule in the browser: parts added, moved and removed in place by the
script, a save-time problem shown at its clause, and the same edits without a script."""

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from laurel.rules.models import Rule
from tests.browser.helpers import PageAudit, assert_accessible, browser_errors, sign_in
from tests.browser.world import PASSWORD, make_badge, make_world

pytestmark = pytest.mark.django_db(transaction=True)


def add(page: Page, group: str, kind: str) -> str:
    """Add a part of this kind to a group; the new part's node id."""
    before = set(page.locator("input[name=node]").evaluate_all("els => els.map(e => e.value)"))
    group_set = page.locator(f"fieldset[data-node='{group}']")
    group_set.locator(f"#rb-{group}-add").select_option(kind)
    group_set.locator(f"button[data-action=add][value='add:{group}']").click()
    after = page.locator("input[name=node]").evaluate_all("els => els.map(e => e.value)")
    (new,) = [n for n in after if n not in before]
    return str(new)


def parts_of(page: Page, group: str) -> list[str]:
    return page.locator(f"fieldset[data-node='{group}'] > ol > li > fieldset").evaluate_all(
        "els => els.map(e => e.dataset.node)"
    )


def test_an_issuer_builds_a_rule_in_place_sees_a_problem_at_its_clause_and_saves_it(page: Page) -> None:
    world = make_world()
    badge = make_badge(world)
    sign_in(page, world.issuer.email, PASSWORD)
    page.goto(f"/orgs/{world.org.slug}/rules/{badge.public_id}/build/")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert_accessible(page)
    page.evaluate("window.stillHere = true")  # gone if anything below reloads the page

    attendance = add(page, "n1", "attendance")
    expect(page.locator(f"#rb-{attendance}-course")).to_be_focused()
    expect(page.locator("#rb-status")).to_have_text("추가했습니다: 출석")
    score = add(page, "n1", "score")
    group = add(page, "n1", "n_of")
    expect(page.locator(f"#rb-{group}-n")).to_be_visible()
    quiz = add(page, group, "quiz")
    completion = add(page, group, "completion")
    extra = add(page, "n1", "missions")
    page.locator(f"#rb-{extra}-course").fill("CS101")
    page.locator(f"#rb-{extra}-kind").select_option("completion")  # swapped in place
    expect(page.locator(f"fieldset[data-node='{extra}'] > legend")).to_have_text("강좌 이수")
    expect(page.locator(f"#rb-{extra}-course")).to_have_value("CS101")
    assert page.locator(f"#rb-{extra}-count").count() == 0
    assert parts_of(page, "n1") == [attendance, score, group, extra]
    page.locator(f"fieldset[data-node='{extra}'] > .rule-actions [data-action=remove]").click()
    page.locator(f"fieldset[data-node='{score}'] > .rule-actions [data-action=up]").click()
    assert parts_of(page, "n1") == [score, attendance, group]
    expect(page.locator(f"fieldset[data-node='{score}'] > .rule-actions [data-action=up]")).to_be_disabled()
    assert page.evaluate("window.stillHere") is True
    page.locator(f"#rb-{group}-kind").select_option("all")
    expect(page.locator(f"#rb-{group}-n")).to_be_hidden()
    page.locator(f"#rb-{group}-kind").select_option("n_of")
    assert_accessible(page)

    page.locator(f"#rb-{score}-course").fill("CS101")
    page.locator(f"#rb-{score}-item").fill("final")
    page.locator(f"#rb-{score}-min_percent").fill("150")
    page.locator(f"#rb-{attendance}-course").fill("CS101")
    page.locator(f"#rb-{attendance}-sessions").fill("3")
    page.locator(f"#rb-{attendance}-min_percent").fill("60")
    page.locator(f"#rb-{group}-n").fill("1")
    page.locator(f"#rb-{quiz}-item").fill("Q1")
    page.locator(f"#rb-{completion}-course").fill("CS101")
    page.locator("#rb-save").click()
    page.wait_for_load_state()
    problem = page.locator(f"#rb-{score}-min_percent-errors")
    expect(problem).to_contain_text("150")
    assert page.locator(f"fieldset[data-node='{score}'] #rb-{score}-min_percent-errors").count() == 1
    assert page.locator(f"#rb-{score}-min_percent").get_attribute("aria-invalid") == "true"
    assert not Rule.objects.exists()
    assert_accessible(page)
    assert all("400" in e for e in browser_errors(page)), browser_errors(page)  # the refused save
    del page.console_errors[:]  # type: ignore[attr-defined]

    page.locator(f"#rb-{score}-min_percent").fill("70")
    page.locator("#rb-live").check()
    page.locator("#rb-save").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/rules/{badge.public_id}/")
    rule = Rule.objects.get()
    assert rule.state == "live"
    assert rule.definition == {
        "criteria": {
            "all": [
                {"score": {"course": "CS101", "item": "final", "min_percent": 70}},
                {"attendance": {"course": "CS101", "sessions": 3, "min_percent": 60}},
                {"n_of": {"n": 1, "of": [{"quiz": {"item": "Q1"}}, {"completion": {"course": "CS101"}}]}},
            ]
        }
    }
    assert browser_errors(page) == [], browser_errors(page)


def test_without_a_script_the_buttons_make_the_same_edits(browser: Browser, live_server: LiveServer) -> None:
    world = make_world()
    badge = make_badge(world)
    context = browser.new_context(base_url=live_server.url, locale="en-US", java_script_enabled=False)
    page = context.new_page()
    sign_in(page, world.issuer.email, PASSWORD)
    page.goto(f"/orgs/{world.org.slug}/rules/{badge.public_id}/build/")
    page.locator("#rb-n1-add").select_option("submissions")
    page.locator("button[value='add:n1']").click()
    page.wait_for_load_state()
    page.locator("#rb-n2-course").fill("CS101")
    page.locator("#rb-n2-items").fill("A1\nA2")
    page.locator("#rb-n1-add").select_option("quiz")
    page.locator("button[value='add:n1']").click()  # the typed values survive the round trip
    page.wait_for_load_state()
    assert page.locator("#rb-n2-items").input_value() == "A1\nA2"
    page.locator("#rb-n3-item").fill("Q1")
    page.locator("button[value='up:n3']").click()
    page.wait_for_load_state()
    page.locator("#rb-save").click()
    page.wait_for_load_state()
    assert Rule.objects.get().definition == {
        "criteria": {
            "all": [{"quiz": {"item": "Q1"}}, {"submissions": {"course": "CS101", "items": ["A1", "A2"]}}]
        }
    }
    context.close()


def test_the_rule_pages_are_accessible_in_both_languages(page: Page) -> None:
    world = make_world()
    badge = make_badge(world)
    other = make_badge(world, name_ko="입문", name_en="Introduction")
    sign_in(page, world.issuer.email, PASSWORD)
    audit = PageAudit(page)
    base = f"/orgs/{world.org.slug}/rules/{badge.public_id}"
    for lang in ("ko", "en"):
        page.goto(f"{base}/build/")
        if lang == "en":
            with page.expect_navigation():
                page.locator("header form.lang-switch button[value=en]").click()
        audit.visit(f"{base}/build/")
        for kind in (
            "attendance",
            "submissions",
            "score",
            "quiz",
            "missions",
            "completion",
            "badges",
            "approval",
            "any",
        ):
            page.locator("#rb-n1-add").select_option(kind)
            page.locator("button[value='add:n1']").click()
        page.locator("details.rule-window").first.locator("summary").click()
        page.locator("details.rule-json summary").click()
        audit.check(f"{base}/build/ with every kind of part")
        audit.submit(f"{base}/build/ saved with problems", page.locator("#rb-save"), status=400)
        audit.visit(f"{base}/")
    assert other.public_id
    audit.assert_clean()
