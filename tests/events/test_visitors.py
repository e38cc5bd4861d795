from django.test import RequestFactory

from laurel.events.actions import qr_link, record_event, record_page_view
from laurel.events.models import DailyCount, Kind
from tests.events.helpers import DAY, EventsTestCase

BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)


class RobotTests(EventsTestCase):
    def view(self, user_agent: str, method: str = "get") -> bool:
        request = getattr(RequestFactory(), method)("/a/x/", HTTP_USER_AGENT=user_agent)
        return record_event(Kind.PAGE_VIEW, org=self.org, award=self.award, request=request, day=DAY)

    def test_a_browser_visit_is_counted(self) -> None:
        self.assertTrue(self.view(BROWSER))
        self.assertEqual(self.counts(), [("page_view", "", 1)])

    def test_crawlers_and_link_previews_are_not_counted(self) -> None:
        robots = [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "Mozilla/5.0 (compatible; Yeti/1.1; +https://naver.me/spd) spider",
            "WhatsApp/2.23.20.0",
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Bingbot/2.0) Chrome/116",
            "SomeCrawler/3.0",
        ]
        for user_agent in robots:
            with self.subTest(user_agent=user_agent):
                self.assertFalse(self.view(user_agent))
        self.assertEqual(DailyCount.objects.count(), 0)

    def test_head_requests_are_not_counted(self) -> None:
        self.assertFalse(self.view(BROWSER, method="head"))
        self.assertEqual(DailyCount.objects.count(), 0)

    def test_nothing_about_the_visitor_is_stored(self) -> None:
        self.view(BROWSER)
        stored = {f.name for f in DailyCount._meta.get_fields()}
        self.assertEqual(stored, {"id", "org", "award", "achievement", "kind", "detail", "day", "count"})


class PageViewTests(EventsTestCase):
    def visit(self, query: str = "") -> None:
        request = RequestFactory().get(f"/a/{self.award.public_id}/{query}", HTTP_USER_AGENT=BROWSER)
        record_page_view(request, org=self.org, award=self.award)

    def test_a_page_view_is_counted(self) -> None:
        self.visit()
        self.assertEqual([(k, n) for k, _d, n in self.counts()], [("page_view", 1)])

    def test_a_visit_from_the_qr_code_counts_as_a_view_and_a_scan(self) -> None:
        self.visit("?src=qr")
        self.visit()
        self.assertEqual([(k, n) for k, _d, n in self.counts()], [("page_view", 2), ("qr_scan", 1)])

    def test_the_qr_link_marks_its_source_once(self) -> None:
        self.assertEqual(qr_link("https://badges.example/a/abc/"), "https://badges.example/a/abc/?src=qr")
        self.assertEqual(
            qr_link("https://badges.example/a/abc/?lang=en&src=mail"),
            "https://badges.example/a/abc/?lang=en&src=qr",
        )
