"""The LTI registration pages in a browser: axe-core and no browser errors, in Korean and English,
and a registration made through the form by keyboard and mouse like a person would."""

import pytest
from playwright.sync_api import Page

from laurel.core.actor import Actor
from laurel.ingest.lti.models import Platform
from laurel.ingest.sources import create_source
from tests.browser.helpers import PageAudit, sign_in_with_code
from tests.browser.world import PASSWORD, make_world, totp_now

pytestmark = pytest.mark.django_db(transaction=True)


def test_registering_a_platform_through_the_pages(page: Page) -> None:
    world = make_world()
    source, _lines = create_source(Actor(world.owner), world.org, "lti", "Moodle")
    sign_in_with_code(page, world.owner.email, PASSWORD, totp_now(world.device))
    audit = PageAudit(page)
    detail = f"/orgs/{world.org.slug}/sources/{source.public_id}/"
    form = detail + "platform/"
    audit.visit(detail)
    audit.visit(form)
    page.locator("#id_issuer").fill("http://moodle.school.example")
    audit.submit("platform form with errors", page.locator("main form button[type=submit]"), status=400)
    assert page.locator("#id_client_id").get_attribute("aria-invalid") == "true"
    page.locator("#id_issuer").fill("https://moodle.school.example")
    page.locator("#id_client_id").fill("8Yd2mRpSjmHS0rp")
    page.locator("#id_deployment_ids").fill("1\n2")
    page.locator("#id_auth_login_url").fill("https://moodle.school.example/mod/lti/auth.php")
    page.locator("#id_auth_token_url").fill("https://moodle.school.example/mod/lti/token.php")
    page.locator("#id_jwks_url").fill("https://moodle.school.example/mod/lti/certs.php")
    audit.submit("platform registered", page.locator("main form button[type=submit]"))
    assert page.url.endswith(detail)
    page.locator("details summary").click()
    audit.check("detail with a registration and the Canvas JSON open")
    page.locator("header form.lang-switch button[value=en]").click()
    page.wait_for_load_state()
    audit.visit(detail)
    audit.visit(form)
    audit.assert_clean()
    platform = Platform.objects.get(source=source)
    assert sorted(platform.deployments.values_list("deployment_id", flat=True)) == ["1", "2"]
