from django.http import HttpResponse

from laurel.api.bulk import MAX_BULK
from laurel.audit.models import AuditEvent
from laurel.awards.models import Award
from laurel.orgs.models import Recipient
from laurel.outbox.models import OutboxMessage
from tests.api.helpers import ApiTestCase, make_achievement, make_award


class BulkAwardTests(ApiTestCase):
    def item(self, n: int, **changes: object) -> dict:
        item: dict = {
            "achievement": str(self.achievement.public_id),
            "recipient": {"email": f"student{n}@hanbit.example", "name": f"학생{n}"},
        }
        item.update(changes)
        return item

    def post(self, items: list[dict], **extra: object) -> HttpResponse:
        return self.api("post", "/orgs/hanbit/awards/bulk", self.teammate_token, {"awards": items}, **extra)

    def test_every_item_is_awarded(self) -> None:
        second = make_achievement(self.org, "git", "깃", "Git")
        items = [self.item(n) for n in range(5)] + [self.item(0, achievement=str(second.public_id))]
        response = self.post(items)
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual(data["count"], 6)
        self.assertEqual(Award.objects.filter(source=Award.Source.API).count(), 6)
        self.assertEqual(
            [a["recipient"]["email"] for a in data["awards"]],
            [f"student{n}@hanbit.example" for n in (0, 1, 2, 3, 4, 0)],
        )
        self.assertEqual(AuditEvent.objects.filter(action="awards.create", via="api").count(), 6)

    def test_one_bad_item_writes_nothing_and_every_failure_is_listed_by_index(self) -> None:
        make_award(self.achievement, "student5@hanbit.example")
        items = [self.item(n) for n in range(6)]
        items[3]["recipient"]["email"] = "student3-at-hanbit"
        items[4]["evidence_url"] = "javascript:alert(1)"
        before = (Recipient.objects.count(), OutboxMessage.objects.count(), AuditEvent.objects.count())
        problem = self.assertProblem(self.post(items), 422)
        self.assertEqual(
            [e["pointer"] for e in problem["errors"]],
            ["/awards/3/recipient/email", "/awards/4/evidence_url", "/awards/5/recipient/email"],
        )
        self.assertEqual(Award.objects.count(), 1)  # only the one made above
        after = (Recipient.objects.count(), OutboxMessage.objects.count(), AuditEvent.objects.count())
        self.assertEqual(after, before)

    def test_the_same_person_twice_in_one_request_is_a_duplicate(self) -> None:
        problem = self.assertProblem(self.post([self.item(1), self.item(1)]), 422)
        self.assertEqual([e["pointer"] for e in problem["errors"]], ["/awards/1/recipient/email"])
        self.assertIn("/awards/0", problem["errors"][0]["message"])
        self.assertFalse(Award.objects.exists())

    def test_a_student_id_conflict_found_while_writing_still_rolls_everything_back(self) -> None:
        Recipient.objects.create(org=self.org, email="taken@hanbit.example", student_id="2024-0001")
        items = [self.item(n) for n in range(4)]
        items[2]["recipient"]["student_id"] = "2024-0001"
        problem = self.assertProblem(self.post(items), 422)
        self.assertEqual([e["pointer"] for e in problem["errors"]], ["/awards/2/recipient/student_id"])
        self.assertIn("taken@hanbit.example", problem["errors"][0]["message"])
        self.assertFalse(Award.objects.exists())
        self.assertEqual(Recipient.objects.count(), 1)

    def test_an_unknown_achievement_is_reported_at_its_index(self) -> None:
        items = [self.item(0), self.item(1, achievement="0b6c3c52-0000-4000-8000-000000000000")]
        problem = self.assertProblem(self.post(items), 422)
        self.assertEqual([e["pointer"] for e in problem["errors"]], ["/awards/1/achievement"])

    def test_schema_errors_point_into_the_list(self) -> None:
        items = [self.item(0), self.item(1, issued_on="yesterday"), self.item(2, extra=1)]
        problem = self.assertProblem(self.post(items), 422)
        self.assertEqual(
            sorted(e["pointer"] for e in problem["errors"]), ["/awards/1/issued_on", "/awards/2/extra"]
        )

    def test_more_than_the_limit_is_refused_before_anything_is_checked(self) -> None:
        items = [self.item(n) for n in range(MAX_BULK + 1)]
        problem = self.assertProblem(self.post(items), 422)
        self.assertEqual([e["pointer"] for e in problem["errors"]], ["/awards"])
        self.assertFalse(Award.objects.exists())

    def test_an_empty_list_is_refused(self) -> None:
        self.assertProblem(self.post([]), 422)

    def test_a_retried_bulk_request_with_its_key_awards_once(self) -> None:
        items = [self.item(n) for n in range(3)]
        first = self.post(items, HTTP_IDEMPOTENCY_KEY="term-2025-1")
        second = self.post(items, HTTP_IDEMPOTENCY_KEY="term-2025-1")
        self.assertEqual(second.status_code, 201)
        self.assertEqual(second.json(), first.json())
        self.assertEqual(Award.objects.count(), 3)
