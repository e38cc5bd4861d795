from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from laurel.achievements.models import Achievement, AchievementVersion
from laurel.awards.models import Award
from laurel.orgs.models import Invitation, Recipient
from laurel.orgs.queries import month_start
from laurel.test import BaseTestCase

SEOUL = ZoneInfo("Asia/Seoul")
# Mid-month in Seoul, so "this month" has a clear start.
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=SEOUL)


def make_badge(
    org, slug: str, name_ko: str, archived: bool = False
) -> tuple[Achievement, AchievementVersion]:
    achievement = Achievement.objects.create(org=org, slug=slug, archived_at=NOW if archived else None)
    version = AchievementVersion.objects.create(achievement=achievement, number=1, name_ko=name_ko)
    achievement.current_version = version
    achievement.save()
    return achievement, version


@time_machine.travel(NOW, tick=False)
class DashboardTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        achievement, version = make_badge(cls.org, "python", "파이썬 기초")
        make_badge(cls.org, "old", "옛 배지", archived=True)
        make_badge(cls.other_org, "theirs", "남의 배지")
        cls.recipients = [
            Recipient.objects.create(org=cls.org, email=f"s{i}@student.example", name=f"학생{i}")
            for i in range(12)
        ]
        Recipient.objects.create(org=cls.other_org, email="x@other.example")
        # 12 awards: two last month, ten this month, one of which is revoked.
        for i, recipient in enumerate(cls.recipients):
            created = NOW - timedelta(days=30) if i < 2 else NOW - timedelta(hours=i)
            Award.objects.create(
                org=cls.org,
                achievement=achievement,
                version=version,
                recipient=recipient,
                issued_on=created.date(),
                created_at=created,
                revoked_at=NOW if i == 11 else None,
            )
        Invitation.objects.create(
            org=cls.org,
            email="new@hanbit.example",
            role="viewer",
            token_hash="a" * 64,
            expires_at=NOW + timedelta(days=1),
        )
        Invitation.objects.create(
            org=cls.org,
            email="late@hanbit.example",
            role="viewer",
            token_hash="b" * 64,
            expires_at=NOW - timedelta(days=1),
        )

    def test_it_counts_badges_awards_recipients_and_invitations(self) -> None:
        self.login(self.viewer)
        counts = self.client.get("/orgs/hanbit/").context["counts"]
        self.assertEqual(
            counts,
            {
                "badges": 1,
                "awards_total": 11,
                "awards_month": 9,
                "recipients": 12,
                "pending_invitations": 1,
            },
        )

    def test_it_shows_the_ten_latest_awards_newest_first(self) -> None:
        self.login(self.teammate)
        response = self.client.get("/orgs/hanbit/")
        awards = response.context["awards"]
        self.assertEqual(len(awards), 10)
        # Award i was created i hours ago, so recipient 2 is the newest.
        self.assertEqual([a.recipient.name for a in awards], [f"학생{i}" for i in range(2, 12)])
        self.assertContains(response, "파이썬 기초")

    def test_it_needs_few_queries(self) -> None:
        self.login(self.viewer)
        self.client.get("/orgs/hanbit/")  # warm the session
        # session, user, membership, every count in one, the latest awards
        with self.assertNumQueries(5):
            self.client.get("/orgs/hanbit/")

    def test_owner_sees_management_links_and_viewer_does_not(self) -> None:
        self.login(self.owner)
        owner_page = self.client.get("/orgs/hanbit/")
        self.assertContains(owner_page, 'href="/orgs/hanbit/settings/"')
        self.assertContains(owner_page, 'href="/orgs/hanbit/awards/new/"')
        self.login(self.viewer)
        viewer_page = self.client.get("/orgs/hanbit/")
        self.assertNotContains(viewer_page, 'href="/orgs/hanbit/settings/"')
        self.assertNotContains(viewer_page, 'href="/orgs/hanbit/awards/new/"')

    def test_issuer_sees_award_links_but_not_settings(self) -> None:
        self.login(self.teammate)
        response = self.client.get("/orgs/hanbit/")
        self.assertContains(response, 'href="/orgs/hanbit/awards/bulk/"')
        self.assertNotContains(response, 'href="/orgs/hanbit/tokens/"')

    def test_outsider_and_learner_get_404(self) -> None:
        for user in (self.outsider, self.learner):
            self.login(user)
            self.assertEqual(self.client.get("/orgs/hanbit/").status_code, 404)

    def test_anonymous_visitor_is_sent_to_sign_in(self) -> None:
        response = self.client.get("/orgs/hanbit/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])


class MonthStartTests(BaseTestCase):
    def test_month_starts_at_midnight_in_seoul(self) -> None:
        # 2026-03-31 20:00 UTC is already April 1st in Seoul.
        now = datetime(2026, 3, 31, 20, 0, tzinfo=ZoneInfo("UTC"))
        start = month_start(now)
        self.assertEqual(start, datetime(2026, 4, 1, 0, 0, tzinfo=SEOUL))
        self.assertEqual(timezone.localtime(start).date(), date(2026, 4, 1))
