import base64
from datetime import date, timedelta

from django.utils import timezone

from laurel.awards.models import Award
from tests.api.helpers import ApiTestCase, make_achievement, make_award


class AwardCursorTests(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        start = timezone.now() - timedelta(days=1)
        # Two share a created_at, so the tie-break on the public id is exercised too.
        moments = [start + timedelta(minutes=n) for n in (0, 1, 2, 2, 3, 4, 5)]
        self.awards = [
            make_award(self.achievement, f"s{n}@hanbit.example", created_at=moment)
            for n, moment in enumerate(moments)
        ]

    def page(self, **params: object) -> dict:
        response = self.api("get", "/orgs/hanbit/awards", self.viewer_token, params)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def test_walking_the_pages_sees_every_award_once_despite_an_insert_between_pages(self) -> None:
        seen: list[str] = []
        data = self.page(limit=3)
        seen += [a["public_id"] for a in data["items"]]
        inserted = make_award(self.achievement, "late@hanbit.example")
        while data["next_cursor"]:
            data = self.page(limit=3, cursor=data["next_cursor"])
            seen += [a["public_id"] for a in data["items"]]
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(set(seen), {a.public_id for a in self.awards})
        self.assertNotIn(inserted.public_id, seen)  # newest first: it is on a page already passed

    def test_pages_are_newest_first(self) -> None:
        data = self.page(limit=200)
        expected = sorted(self.awards, key=lambda a: (a.created_at, a.public_id), reverse=True)
        self.assertEqual([a["public_id"] for a in data["items"]], [a.public_id for a in expected])
        self.assertIsNone(data["next_cursor"])

    def test_the_default_page_size_is_50(self) -> None:
        for n in range(50):
            make_award(self.achievement, f"extra{n}@hanbit.example")
        data = self.page()
        self.assertEqual(len(data["items"]), 50)
        self.assertIsNotNone(data["next_cursor"])

    def test_a_tampered_cursor_is_400(self) -> None:
        cursor = self.page(limit=2)["next_cursor"]
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        forged = raw.replace(raw[:4], str(int(raw[:4]) - 1))  # a year earlier, same signature
        forged_cursor = base64.urlsafe_b64encode(forged.encode()).decode().rstrip("=")
        response = self.api("get", "/orgs/hanbit/awards", self.viewer_token, {"cursor": forged_cursor})
        problem = self.assertProblem(response, 400)
        self.assertEqual(problem["errors"][0]["field"], "cursor")
        self.assertProblem(self.api("get", "/orgs/hanbit/awards", self.viewer_token, {"cursor": "%%%"}), 400)

    def test_a_cursor_from_another_list_is_refused(self) -> None:
        for n in range(3):
            make_award(self.achievement, f"r{n}@hanbit.example")
        recipients_cursor = self.api(
            "get", "/orgs/hanbit/recipients", self.viewer_token, {"limit": 1}
        ).json()["next_cursor"]
        response = self.api("get", "/orgs/hanbit/awards", self.viewer_token, {"cursor": recipients_cursor})
        self.assertProblem(response, 400)


class AwardFilterTests(ApiTestCase):
    def ids(self, **params: object) -> set[str]:
        response = self.api("get", "/orgs/hanbit/awards", self.viewer_token, params)
        self.assertEqual(response.status_code, 200, response.content)
        return {a["public_id"] for a in response.json()["items"]}

    def test_filters_narrow_the_list(self) -> None:
        git = make_achievement(self.org, "git", "깃", "Git")
        today = timezone.localdate()
        march = make_award(self.achievement, "a@hanbit.example", issued_on=date(2025, 3, 2))
        april = make_award(git, "b@hanbit.example", issued_on=date(2025, 4, 2), source=Award.Source.BULK)
        revoked = make_award(
            self.achievement, "c@hanbit.example", issued_on=date(2025, 5, 1), revoked_at=timezone.now()
        )
        expired = make_award(
            self.achievement,
            "d@hanbit.example",
            issued_on=date(2025, 5, 1),
            expires_on=today - timedelta(days=1),
        )
        foreign = make_award(make_achievement(self.other_org, "x", "", "X"), "a@hanbit.example")

        self.assertEqual(self.ids(), {march.public_id, april.public_id, revoked.public_id, expired.public_id})
        self.assertEqual(self.ids(achievement=str(git.public_id)), {april.public_id})
        self.assertEqual(self.ids(recipient_email="A@Hanbit.example"), {march.public_id})
        self.assertEqual(self.ids(source="bulk"), {april.public_id})
        self.assertEqual(self.ids(issued_from="2025-03-01", issued_to="2025-03-31"), {march.public_id})
        self.assertEqual(self.ids(status="revoked"), {revoked.public_id})
        self.assertEqual(self.ids(status="expired"), {expired.public_id})
        self.assertEqual(self.ids(status="active"), {march.public_id, april.public_id})
        self.assertNotIn(foreign.public_id, self.ids(recipient_email="a@hanbit.example"))

    def test_an_unknown_status_is_422(self) -> None:
        response = self.api("get", "/orgs/hanbit/awards", self.viewer_token, {"status": "lost"})
        problem = self.assertProblem(response, 422)
        self.assertEqual(problem["errors"][0]["field"], "status")
