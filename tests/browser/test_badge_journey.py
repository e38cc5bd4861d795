"""The main journey, in the Korean interface: design a badge, award it, see it in public."""

import base64
import re
import struct
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Locator, Page
from pytest_django.live_server_helper import LiveServer

from laurel.achievements.models import Achievement
from laurel.awards.models import Award
from tests.browser.helpers import browser_errors, sign_in
from tests.browser.world import PASSWORD, make_world

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "한글 문서 작성 능력"
DESCRIPTION = "공문서와 보고서를 바르게 작성할 수 있습니다."
CRITERIA = "보고서 **세 편**을 제출하고 평가를 통과합니다."
ALT = "남색 육각형 안에 책과 '문서 작성' 글자가 있는 배지"
TITLE = "문서 작성"
RECIPIENT = "홍길동"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, which must come first (PNG spec 11.2.2)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def image_loaded(locator: Locator) -> bool:
    return bool(locator.evaluate("img => img.complete && img.naturalWidth > 0"))


def test_an_issuer_designs_a_korean_badge_awards_it_and_the_public_sees_it(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    world = make_world()
    sign_in(page, world.issuer.email, PASSWORD)
    assert page.locator("html").get_attribute("lang") == "ko"

    page.goto(f"/orgs/{world.org.slug}/achievements/new/")
    page.locator("#id_name_ko").fill(NAME)
    page.locator("#id_description_ko").fill(DESCRIPTION)
    page.locator("#id_criteria_ko").fill(CRITERIA)
    page.locator("#id_alt_text_ko").fill(ALT)
    # The name typed in Korean shows in the preview card as it is typed.
    assert page.locator("#preview-name").inner_text() == NAME
    assert page.locator("#preview-name").get_attribute("lang") == "ko"

    preview = page.locator("#preview-image")
    page.wait_for_function("() => document.getElementById('preview-image').src.startsWith('data:image/svg')")
    page.locator("#id_design-shape").select_option("hexagon")
    page.locator("#id_design-icon").select_option("book")
    page.locator("#id_design-primary").fill("#1a237e")
    page.locator("#id_design-secondary").fill("#ffffff")
    before_title = preview.get_attribute("src")
    page.locator("#id_design-title").press_sequentially(TITLE)
    page.wait_for_function(
        "before => document.getElementById('preview-image').src !== before", arg=before_title
    )
    # The data: URI carries the SVG the server drew; it must show the title we typed.
    src = preview.get_attribute("src") or ""
    svg_text = base64.b64decode(src.split(",", 1)[1]).decode()
    assert f">{TITLE}<" in svg_text
    assert 'fill="#1a237e"' in svg_text
    assert image_loaded(preview)
    assert preview.get_attribute("alt") == ALT

    page.locator("button[name=save]").click()
    page.wait_for_load_state()
    achievement = Achievement.objects.get(org=world.org)
    assert achievement.current_version.name_ko == NAME
    assert achievement.current_version.design["title"] == TITLE
    assert achievement.current_version.design["shape"] == "hexagon"
    assert page.locator("h1").inner_text() == NAME

    page.goto(f"/orgs/{world.org.slug}/achievements/")
    row = page.locator("tbody tr", has_text=NAME)
    assert row.count() == 1
    thumb = row.locator("img")
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete", arg=thumb.element_handle())
    assert image_loaded(thumb)
    assert thumb.get_attribute("alt") == ALT

    page.goto(f"/orgs/{world.org.slug}/awards/new/")
    page.locator("#id_achievement").select_option(label=NAME)
    page.locator("#id_email").fill("gildong@student.example")
    page.locator("#id_name").fill(RECIPIENT)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    award = Award.objects.get(org=world.org)
    assert award.recipient.name == RECIPIENT
    assert award.achievement == achievement
    assert urlparse(page.url).path == f"/orgs/{world.org.slug}/awards/{award.public_id}/"
    public_path = page.locator("main a", has_text=f"/a/{award.public_id}").get_attribute("href")
    assert public_path == f"/a/{award.public_id}/"
    assert browser_errors(page) == []

    stranger = browser.new_context(base_url=live_server.url, locale="ko-KR")
    try:
        public = stranger.new_page()
        errors: list[str] = []
        public.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        public.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        public.goto(public_path)
        assert public.locator("h1").inner_text() == NAME
        assert RECIPIENT in public.locator("main").inner_text()
        assert "gildong@student.example" not in public.content()
        image = public.locator("main img.badge-image")
        assert image.get_attribute("alt") == ALT
        public.wait_for_function("img => img.complete", arg=image.element_handle())
        assert image_loaded(image)
        # The image shared on social sites is the PNG rendered from the design.
        og_image = public.locator("meta[property='og:image']").get_attribute("content")
        png_path = urlparse(og_image or "").path
        assert re.fullmatch(r"/i/image/[0-9a-f]{64}\.png", png_path)
        response = public.request.get(png_path)
        assert response.status == 200
        assert response.headers["content-type"] == "image/png"
        assert png_size(response.body()) == (512, 512)
        assert errors == []
    finally:
        stranger.close()
