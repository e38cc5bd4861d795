"""A confirmed CSV upload shows its progress, which moves on by itself until every badge is signed."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from laurel.awards import pipeline
from laurel.awards.models import Award, AwardBatch
from tests.browser.helpers import assert_accessible, browser_errors, sign_in
from tests.browser.world import PASSWORD, make_badge, make_world

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = "".join(f"learner{n}@student.example,학생{n},2025{n:04d}\r\n" for n in range(5))


def issue_one_chunk() -> None:
    """What one step of a worker does: claim the next chunk, award and sign it."""
    held = pipeline.claim()
    assert held is not None
    pipeline.run(held)


def test_the_batch_page_follows_issuing_to_the_end_without_a_reload(
    page: Page, tmp_path: Path, settings: object
) -> None:
    settings.AWARD_CHUNK_ROWS = 2  # type: ignore[attr-defined]
    world = make_world()
    badge = make_badge(world)
    sign_in(page, world.issuer.email, PASSWORD)
    path = tmp_path / "명단.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("이메일,이름,학번\r\n" + ROWS).encode())
    page.goto(f"/orgs/{world.org.slug}/awards/bulk/")
    page.locator("#id_achievement").select_option(label=badge.current_version.name_ko)
    page.locator("#id_file").set_input_files(str(path))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("button[value=confirm]").click()
    page.wait_for_load_state()

    batch = AwardBatch.objects.get(filename="명단.csv")
    assert page.url.endswith(f"/awards/bulk/{batch.public_id}/")
    awarded = page.locator("#progress-awarded")
    expect(awarded).to_have_attribute("value", "0")
    expect(awarded).to_have_attribute("max", "5")
    # With the script running, the page needs no refresh link.
    expect(page.locator("[data-no-script]")).to_be_hidden()
    assert_accessible(page)

    issue_one_chunk()
    expect(awarded).to_have_attribute("value", "2")
    expect(page.locator("#progress-signed")).to_have_attribute("value", "4")
    expect(page.locator("#progress-signed")).to_have_attribute("max", "10")

    pipeline.work(should_stop=lambda: False)
    # The finished page replaces the progress by what was done.
    expect(page.locator("main .message.success")).to_contain_text("5")
    expect(page.locator("#batch-state")).to_have_attribute("data-state", "issued")
    assert page.locator("script[src*='batch-progress']").count() == 0
    assert Award.objects.filter(batch=batch).count() == 5
    assert browser_errors(page) == []


def test_without_scripts_the_page_offers_a_refresh_link_that_shows_the_latest_progress(
    browser: object, live_server: object, tmp_path: Path, settings: object
) -> None:
    settings.AWARD_CHUNK_ROWS = 2  # type: ignore[attr-defined]
    context = browser.new_context(  # type: ignore[attr-defined]
        base_url=live_server.url, locale="ko-KR", java_script_enabled=False
    )
    page = context.new_page()
    try:
        world = make_world()
        badge = make_badge(world)
        sign_in(page, world.issuer.email, PASSWORD)
        path = tmp_path / "list.csv"
        path.write_bytes(("email,name,student_id\r\n" + ROWS).encode())
        page.goto(f"/orgs/{world.org.slug}/awards/bulk/")
        page.locator("#id_achievement").select_option(label=badge.current_version.name_ko)
        page.locator("#id_file").set_input_files(str(path))
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        page.locator("button[value=confirm]").click()
        page.wait_for_load_state()
        expect(page.locator("#progress-awarded")).to_have_attribute("value", "0")
        refresh = page.locator("[data-no-script] a")
        expect(refresh).to_be_visible()
        issue_one_chunk()
        refresh.click()
        page.wait_for_load_state()
        expect(page.locator("#progress-awarded")).to_have_attribute("value", "2")
    finally:
        context.close()
