"""Many awards in one transaction, as a CSV chunk, an API request or a burst of rules makes them."""

import time_machine
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from laurel.accounts.models import Identifier
from laurel.audit.models import AuditEvent
from laurel.awards.bulk import Wanted, award_many
from laurel.awards.checks import clean_award_input
from laurel.awards.models import Award
from laurel.credentials.models import AwardStatus
from laurel.orgs.models import Recipient
from laurel.outbox.models import OutboxMessage
from tests.awards.helpers import NOW, TODAY, AwardsTestCase, make_award


def wanted(
    achievement, email: str, name: str = "이름", *, student_id: str = "", allow: bool = False
) -> Wanted:  # type: ignore[no-untyped-def]
    data, errors = clean_award_input(email=email, name=name, student_id=student_id, issued_on=TODAY)
    assert not errors, errors
    return Wanted(achievement, data, allow_duplicate=allow)


@time_machine.travel(NOW, tick=False)
class AwardManyTests(AwardsTestCase):
    def test_several_badges_and_people_are_awarded_with_their_slots_events_and_emails(self) -> None:
        items = [
            wanted(self.python, "kim@example.com", "김민수"),
            wanted(self.safety, "kim@example.com", "김민수"),
            wanted(self.python, "lee@example.com", "Lee"),
        ]
        outcome = award_many(self.actor, self.org, items, source=Award.Source.API)
        self.assertEqual(outcome.refused, [])
        self.assertEqual(
            [(a.achievement_id, a.recipient.email) for a in outcome.awards],
            [
                (self.python.pk, "kim@example.com"),
                (self.safety.pk, "kim@example.com"),
                (self.python.pk, "lee@example.com"),
            ],
        )
        safety = outcome.awards[1]
        self.assertEqual(safety.version, self.safety.current_version)
        self.assertEqual((safety.expires_on - safety.issued_on).days, 365)
        self.assertEqual(Recipient.objects.filter(org=self.org).count(), 2)
        self.assertEqual(AwardStatus.objects.filter(award__in=outcome.awards).count(), 3)
        self.assertEqual(AuditEvent.objects.filter(action="awards.create").count(), 3)
        self.assertEqual(AuditEvent.objects.filter(action="recipients.create").count(), 2)
        self.assertEqual(OutboxMessage.objects.count(), 3)

    def test_people_who_hold_the_badge_are_refused_unless_duplicates_are_allowed(self) -> None:
        make_award(self.python, "kim@example.com", "김민수")
        items = [
            wanted(self.python, "kim@example.com"),
            wanted(self.python, "lee@example.com"),
            wanted(self.python, "lee@example.com"),
            wanted(self.python, "kim@example.com", allow=True),
        ]
        outcome = award_many(self.actor, self.org, items, source=Award.Source.API)
        self.assertEqual([(r.index, r.field) for r in outcome.refused], [(0, "email"), (2, "email")])
        self.assertIn(
            "kim@example.com already holds this badge (awarded 2025-03-10)", outcome.refused[0].message
        )
        self.assertEqual([a.recipient.email for a in outcome.awards], ["lee@example.com", "kim@example.com"])

    def test_a_student_id_of_someone_else_is_refused_here_and_later_in_the_same_burst(self) -> None:
        Recipient.objects.create(org=self.org, email="owner@example.com", student_id="2025001")
        items = [
            wanted(self.python, "kim@example.com", student_id="2025001"),
            wanted(self.python, "lee@example.com", student_id="2025002"),
            wanted(self.safety, "park@example.com", student_id="2025002"),
        ]
        outcome = award_many(self.actor, self.org, items, source=Award.Source.API)
        self.assertEqual(
            [(r.index, r.field) for r in outcome.refused], [(0, "student_id"), (2, "student_id")]
        )
        self.assertIn("owner@example.com", outcome.refused[0].message)
        self.assertIn("lee@example.com", outcome.refused[1].message)

    def test_known_recipients_are_completed_never_overwritten_and_linked_to_their_account(self) -> None:
        Recipient.objects.create(org=self.org, email="learner@student.example", name="정학생", language="ko")
        Identifier.objects.create(
            user=self.learner, kind=Identifier.Kind.EMAIL, value="learner@student.example", verified_at=NOW
        )
        data, _errors = clean_award_input(
            email="learner@student.example",
            name="Other Name",
            student_id="S-1",
            language="en",
            issued_on=TODAY,
        )
        award_many(self.actor, self.org, [Wanted(self.python, data)], source=Award.Source.API)
        recipient = Recipient.objects.get(email="learner@student.example")
        self.assertEqual(
            (recipient.name, recipient.student_id, recipient.language, recipient.user_id),
            ("정학생", "S-1", "en", self.learner.pk),
        )
        event = AuditEvent.objects.get(action="recipients.update")
        self.assertEqual(event.after, {"fields": ["language", "student_id", "user"]})

    def test_the_signer_is_nudged_once_after_the_commit(self) -> None:
        items = [wanted(self.python, f"p{n}@example.com") for n in range(3)]
        with self.captureOnCommitCallbacks(execute=True):
            award_many(self.actor, self.org, items, source=Award.Source.API)
        queued = DBTaskResult.objects.filter(task_path="laurel.credentials.tasks.sign_unsigned_awards")
        self.assertEqual(queued.count(), 1)

    def test_a_caller_that_refuses_the_outcome_leaves_nothing_behind(self) -> None:
        before = (AuditEvent.objects.count(), OutboxMessage.objects.count())
        try:
            with transaction.atomic():
                award_many(
                    self.actor, self.org, [wanted(self.python, "kim@example.com")], source=Award.Source.API
                )
                raise RuntimeError("all or nothing")
        except RuntimeError:
            pass
        self.assertFalse(Award.objects.exists())
        self.assertFalse(Recipient.objects.filter(email="kim@example.com").exists())
        self.assertEqual((AuditEvent.objects.count(), OutboxMessage.objects.count()), before)
