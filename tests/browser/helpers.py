from typing import Any

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()
BLOCKING = {"serious", "critical"}


def accessibility_problems(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the current page, one line each."""
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in bad]


def assert_accessible(page: Any) -> None:
    """axe-core finds no serious or critical violation on the current page."""
    problems = accessibility_problems(page)
    details = "\n".join(problems)
    assert not problems, f"accessibility violations on {page.url}:\n{details}"


def browser_errors(page: Any) -> list[str]:
    """Console errors, page errors and failed responses the `page` fixture has seen so far."""
    errors: list[str] = page.console_errors
    return errors


def sign_in(page: Any, email: str, password: str, *, here: bool = False) -> None:
    """Sign in through the form; `here` uses the login page already open (keeping its next)."""
    if not here:
        page.goto("/accounts/login/")
    page.get_by_label("이메일").or_(page.get_by_label("Email")).fill(email)
    page.get_by_label("비밀번호").or_(page.get_by_label("Password")).fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def sign_in_with_code(page: Any, email: str, password: str, code: str) -> None:
    """Sign in, then answer the two-factor step with `code`."""
    sign_in(page, email, password)
    assert "/accounts/two-factor/" in page.url, f"expected the two-factor step, got {page.url}"
    page.locator("#id_code").fill(code)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


class PageAudit:
    """Visits pages one after another and notes, per page, axe violations and browser errors.

    Every page is checked before anything fails, so one run reports them all.
    """

    def __init__(self, page: Any) -> None:
        self.page = page
        self.passed: list[str] = []
        self.failed: dict[str, list[str]] = {}

    def visit(self, path: str, *, status: int = 200) -> Any:
        start = len(self.page.console_errors)
        response = self.page.goto(path)
        self._settle()
        return self.check(path, status=status, since=start, response=response)

    def submit(self, label: str, button: Any, *, status: int = 200) -> Any:
        """Press a form's button and check the page the answer shows."""
        start = len(self.page.console_errors)
        with self.page.expect_navigation() as navigation:
            button.click()
        self._settle()
        return self.check(label, status=status, since=start, response=navigation.value)

    def _settle(self) -> None:
        # A page with a script may still be fetching (the badge editor's preview); let it finish.
        if self.page.locator("script[src]").count():
            self.page.wait_for_load_state("networkidle")

    def check(self, label: str, *, status: int = 200, since: int | None = None, response: Any = None) -> Any:
        """Check the page now shown; `since` is where its console errors begin."""
        errors = self.page.console_errors[since or 0 :]
        problems: list[str] = []
        if response is not None and response.status != status:
            problems.append(f"status {response.status}, expected {status}")
        if status >= 400:
            # The page's own expected status shows up as a console error too; only that one is allowed.
            errors = [e for e in errors if f"status of {status}" not in e and not e.startswith(f"{status} ")]
        problems += [f"browser error: {e}" for e in errors]
        problems += accessibility_problems(self.page)
        name = f"{label} [{self.page.locator('html').get_attribute('lang')}]"
        if problems:
            self.failed[name] = problems
        else:
            self.passed.append(name)
        del self.page.console_errors[:]
        return response

    def assert_clean(self) -> None:
        print("pages without problems:", *self.passed, sep="\n  ")
        report = "\n".join(f"{name}:\n  " + "\n  ".join(p) for name, p in self.failed.items())
        assert not self.failed, f"{len(self.failed)} page(s) with problems:\n{report}"
