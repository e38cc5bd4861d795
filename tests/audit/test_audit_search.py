from datetime import datetime
from zoneinfo import ZoneInfo

from laurel.audit.views import PAGE_SIZE
from laurel.test import BaseTestCase
from tests.audit.helpers import event

SEOUL = ZoneInfo("Asia/Seoul")


class AuditSearchTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.owner)

    def summaries(self, query: str) -> set[str]:
        response = self.client.get(f"/orgs/hanbit/audit/?{query}")
        self.assertEqual(response.status_code, 200)
        return {e.summary for e in response.context["page"]}

    def test_search_matches_summary_actor_object_id_and_action(self) -> None:
        event(self.org, "achievement.update", self.owner, summary="한국어 요약 문장")
        event(self.org, "award.issue", self.teammate, summary="by teammate")
        event(self.org, "member.invite", self.owner, summary="object", object_id="b5c1-XYZ")
        event(self.org, "credential.revoke", self.owner, summary="by action")
        self.assertEqual(self.summaries("q=요약"), {"한국어 요약 문장"})
        self.assertEqual(self.summaries("q=ISSUER@hanbit"), {"by teammate"})
        self.assertEqual(self.summaries("q=b5c1-xyz"), {"object"})
        self.assertEqual(self.summaries("q=revoke"), {"by action"})

    def test_action_filter_matches_whole_dotted_prefixes(self) -> None:
        event(self.org, "award.issue", self.owner, summary="issue")
        event(self.org, "award.revoke", self.owner, summary="revoke")
        event(self.org, "awardee.note", self.owner, summary="not an award")
        self.assertEqual(self.summaries("action=award"), {"issue", "revoke"})
        self.assertEqual(self.summaries("action=award.revoke"), {"revoke"})

    def test_actor_filter_is_exact_but_ignores_case(self) -> None:
        event(self.org, "award.issue", self.owner, summary="owner")
        event(self.org, "award.issue", self.teammate, summary="teammate")
        event(self.org, "award.issue", None, summary="command line")
        self.assertEqual(self.summaries("actor=Issuer@Hanbit.example"), {"teammate"})
        self.assertEqual(self.summaries("actor=cli"), {"command line"})
        self.assertEqual(self.summaries("actor=hanbit.example"), set())

    def test_date_range_is_inclusive_in_the_site_time_zone(self) -> None:
        # 23:30 on 1 March in Seoul is 14:30 UTC: still 1 March for the filter.
        event(
            self.org,
            "a.b",
            self.owner,
            summary="late 1 March",
            created_at=datetime(2025, 3, 1, 23, 30, tzinfo=SEOUL),
        )
        event(
            self.org,
            "a.b",
            self.owner,
            summary="2 March",
            created_at=datetime(2025, 3, 2, 0, 0, tzinfo=SEOUL),
        )
        event(
            self.org,
            "a.b",
            self.owner,
            summary="28 Feb",
            created_at=datetime(2025, 2, 28, 23, 59, tzinfo=SEOUL),
        )
        self.assertEqual(self.summaries("date_from=2025-03-01&date_to=2025-03-01"), {"late 1 March"})
        self.assertEqual(self.summaries("date_from=2025-03-01"), {"late 1 March", "2 March"})
        self.assertEqual(self.summaries("date_to=2025-02-28"), {"28 Feb"})

    def test_an_invalid_date_gives_a_message_and_filters_nothing(self) -> None:
        event(self.org, "a.b", self.owner, summary="one")
        event(self.org, "c.d", self.owner, summary="two")
        response = self.client.get("/orgs/hanbit/audit/?date_from=2025-02-30&action=a")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter the start date as YYYY-MM-DD.", count=2)  # summary and field
        self.assertContains(response, 'aria-invalid="true"')
        # The valid filter still applies; the broken one is ignored.
        self.assertEqual({e.summary for e in response.context["page"]}, {"one"})

    def test_an_end_date_before_the_start_date_is_explained(self) -> None:
        response = self.client.get("/orgs/hanbit/audit/?date_from=2025-03-02&date_to=2025-03-01")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The end date is before the start date.")

    def test_events_are_paginated_newest_first(self) -> None:
        for n in range(PAGE_SIZE + 3):
            event(
                self.org,
                "a.b",
                self.owner,
                summary=f"event {n}",
                created_at=datetime(2025, 1, 1, 0, n % 60, n // 60, tzinfo=SEOUL),
            )
        first = self.client.get("/orgs/hanbit/audit/").context["page"]
        self.assertEqual(first[0].summary, f"event {PAGE_SIZE + 2}")
        second = self.client.get("/orgs/hanbit/audit/?page=2")
        self.assertEqual([e.summary for e in second.context["page"]], ["event 2", "event 1", "event 0"])
        self.assertContains(second, 'rel="prev"')

    def test_page_links_keep_the_filters(self) -> None:
        for n in range(PAGE_SIZE + 1):
            event(self.org, "award.issue", self.owner, summary=f"award {n}")
        response = self.client.get("/orgs/hanbit/audit/?action=award&page=1")
        self.assertContains(response, "?action=award&amp;page=2")

    def test_a_page_number_out_of_range_shows_the_last_page(self) -> None:
        event(self.org, "a.b", self.owner, summary="only")
        self.assertEqual(self.summaries("page=99"), {"only"})
        self.assertEqual(self.summaries("page=abc"), {"only"})
