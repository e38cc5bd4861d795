"""Layouts that once broke in the browser: filters in a row, quick links side by side."""

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import sign_in
from tests.browser.world import PASSWORD, make_world

pytestmark = pytest.mark.django_db(transaction=True)


def tops(page: Page, selector: str) -> list[float]:
    return page.eval_on_selector_all(
        selector, "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )


def test_on_a_desktop_the_history_filters_share_rows_and_quick_links_sit_side_by_side(page: Page) -> None:
    world = make_world()
    page.set_viewport_size({"width": 1200, "height": 900})
    sign_in(page, world.issuer.email, PASSWORD)

    page.goto(f"/orgs/{world.org.slug}/awards/")
    fields = page.locator("form.filters .field")
    assert fields.count() == 6
    # Five 12rem columns fit in 1200 px; stacked fields would each start a new row.
    assert len(set(tops(page, "form.filters .filter-grid > .field"))) <= 2
    buttons = tops(page, "form.filters > button, form.filters > a.button")
    assert len(buttons) == 3 and len(set(buttons)) == 1

    page.goto(f"/orgs/{world.org.slug}/")
    links = tops(page, "#links-heading + ul a")
    assert len(links) >= 3
    assert len(set(links)) == 1
