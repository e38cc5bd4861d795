import datetime

import time_machine

from laurel.awards.models import Award
from tests.awards.helpers import NOW, AwardsTestCase, make_award

URL = "/orgs/hanbit/awards/"


@time_machine.travel(NOW, tick=False)
class HistoryTests(AwardsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.hong = make_award(cls.python, "hong@example.com", "홍길동", issued_on=datetime.date(2025, 3, 1))
        cls.kim = make_award(
            cls.safety,
            "kim@example.com",
            "김철수",
            issued_on=datetime.date(2024, 1, 5),
            expires_on=datetime.date(2025, 1, 4),
            source=Award.Source.BULK,
        )
        cls.lee = make_award(
            cls.python, "lee@example.com", "Lee", issued_on=datetime.date(2025, 2, 1), revoked_at=NOW
        )
        make_award(cls.foreign, "stranger@other.example", "Stranger")

    def setUp(self) -> None:
        super().setUp()
        self.login(self.viewer)

    def emails(self, query: str = "") -> list[str]:
        response = self.client.get(URL + query)
        self.assertEqual(response.status_code, 200)
        return [a.recipient.email for a in response.context["page"]]

    def test_every_member_sees_the_organizations_awards_newest_first(self) -> None:
        for user in (self.owner, self.teammate, self.mentor, self.viewer):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.emails(), ["hong@example.com", "lee@example.com", "kim@example.com"])

    def test_outsiders_and_learners_get_404(self) -> None:
        for user in (self.outsider, self.learner):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(URL).status_code, 404)

    def test_the_table_shows_dates_badges_and_statuses(self) -> None:
        response = self.client.get(URL)
        self.assertContains(response, "2025-03-01")
        self.assertContains(response, "Lab Safety")
        self.assertContains(response, "Revoked")
        self.assertContains(response, "Expired")
        self.assertNotContains(response, "stranger@other.example")

    def test_search_matches_email_name_student_id_and_badge_name(self) -> None:
        from laurel.orgs.models import Recipient

        Recipient.objects.filter(email="kim@example.com").update(student_id="2024777")
        self.assertEqual(self.emails("?q=HONG@"), ["hong@example.com"])
        self.assertEqual(self.emails("?q=철수"), ["kim@example.com"])
        self.assertEqual(self.emails("?q=2024777"), ["kim@example.com"])
        self.assertEqual(self.emails("?q=Lab+Safety"), ["kim@example.com"])

    def test_filters_by_badge_source_and_dates(self) -> None:
        self.assertEqual(self.emails(f"?achievement={self.safety.public_id}"), ["kim@example.com"])
        self.assertEqual(self.emails("?source=bulk"), ["kim@example.com"])
        self.assertEqual(self.emails("?date_from=2025-02-01&date_to=2025-02-28"), ["lee@example.com"])

    def test_filters_by_status(self) -> None:
        self.assertEqual(self.emails("?status=active"), ["hong@example.com"])
        self.assertEqual(self.emails("?status=expired"), ["kim@example.com"])
        self.assertEqual(self.emails("?status=revoked"), ["lee@example.com"])

    def test_a_bad_date_is_a_message_not_a_crash(self) -> None:
        response = self.client.get(URL + "?date_from=2025-13-45&source=bulk")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Some filters were not applied")
        self.assertContains(response, "Enter a valid date")
        # The valid filter still applies.
        self.assertEqual([a.recipient.email for a in response.context["page"]], ["kim@example.com"])

    def test_unknown_choices_and_a_reversed_range_are_messages(self) -> None:
        response = self.client.get(
            URL + "?status=sparkly&achievement=nope&date_from=2025-03-01&date_to=2025-01-01"
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Select a valid choice", count=2)
        self.assertContains(response, "The end date is before the start date")

    def test_another_organizations_badge_is_not_a_filter(self) -> None:
        response = self.client.get(URL + f"?achievement={self.foreign.public_id}")
        self.assertContains(response, "Select a valid choice")

    def test_the_list_is_paginated_by_fifty(self) -> None:
        for number in range(52):
            make_award(self.safety, f"student{number}@example.com", issued_on=datetime.date(2023, 1, 1))
        first = self.client.get(URL)
        self.assertEqual(len(first.context["page"]), 50)
        self.assertContains(first, "?page=2")
        second = self.client.get(URL + "?page=2")
        self.assertEqual(len(second.context["page"]), 55 - 50)

    def test_a_nonsense_page_number_shows_a_page(self) -> None:
        self.assertEqual(self.client.get(URL + "?page=abc").status_code, 200)
        self.assertEqual(self.client.get(URL + "?page=999").status_code, 200)


@time_machine.travel(NOW, tick=False)
class AwardDetailTests(AwardsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.award = make_award(cls.python, "hong@example.com", "홍길동", evidence_narrative="발표")
        cls.url = f"/orgs/hanbit/awards/{cls.award.public_id}/"

    def test_members_see_the_award_with_the_recipients_email(self) -> None:
        for user in (self.owner, self.teammate, self.viewer):
            with self.subTest(user=user.email):
                self.login(user)
                response = self.client.get(self.url)
                self.assertContains(response, "hong@example.com")
                self.assertContains(response, f"/a/{self.award.public_id}/")

    def test_outsiders_and_learners_get_404(self) -> None:
        for user in (self.outsider, self.learner):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_another_organizations_award_is_404(self) -> None:
        theirs = make_award(self.foreign, "x@other.example", "X")
        self.login(self.teammate)
        self.assertEqual(self.client.get(f"/orgs/hanbit/awards/{theirs.public_id}/").status_code, 404)


class HistorySignInTests(AwardsTestCase):
    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        for url in (URL, URL + "export.csv", URL + "new/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn("/accounts/login/", response["Location"])
