from typing import Any

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()
BLOCKING = {"serious", "critical"}


def assert_accessible(page: Any) -> None:
    """axe-core finds no serious or critical violation on the current page."""
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    details = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in bad
    )
    assert not bad, f"accessibility violations on {page.url}:\n{details}"


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("이메일").or_(page.get_by_label("Email")).fill(email)
    page.get_by_label("비밀번호").or_(page.get_by_label("Password")).fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
