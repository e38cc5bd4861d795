import pytest

from tests.browser.helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_welcome_page_is_accessible_in_both_languages(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)
    assert page.console_errors == []


def test_sign_in_page_is_accessible(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    assert_accessible(page)
