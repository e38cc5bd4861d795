"""An owner adds a webhook endpoint in the browser, copies the secret shown once, and follows a
delivery through its log, failure and replay, on pages axe-core finds accessible."""

import pytest
from playwright.sync_api import Page
from standardwebhooks.webhooks import Webhook

from laurel.outbox.delivery import deliver_due
from tests.browser.helpers import PageAudit, sign_in_with_code
from tests.browser.world import PASSWORD, award, make_badge, make_world, totp_now
from tests.hooks.helpers import Answer, Receiver

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver(settings) -> Receiver:  # type: ignore[no-untyped-def]
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.WEBHOOK_TIMEOUT = 1.0
    found = Receiver().start()
    yield found
    found.stop()


def test_an_owner_adds_an_endpoint_and_replays_a_failed_delivery(page: Page, receiver: Receiver) -> None:
    world = make_world()
    badge = make_badge(world)
    sign_in_with_code(page, world.owner.email, PASSWORD, totp_now(world.device))
    audit = PageAudit(page)
    base = f"/orgs/{world.org.slug}/settings/webhooks/"
    audit.visit(f"/orgs/{world.org.slug}/settings/")
    with page.expect_navigation():
        page.get_by_role("link", name="웹훅: 기관 서버로 보내는 서명된 이벤트").click()
    audit.check("webhooks, none yet")
    with page.expect_navigation():
        page.get_by_role("link", name="엔드포인트 추가").click()
    audit.check("add an endpoint")

    page.get_by_label("URL").fill("http://169.254.169.254/latest/meta-data/")
    audit.submit(
        "add an endpoint, metadata address", page.locator("main form button[type=submit]"), status=400
    )
    assert page.get_by_text("링크 로컬 주소로 연결됩니다").is_visible()

    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("학습자의 배지 진행 상황이 바뀜").check()
    audit.submit("endpoint added, secret shown", page.locator("main form button[type=submit]"))
    secret = page.locator("#secret").input_value()
    assert secret.startswith("whsec_")

    award(world, badge, "gildong@student.example", "홍길동")
    receiver.answers.append(Answer(500, "잠시 후 다시".encode()))
    deliver_due()
    [first] = receiver.received
    assert Webhook(secret).verify(first.body, first.headers)["type"] == "award.issued"

    with page.expect_navigation():
        page.get_by_role("link", name="엔드포인트로 이동").click()
    audit.check("endpoint with its delivery log")
    assert page.locator("main table").get_by_text("HTTP 500").is_visible()
    with page.expect_navigation():
        page.locator("main table a").first.click()
    audit.check("delivery with one failed attempt")
    assert page.get_by_text("잠시 후 다시").is_visible()
    audit.submit("delivery sent again", page.get_by_role("button", name="다시 보내기"))
    deliver_due()
    page.reload()
    audit.check("delivery with its second attempt")
    assert page.locator("main table").get_by_text("HTTP 200").is_visible()
    second = receiver.received[1]
    assert second.headers["webhook-id"] == first.headers["webhook-id"]
    Webhook(secret).verify(second.body, second.headers)

    with page.expect_navigation():
        page.locator("header form.lang-switch button[value=en]").click()
    audit.visit(base)
    audit.visit(f"{base}new/")
    audit.visit(f"{base}lrs/new/")
    audit.assert_clean()
