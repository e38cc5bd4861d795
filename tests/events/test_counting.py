from unittest import mock

from django.db import DatabaseError
from django.db.models import QuerySet

from laurel.events.actions import InvalidEvent, record_event
from laurel.events.models import DailyCount, Kind
from tests.events.helpers import DAY, EventsTestCase, make_award


class CountingTests(EventsTestCase):
    def test_the_first_event_of_a_day_creates_a_counter_of_one(self) -> None:
        self.assertTrue(record_event(Kind.PAGE_VIEW, org=self.org, award=self.award, day=DAY))
        self.assertEqual(self.counts(day=DAY), [("page_view", "", 1)])

    def test_further_events_of_the_same_day_add_to_the_same_counter(self) -> None:
        for _ in range(3):
            record_event(Kind.PAGE_VIEW, org=self.org, award=self.award, day=DAY)
        self.assertEqual(DailyCount.objects.count(), 1)
        self.assertEqual(self.counts(day=DAY), [("page_view", "", 3)])

    def test_each_day_kind_and_detail_has_its_own_counter(self) -> None:
        next_day = DAY.replace(day=DAY.day + 1)
        record_event(Kind.DOWNLOAD, org=self.org, award=self.award, detail="png", day=DAY)
        record_event(Kind.DOWNLOAD, org=self.org, award=self.award, detail="json", day=DAY)
        record_event(Kind.DOWNLOAD, org=self.org, award=self.award, detail="png", day=next_day)
        record_event(Kind.VERIFICATION, org=self.org, award=self.award, detail="valid", day=DAY)
        expected = [("download", "json", 1), ("download", "png", 1), ("verification", "valid", 1)]
        self.assertEqual(self.counts(day=DAY), expected)
        self.assertEqual(self.counts(day=next_day), [("download", "png", 1)])

    def test_an_award_event_also_counts_for_its_achievement(self) -> None:
        record_event(Kind.PAGE_VIEW, org=self.org, award=self.award, day=DAY)
        row = DailyCount.objects.get()
        self.assertEqual(row.achievement_id, self.award.achievement_id)

    def test_events_without_award_or_achievement_share_one_counter(self) -> None:
        # NULL keys must still be unique, or every event would add a row.
        record_event(Kind.VERIFICATION, org=self.org, detail="invalid", day=DAY)
        record_event(Kind.VERIFICATION, org=self.org, detail="invalid", day=DAY)
        self.assertEqual(self.counts(award=None, achievement=None), [("verification", "invalid", 2)])

    def test_counters_of_different_awards_stay_apart(self) -> None:
        other = make_award(self.org, "data-science")
        record_event(Kind.PAGE_VIEW, org=self.org, award=self.award, day=DAY)
        record_event(Kind.PAGE_VIEW, org=self.org, award=other, day=DAY)
        self.assertEqual(self.counts(award=self.award), [("page_view", "", 1)])
        self.assertEqual(self.counts(award=other), [("page_view", "", 1)])

    def test_without_a_day_the_event_counts_for_today(self) -> None:
        with mock.patch("laurel.events.actions.local_today", return_value=DAY):
            record_event(Kind.PAGE_VIEW, org=self.org, award=self.award)
        self.assertEqual(self.counts(day=DAY), [("page_view", "", 1)])


class RaceTests(EventsTestCase):
    def test_a_counter_created_by_a_concurrent_request_is_incremented_not_duplicated(self) -> None:
        real_update = QuerySet.update
        raced = []

        def update_losing_the_race(queryset: QuerySet, **kwargs: object) -> int:
            if not raced:
                # Another request inserts the counter right after our update found nothing.
                raced.append(True)
                DailyCount.objects.create(org=self.org, kind="page_view", detail="", day=DAY, count=1)
                return 0
            return real_update(queryset, **kwargs)

        with mock.patch.object(QuerySet, "update", update_losing_the_race):
            self.assertTrue(record_event(Kind.PAGE_VIEW, org=self.org, day=DAY))
        self.assertEqual(self.counts(day=DAY), [("page_view", "", 2)])

    def test_a_database_failure_is_not_counted_and_does_not_raise(self) -> None:
        with (
            mock.patch.object(QuerySet, "update", side_effect=DatabaseError("database is locked")),
            self.assertLogs("laurel.events.actions", "ERROR"),
        ):
            self.assertFalse(record_event(Kind.PAGE_VIEW, org=self.org, award=self.award, day=DAY))
        # The caller's transaction is still usable afterwards.
        self.assertEqual(DailyCount.objects.count(), 0)


class InvalidEventTests(EventsTestCase):
    def test_an_unknown_kind_is_refused(self) -> None:
        with self.assertRaisesMessage(InvalidEvent, "unknown event kind 'like'"):
            record_event("like", org=self.org, day=DAY)

    def test_a_verification_is_either_valid_or_invalid(self) -> None:
        with self.assertRaisesMessage(InvalidEvent, "detail 'maybe' is not allowed for verification"):
            record_event(Kind.VERIFICATION, org=self.org, detail="maybe", day=DAY)

    def test_a_download_names_one_of_the_offered_formats(self) -> None:
        with self.assertRaises(InvalidEvent):
            record_event(Kind.DOWNLOAD, org=self.org, detail="docx", day=DAY)

    def test_a_share_channel_is_a_short_lowercase_name(self) -> None:
        record_event(Kind.SHARE_CLICK, org=self.org, detail="kakaotalk", day=DAY)
        for channel in ("", "Kakao", "x" * 41, "a b"):
            with self.subTest(channel=channel), self.assertRaises(InvalidEvent):
                record_event(Kind.SHARE_CLICK, org=self.org, detail=channel, day=DAY)
        self.assertEqual(self.counts(), [("share_click", "kakaotalk", 1)])

    def test_a_page_view_carries_no_detail(self) -> None:
        with self.assertRaises(InvalidEvent):
            record_event(Kind.PAGE_VIEW, org=self.org, detail="home", day=DAY)

    def test_an_award_of_another_organization_is_refused(self) -> None:
        with self.assertRaises(InvalidEvent):
            record_event(Kind.PAGE_VIEW, org=self.other_org, award=self.award, day=DAY)
        self.assertEqual(DailyCount.objects.count(), 0)
