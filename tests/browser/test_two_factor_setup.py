"""Turning on two-factor sign-in in the browser: the QR code is whole, the shown key works."""

import base64
import time

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from tests.browser.helpers import PageAudit, sign_in
from tests.browser.world import PASSWORD, make_world, totp_now

pytestmark = pytest.mark.django_db(transaction=True)

# Everything the QR code draws must lie inside the box the page gives it, or it cannot be scanned.
QR_CLIPPED = """() => {
  const svg = document.querySelector("figure svg");
  const box = svg.getBoundingClientRect();
  const drawn = svg.querySelector("g, path").getBoundingClientRect();
  return {box: [box.width, box.height], drawn: [drawn.right - box.left, drawn.bottom - box.top]};
}"""


def test_a_person_turns_on_two_factor_with_the_key_the_page_shows(page: Page) -> None:
    world = make_world()
    sign_in(page, world.issuer.email, PASSWORD)
    audit = PageAudit(page)
    audit.visit("/accounts/two-factor/")

    sizes = page.evaluate(QR_CLIPPED)
    assert sizes["box"][0] >= 150, sizes
    assert sizes["drawn"][0] <= sizes["box"][0] + 0.5 and sizes["drawn"][1] <= sizes["box"][1] + 0.5, sizes

    shown = page.locator("code.secret").inner_text()
    key = base64.b32decode("".join(shown.split()) + "=" * (-len("".join(shown.split())) % 8))
    pending = TOTPDevice.objects.get(user=world.issuer, confirmed=False)
    assert key == pending.bin_key
    # The code is computed from the key as the page shows it, as a phone app would.
    device_like = TOTPDevice(key=key.hex(), step=pending.step, t0=pending.t0, digits=pending.digits)
    page.locator("#id_code").fill(totp_now(device_like, time.time()))
    audit.submit("backup codes", page.locator("main form button[type=submit]"))

    assert TOTPDevice.objects.get(user=world.issuer).confirmed
    assert page.locator(".backup-codes li").count() == 10
    audit.assert_clean()
