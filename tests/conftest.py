import os
from collections.abc import Iterator

import pytest
from django.utils import translation

# In CI nothing may be skipped: a missing PostgreSQL, chromium or ../shared fails.
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run everything: {report.longrepr}"


@pytest.fixture(autouse=True)
def _no_language_leaks() -> Iterator[None]:
    # LocaleMiddleware activates the request's language on the test's thread and leaves it
    # there; without this, a test after a Korean request would see Korean messages.
    yield
    translation.deactivate()
