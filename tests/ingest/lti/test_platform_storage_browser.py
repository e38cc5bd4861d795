"""A launch in a real browser (Debian's chromium) that blocks third-party cookies, with the tool
in a cross-site iframe of the fake platform's course page: platform storage carries the login."""

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from laurel.core.actor import Actor
from laurel.ingest.lti import keys
from laurel.ingest.lti.actions import register_platform
from laurel.ingest.lti.models import Member
from laurel.ingest.lti.setup import describe
from laurel.ingest.models import Source, SourceIdentity
from laurel.ingest.sources import create_source
from laurel.orgs.models import Organization, Recipient
from tests.ingest.lti.fake_platform import SHAPES, FakePlatform, new_person

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.django_db(transaction=True)
CHROMIUM = os.environ.get("LAUREL_CHROMIUM", "/usr/bin/chromium")
# The browser's own setting "Block third-party cookies" (the profile preference behind it: with 0
# a cookie the tool set first-party is sent in its cross-site frame, with 1 it is not).
BLOCK_THIRD_PARTY = {"profile": {"cookie_controls_mode": 1}}


@pytest.fixture(scope="module")
def strict_browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="laurel-chromium-") as profile, sync_playwright() as p:
        os.makedirs(os.path.join(profile, "Default"))
        with open(os.path.join(profile, "Default", "Preferences"), "w") as prefs:
            json.dump(BLOCK_THIRD_PARTY, prefs)
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        context.set_default_timeout(30_000)
        yield context
        context.close()


@pytest.fixture
def lms(live_server: Any, settings: Any) -> Iterator[tuple[FakePlatform, Source]]:
    settings.SITE_URL = live_server.url  # the tool's URLs name the live server
    settings.ALLOW_PRIVATE_FETCH = True  # the fake platform listens on loopback over http
    org = Organization.objects.create(slug="hanbit", name_ko="한빛대학교", name_en="Hanbit University")
    Recipient.objects.create(org=org, email="jane@example.edu", name="Jane Doe")
    source, _lines = create_source(Actor(user=None, via="cli"), org, "lti", "Canvas")
    platform = FakePlatform(SHAPES["canvas"]).start()
    shape = platform.shape
    register_platform(
        Actor(user=None, via="cli"),
        source,
        issuer=shape.issuer,
        client_id=shape.client_id,
        auth_login_url=platform.auth_login_url,
        auth_token_url=platform.token_url,
        jwks_url=platform.jwks_url,
        deployment_ids=[shape.deployment_id],
    )
    platform.redirect_uris = [describe(source)["launch_url"]]
    platform.tool_jwks = keys.jwks(source)
    platform.people = {"learner": new_person(shape)}
    yield platform, source
    platform.stop()


def open_course(
    browser: Any, platform: FakePlatform, source: Source, target: str, extra: str = ""
) -> tuple[Any, Any]:
    page = browser.new_page()
    # A launch crosses two loopback servers and several frame navigations: on a loaded
    # two-core machine that has taken longer than Playwright's default 30 s.
    page.set_default_timeout(90_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login = describe(source)["login_url"]
    page.goto(f"{platform.base}/course?tool={login}&target={target}{extra}")
    return page, errors


def test_without_platform_storage_the_launch_fails_for_want_of_the_cookie(
    strict_browser: Any, lms: Any
) -> None:
    # The control: in this browser the tool's frame really gets no cookie back.
    platform, source = lms
    page, _errors = open_course(strict_browser, platform, source, "")
    frame = page.frame(name="tool")
    frame.wait_for_selector("text=State not found")
    assert not SourceIdentity.objects.exists()


@pytest.mark.parametrize("target", ["_parent", "storage-frame"])
def test_with_platform_storage_the_learner_is_signed_in(strict_browser: Any, lms: Any, target: str) -> None:
    platform, source = lms
    page, errors = open_course(strict_browser, platform, source, target)
    frame = page.frame(name="tool")
    frame.wait_for_selector("text=Badges of Jane Doe")
    assert errors == []
    messages = page.evaluate("() => window.ltiMessages")
    tool_origin = describe(source)["login_url"].split("/lti/")[0]
    assert [(m["subject"], m["key"].split("_")[0], m["origin"]) for m in messages] == [
        ("lti.put_data", "state", tool_origin),
        ("lti.put_data", "nonce", tool_origin),
        ("lti.get_data", "state", tool_origin),
        ("lti.get_data", "nonce", tool_origin),
    ]
    identity = SourceIdentity.objects.get(kind="lti")
    assert identity.recipient is not None and identity.recipient.email == "jane@example.edu"
    assert Member.objects.filter(identity=identity).exists()


def test_values_the_platform_frame_did_not_keep_stop_the_launch(strict_browser: Any, lms: Any) -> None:
    platform, source = lms
    page, _errors = open_course(strict_browser, platform, source, "_parent", "&tamper=1")
    frame = page.frame(name="tool")
    frame.wait_for_selector("text=This sign-in was not started in this browser")
    assert not frame.locator("#lti-storage-failed").is_visible()
    assert not SourceIdentity.objects.exists()
