"""The dashboard's latest awards show each award's real status, expiry included."""

import datetime

import pytest
from playwright.sync_api import Page

from laurel.awards import actions as award_actions
from laurel.awards.models import local_today
from laurel.core.actor import Actor
from tests.browser.helpers import sign_in
from tests.browser.world import PASSWORD, award, make_badge, make_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dashboard_marks_an_expired_award_as_expired(page: Page) -> None:
    world = make_world()
    week_long = make_badge(world, name_ko="일주일 배지", validity_days=7)
    lasting = make_badge(world, name_ko="평생 배지")
    award_actions.award(
        Actor(world.issuer),
        world.org,
        week_long,
        email="old@student.example",
        name="김지난",
        issued_on=local_today() - datetime.timedelta(days=30),
    )
    award(world, lasting, "new@student.example", "이지금")
    sign_in(page, world.issuer.email, PASSWORD)
    page.goto(f"/orgs/{world.org.slug}/")

    rows = page.locator("#latest-heading ~ table tbody tr")
    assert rows.filter(has_text="김지난").locator(".status-warn").count() == 1
    assert rows.filter(has_text="김지난").locator(".status-ok").count() == 0
    assert rows.filter(has_text="이지금").locator(".status-ok").count() == 1
