"""An owner signs in with an authenticator code, reaches the members page and invites someone."""

import pytest
from playwright.sync_api import Page

from laurel.orgs.models import Invitation, Role
from laurel.outbox.models import OutboxMessage
from tests.browser.helpers import browser_errors, sign_in
from tests.browser.world import PASSWORD, make_world, stale_code, totp_now

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_owner_passes_the_authenticator_step_and_invites_a_member(page: Page) -> None:
    world = make_world()
    members_path = f"/orgs/{world.org.slug}/members/"
    page.goto(members_path)
    assert "/accounts/login/" in page.url

    sign_in(page, world.owner.email, PASSWORD, here=True)
    # The page asked for is remembered through both steps.
    assert "/accounts/two-factor/" in page.url
    assert "members" in page.url
    assert page.locator("#id_code").get_attribute("autocomplete") == "one-time-code"

    page.locator("#id_code").fill(stale_code(world.device))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/two-factor/" in page.url
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"

    # django-otp refuses every code for 1 s after a failure; a person takes longer to retype.
    page.wait_for_timeout(1100)
    page.locator("#id_code").fill(totp_now(world.device))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith(members_path)
    assert world.owner.email in page.locator("main table").first.inner_text()

    page.locator("#id_email").fill("newcomer@hanbit.example")
    page.locator("#id_role").select_option(Role.MENTOR.value)
    page.locator("#invite-heading ~ form button[type=submit]").click()
    page.wait_for_load_state()

    assert page.url.endswith(members_path)
    invitation = Invitation.objects.get(org=world.org)
    assert (invitation.email, invitation.role) == ("newcomer@hanbit.example", Role.MENTOR)
    assert invitation.invited_by == world.owner
    pending = page.locator("section[aria-labelledby=invitations-heading] table")
    assert "newcomer@hanbit.example" in pending.inner_text()
    assert page.locator("main .messages").count() == 1
    assert any("newcomer@hanbit.example" in str(m.payload) for m in OutboxMessage.objects.all())
    assert browser_errors(page) == []
