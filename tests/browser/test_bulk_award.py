"""Awarding from a CSV file in the browser: a bad row is shown, a fixed file is awarded."""

from pathlib import Path

import pytest
from playwright.sync_api import Page

from laurel.awards import pipeline
from laurel.awards.models import Award, AwardBatch
from tests.browser.helpers import browser_errors, sign_in
from tests.browser.world import PASSWORD, make_badge, make_world

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "이메일,이름,학번\r\n"
GOOD_ROWS = "minji@student.example,김민지,20250001\r\nseojun@student.example,이서준,20250002\r\n"


def write_csv(folder: Path, name: str, text: str) -> Path:
    # What Excel writes for "CSV UTF-8": a byte-order mark, then the text.
    path = folder / name
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def upload(page: Page, slug: str, badge_name: str, path: Path) -> None:
    page.goto(f"/orgs/{slug}/awards/bulk/")
    page.locator("#id_achievement").select_option(label=badge_name)
    page.locator("#id_file").set_input_files(str(path))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_csv_with_a_bad_row_is_previewed_with_its_error_and_a_fixed_file_is_awarded(
    page: Page, tmp_path: Path
) -> None:
    world = make_world()
    badge = make_badge(world)
    badge_name = badge.current_version.name_ko
    sign_in(page, world.issuer.email, PASSWORD)

    broken = write_csv(tmp_path, "명단-오류.csv", HEADER + "not-an-email,박오류,20250009\r\n" + GOOD_ROWS)
    upload(page, world.org.slug, badge_name, broken)
    assert "/awards/bulk/" in page.url
    bad_row = page.locator("table.preview tbody tr.has-errors")
    assert bad_row.count() == 1
    # Line 2 of the file is the first data row, after the header.
    assert bad_row.locator("th").inner_text() == "2"
    # The message sits in the email cell, next to the value that is wrong.
    email_cell = bad_row.locator("td").first
    assert "not-an-email" in email_cell.inner_text()
    assert email_cell.locator(".errorlist li").count() == 1
    assert page.locator("table.preview tbody tr:not(.has-errors)").count() == 2
    assert page.locator("[role=alert]").count() >= 1
    assert page.locator("button[value=confirm]").count() == 0
    assert Award.objects.count() == 0

    fixed = write_csv(tmp_path, "명단.csv", HEADER + "minho@student.example,박민호,20250009\r\n" + GOOD_ROWS)
    upload(page, world.org.slug, badge_name, fixed)
    assert page.locator("table.preview tbody tr.has-errors").count() == 0
    assert page.locator("table.preview tbody tr").count() == 3
    page.locator("button[value=confirm]").click()
    page.wait_for_load_state()

    batch = AwardBatch.objects.get(filename="명단.csv")
    # Confirming lands on the batch's page, where the issuing progress shows.
    assert page.url.endswith(f"/orgs/{world.org.slug}/awards/bulk/{batch.public_id}/")
    # The background worker's part, run here: award and sign every chunk.
    pipeline.work(should_stop=lambda: False)
    page.goto(f"/orgs/{world.org.slug}/awards/")
    history = page.locator("main table tbody").inner_text()
    for name in ("박민호", "김민지", "이서준"):
        assert name in history
    assert "박오류" not in history
    assert Award.objects.filter(org=world.org, source=Award.Source.BULK).count() == 3
    batch.refresh_from_db()
    assert batch.status == AwardBatch.Status.ISSUED
    assert browser_errors(page) == []
