"""The award form works from the keyboard alone: Tab order follows the page, Enter submits."""

import pytest
from playwright.sync_api import Page

from laurel.awards.models import Award
from tests.browser.helpers import browser_errors, sign_in
from tests.browser.world import PASSWORD, make_badge, make_world

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = [
    "id_achievement",
    "id_email",
    "id_name",
    "id_student_id",
    "id_language",
    "id_issued_on",
    "id_evidence_url",
    "id_evidence_narrative",
]
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  if (el.id) return el.id;
  if (el.closest("main form") && el.type === "submit") return "submit";
  if (el.tagName === "A") return "link:" + el.getAttribute("href");
  return el.tagName.toLowerCase() + ":" + (el.name || el.textContent.trim());
}"""


def tab_through_main_form(page: Page) -> list[str]:
    """Tab from the top of the page until the form's submit button; the distinct stops in order."""
    stops: list[str] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        # A date input takes several Tabs (year, month, day); count it once.
        if not stops or stops[-1] != focused:
            stops.append(focused)
        if focused == "submit":
            return stops
    raise AssertionError(f"Tab never reached the award button; stops were {stops}")


def test_the_award_form_is_reachable_by_tab_in_order_and_submits_with_enter(page: Page) -> None:
    world = make_world()
    badge = make_badge(world)
    sign_in(page, world.issuer.email, PASSWORD)
    page.goto(f"/orgs/{world.org.slug}/awards/new/")

    stops = tab_through_main_form(page)
    # The first stop lets keyboard users jump over the navigation.
    assert stops[0] == "link:#main"
    form_stops = [s for s in stops if s.startswith("id_")]
    assert form_stops == FIELDS
    # Nothing in the form hides between the last field and the button.
    assert stops[-2:] == ["id_evidence_narrative", "submit"]

    page.locator("#id_achievement").focus()
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_achievement").input_value() == str(badge.pk)
    page.keyboard.press("Tab")
    page.keyboard.type("sora@student.example")
    page.keyboard.press("Tab")
    page.keyboard.type("한소라")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    award = Award.objects.get(org=world.org)
    assert (award.recipient.email, award.recipient.name) == ("sora@student.example", "한소라")
    assert page.url.endswith(f"/awards/{award.public_id}/")
    assert browser_errors(page) == []
