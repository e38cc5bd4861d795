"""Every page a person can reach, checked by axe-core and for browser errors, in Korean and English.

Each test signs in once and walks its pages; the audit notes every problem
before failing, so one run lists them all with the page they are on.
"""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page

from laurel.accounts.links import password_set_url
from laurel.achievements.models import Achievement
from laurel.audit.models import AuditEvent
from laurel.awards import actions as award_actions
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.orgs import invitations
from laurel.orgs.models import Role
from tests.browser.helpers import PageAudit, sign_in, sign_in_with_code
from tests.browser.world import PASSWORD, World, award, make_badge, make_world, stale_code, totp_now

pytestmark = pytest.mark.django_db(transaction=True)

BROKEN_CSV = "\ufeff이메일,이름\r\nnot-an-email,박오류\r\nminji@student.example,김민지\r\n".encode()


def switch_to_english(page: Page) -> None:
    with page.expect_navigation():
        page.locator("header form.lang-switch button[value=en]").click()
    assert page.locator("html").get_attribute("lang") == "en"


def badge_and_award(world: World) -> tuple[Achievement, Award]:
    badge = make_badge(world)
    given = award(world, badge, "gildong@student.example", "홍길동")
    return badge, given


def test_public_and_signed_out_pages_are_accessible(page: Page) -> None:
    world = make_world()
    badge, given = badge_and_award(world)
    _invitation, token = invitations.invite(
        Actor(world.owner), world.org, email="new@hanbit.example", role="issuer"
    )
    audit = PageAudit(page)

    for english in (False, True):
        if english:
            switch_to_english(page)
        audit.visit("/")
        audit.visit(f"/a/{given.public_id}/")
        audit.visit(f"/i/{badge.public_id}/")
        audit.visit("/accounts/login/")
        page.locator("#id_username").fill(world.issuer.email)
        page.locator("#id_password").fill("not the password")
        audit.submit("sign in, wrong password", page.locator("main form button[type=submit]"))
        audit.visit("/accounts/signup/")
        audit.visit(f"/orgs/invitations/{token}/")
    audit.visit(f"/i/{badge.public_id}/v/1/")
    audit.visit("/accounts/signup/")
    audit.submit("sign up, empty form", page.locator("main form button[type=submit]"))
    page.locator("#id_email").fill("newlearner@student.example")
    page.locator("#id_name").fill("새학생")
    page.locator("#id_password").fill("a long enough passphrase 2025")
    audit.submit("sign up done", page.locator("main form button[type=submit]"))
    audit.visit("/accounts/password-reset/")
    page.locator("main form input[type=email]").fill(world.issuer.email)
    audit.submit("password reset sent", page.locator("main form button[type=submit]"))
    audit.visit(urlparse(password_set_url(world.issuer)).path)
    audit.visit("/nothing-here/", status=404)
    audit.assert_clean()


def test_issuer_pages_are_accessible(page: Page) -> None:
    world = make_world()
    badge, given = badge_and_award(world)
    batch = award_actions.upload_batch(
        Actor(world.issuer), world.org, badge, data=BROKEN_CSV, filename="명단.csv"
    )
    org = f"/orgs/{world.org.slug}"
    sign_in(page, world.issuer.email, PASSWORD)
    audit = PageAudit(page)

    for english in (False, True):
        if english:
            switch_to_english(page)
        audit.visit(f"{org}/")
        audit.visit(f"{org}/achievements/")
        audit.visit(f"{org}/achievements/new/")
        audit.visit(f"{org}/awards/new/")
        audit.visit(f"{org}/awards/")
        audit.visit("/accounts/profile/")
        if english:
            break
        audit.visit("/accounts/two-factor/")
        audit.visit("/accounts/identifiers/")
        audit.visit("/accounts/verify-email/")
        audit.visit(f"{org}/achievements/{badge.public_id}/")
        audit.visit(f"{org}/achievements/{badge.public_id}/edit/")
        audit.visit(f"{org}/achievements/?show=archived")
        audit.visit(f"{org}/awards/{given.public_id}/")
        audit.visit(f"{org}/awards/bulk/")
        audit.visit(f"{org}/awards/bulk/{batch.public_id}/")
        audit.visit(f"{org}/awards/?q=nobody")
        audit.visit(f"{org}/members/")
        # Pages showing a form's errors.
        audit.visit(f"{org}/awards/new/")
        audit.submit("award form with errors", page.locator("main form button[type=submit]"), status=400)
        audit.visit(f"{org}/awards/bulk/")
        audit.submit("bulk form with errors", page.locator("main form button[type=submit]"), status=400)
        audit.visit(f"{org}/achievements/new/")
        audit.submit("badge editor with errors", page.locator("button[name=save]"))
        # Pages showing a success message after a change.
        audit.visit(f"{org}/achievements/{badge.public_id}/edit/")
        page.locator("#id_name_ko").fill("데이터 분석 입문 (개정)")
        audit.submit("badge saved as a new version", page.locator("button[name=save]"))
        audit.visit(f"{org}/awards/new/")
        page.locator("#id_achievement").select_option(str(badge.pk))
        page.locator("#id_email").fill("minji@student.example")
        page.locator("#id_name").fill("김민지")
        audit.submit("award made", page.locator("main form button[type=submit]"))
    audit.assert_clean()


def test_owner_pages_are_accessible(page: Page) -> None:
    world = make_world()
    badge_and_award(world)
    invitations.invite(Actor(world.owner), world.org, email="new@hanbit.example", role=Role.MENTOR)
    org = f"/orgs/{world.org.slug}"
    audit = PageAudit(page)
    sign_in(page, world.owner.email, PASSWORD)
    audit.check("two-factor sign-in")
    page.locator("#id_code").fill(stale_code(world.device))
    audit.submit("two-factor sign-in, wrong code", page.locator("main form button[type=submit]"))
    page.wait_for_timeout(1100)  # django-otp's pause after a failed code
    page.locator("#id_code").fill(totp_now(world.device))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/"), page.url

    event = AuditEvent.objects.filter(org=world.org, action="awards.create").first()
    assert event is not None
    for english in (False, True):
        if english:
            switch_to_english(page)
        audit.visit(f"{org}/members/")
        audit.visit(f"{org}/settings/")
        audit.visit(f"{org}/audit/")
        if english:
            break
        audit.visit(f"{org}/")
        audit.visit(f"{org}/tokens/")
        audit.visit(f"{org}/audit/{event.pk}/")
        audit.visit(f"{org}/audit/?q=nothing-matches-this")
        audit.visit("/accounts/two-factor/")
        audit.visit("/accounts/two-factor/disable/")
        audit.visit(f"{org}/members/")
        page.locator("#id_email").fill("another@hanbit.example")
        audit.submit("invitation sent", page.locator("#invite-heading ~ form button[type=submit]"))
        audit.visit(f"{org}/tokens/")
        page.locator("main form input[name=name]").fill("LMS 연동")
        audit.submit("token created", page.locator("main form button[type=submit]").last)
    audit.assert_clean()


def test_an_owner_can_reach_pages_only_after_the_second_factor(page: Page) -> None:
    world = make_world()
    sign_in_with_code(page, world.owner.email, PASSWORD, totp_now(world.device))
    page.goto(f"/orgs/{world.org.slug}/settings/")
    assert page.url.endswith(f"/orgs/{world.org.slug}/settings/")
