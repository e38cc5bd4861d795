"""A confirmed batch is issued in chunks under leases: once per row, whoever runs each step.

These run the pipeline's steps in the test's process, one worker after another, with the
clock moved by hand; tests/worker runs real worker processes and kills them.
"""

import datetime
import json
from collections import Counter

import time_machine
from django.db import IntegrityError, transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from laurel.audit.models import AuditEvent
from laurel.awards import pipeline
from laurel.awards.actions import confirm_batch, upload_batch
from laurel.awards.models import Award, AwardBatch, AwardChunk
from laurel.awards.tasks import issue_awards
from laurel.core.fetching import local_fetcher
from laurel.credentials.actions import jwt_of
from laurel.credentials.models import AwardStatus, Credential
from laurel.credentials.status import ensure_status
from laurel.credentials.tasks import unsigned_awards
from laurel.orgs.models import Recipient
from laurel.outbox.models import OutboxMessage
from laurel.vc.verify import verify
from tests.awards.helpers import NOW, AwardsTestCase, make_award
from tests.credentials.helpers import KEK_A, KEK_B
from tests.vc.conftest import SHARED
from tests.vc.official_schemas import official_validator

TASK = "laurel.awards.tasks.issue_awards"
LEASE = 60


def csv(rows: int, *, student_ids: bool = False) -> bytes:
    lines = ["email,name,language,student_id"]
    for n in range(rows):
        language = "ko" if n % 2 else "en"
        lines.append(f"p{n}@example.com,학생{n},{language},{f'S{n:04d}' if student_ids else ''}")
    return ("\n".join(lines) + "\n").encode()


def never() -> bool:
    return False


@override_settings(
    AWARD_CHUNK_ROWS=2,
    AWARD_CHUNK_LEASE_SECONDS=LEASE,
    AWARD_CHUNK_RETRY_SECONDS=1,
    KEK=KEK_A,
    KEK_PREVIOUS=[],
)
class BulkPipelineTests(AwardsTestCase):
    def setUp(self) -> None:
        super().setUp()
        traveller = time_machine.travel(NOW, tick=False)
        self.clock = traveller.start()
        self.addCleanup(traveller.stop)

    def confirmed(self, rows: int = 5, **kwargs: bool) -> AwardBatch:
        batch = upload_batch(self.actor, self.org, self.python, data=csv(rows, **kwargs), filename="term.csv")
        return confirm_batch(self.actor, batch)

    def after_lease(self) -> None:
        self.clock.shift(datetime.timedelta(seconds=LEASE + 1))

    def test_confirm_splits_the_rows_into_chunks_of_the_configured_size(self) -> None:
        batch = self.confirmed(5)
        chunks = list(AwardChunk.objects.filter(batch=batch).order_by("number"))
        self.assertEqual([c.size for c in chunks], [2, 2, 1])
        self.assertEqual([[r["line"] for r in c.rows] for c in chunks], [[2, 3], [4, 5], [6]])
        self.assertEqual({c.state for c in chunks}, {AwardChunk.State.PENDING})

    def test_every_row_is_awarded_once_and_signed_once_in_each_language(self) -> None:
        batch = self.confirmed(5)
        pipeline.work(should_stop=never)
        awards = Award.objects.filter(batch=batch)
        self.assertEqual(sorted(awards.values_list("batch_line", flat=True)), [2, 3, 4, 5, 6])
        self.assertEqual(
            sorted(awards.values_list("recipient__email", flat=True)), [f"p{n}@example.com" for n in range(5)]
        )
        signed = Counter(Credential.objects.filter(award__batch=batch).values_list("award_id", "language"))
        self.assertEqual(signed, Counter({(a.pk, lang): 1 for a in awards for lang in ("ko", "en")}))
        slots = AwardStatus.objects.filter(award__batch=batch)
        self.assertEqual(len({(s.revocation_list_id, s.revocation_index) for s in slots}), 5)
        self.assertEqual(len({(s.suspension_list_id, s.suspension_index) for s in slots}), 5)
        events = AuditEvent.objects.filter(action="awards.create")
        self.assertEqual(
            sorted(events.values_list("object_id", flat=True)), sorted(a.public_id for a in awards)
        )
        self.assertEqual({e.actor_id for e in events}, {self.teammate.pk})
        self.assertEqual({e.via for e in events}, {"worker"})
        emails = Counter(m.payload["to"] for m in OutboxMessage.objects.all())
        self.assertEqual(emails, Counter({f"p{n}@example.com": 1 for n in range(5)}))
        batch.refresh_from_db()
        self.assertEqual(batch.status, AwardBatch.Status.ISSUED)
        self.assertIsNotNone(batch.finished_at)
        self.assertTrue(
            AuditEvent.objects.filter(action="awards.batch_issued", object_id=batch.public_id).exists()
        )
        progress = pipeline.Progress.of(batch)
        self.assertEqual(
            (progress.rows, progress.awarded, progress.credentials, progress.signed), (5, 5, 10, 10)
        )

    # The site answers for its own hosts, as ALLOWED_HOSTS is set in production.
    @override_settings(ALLOWED_HOSTS=["badges.example.com", "127.0.0.1", "testserver"])
    def test_credentials_signed_at_once_and_after_a_reload_pass_the_schema_and_verify(self) -> None:
        if not SHARED.is_dir():
            self.skipTest(f"conformance data not found at {SHARED}")
        batch = self.confirmed(4)
        at_once = pipeline.claim()
        assert at_once is not None
        self.assertEqual(pipeline.run(at_once), 2)  # awarded, then signed from memory
        gone = pipeline.claim()
        assert gone is not None
        self.assertTrue(pipeline.award_chunk(gone))
        self.after_lease()
        pipeline.work(should_stop=never)  # the next worker loads the awards to sign them
        credentials = list(Credential.objects.filter(award__batch=batch))
        self.assertEqual(len(credentials), 8)
        validator = official_validator(SHARED)
        for credential in credentials:
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(credential.json)]
            self.assertEqual(errors, [], credential.json["id"])
            self.assertEqual(credential.jwt, "")  # made on first download (signing.jwt_of)
            for data in (json.dumps(credential.json), jwt_of(credential)):
                report = verify(data, fetcher=local_fetcher())
                problems = [c.to_dict() for c in report.checks if c.status not in ("pass", "skipped")]
                self.assertTrue(report.valid, problems)

    def test_a_batch_credential_gets_its_jwt_on_first_download_and_keeps_it(self) -> None:
        batch = self.confirmed(1)
        pipeline.work(should_stop=never)
        credential = Credential.objects.get(award__batch=batch, language="ko")
        self.assertEqual(credential.jwt, "")
        path = f"/a/{credential.award.public_id}/credential.jwt?lang=ko"
        first = self.client.get(path)
        self.assertEqual(first.status_code, 200)
        self.assertEqual(first["Content-Type"], "application/jwt")
        credential.refresh_from_db()
        self.assertEqual(first.content.decode(), credential.jwt)
        self.assertEqual(self.client.get(path).content, first.content)

    def test_each_email_is_in_the_recipients_language_and_names_them(self) -> None:
        self.confirmed(2)
        pipeline.work(should_stop=never)
        by_person = {m.payload["to"]: m.payload for m in OutboxMessage.objects.all()}
        self.assertIn("Python Basics", by_person["p0@example.com"]["subject"])
        self.assertIn("학생0", by_person["p0@example.com"]["text"])
        self.assertIn("파이썬 기초", by_person["p1@example.com"]["subject"])
        self.assertIn("학생1", by_person["p1@example.com"]["html"])
        for person in ("p0@example.com", "p1@example.com"):
            award = Award.objects.get(recipient__email=person)
            self.assertIn(f"/a/{award.public_id}/", by_person[person]["text"])
            self.assertIn(f"/a/{award.public_id}/", by_person[person]["html"])

    def test_the_database_refuses_a_second_award_for_the_same_line(self) -> None:
        batch = self.confirmed(2)
        pipeline.work(should_stop=never)
        first = Award.objects.filter(batch=batch).first()
        assert first is not None
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_award(self.python, "again@example.com", batch=batch, batch_line=first.batch_line)

    def test_a_leased_chunk_is_not_handed_to_another_worker(self) -> None:
        self.confirmed(4)
        first, second = pipeline.claim(), pipeline.claim()
        assert first is not None and second is not None
        self.assertNotEqual(first.chunk_id, second.chunk_id)
        self.assertIsNone(pipeline.claim())

    def test_a_chunk_whose_lease_ran_out_goes_to_the_next_worker_and_the_late_one_commits_nothing(
        self,
    ) -> None:
        batch = self.confirmed(2)
        slow = pipeline.claim()
        self.after_lease()
        fresh = pipeline.claim()
        assert slow is not None and fresh is not None
        self.assertEqual(slow.chunk_id, fresh.chunk_id)
        self.assertTrue(pipeline.award_chunk(fresh))
        self.assertFalse(pipeline.award_chunk(slow))
        self.assertEqual(pipeline.sign_chunk(slow), 0)
        self.assertEqual(pipeline.sign_chunk(fresh), 1)
        self.assertEqual(Award.objects.filter(batch=batch).count(), 2)
        self.assertEqual(Credential.objects.filter(award__batch=batch).count(), 4)

    def test_a_chunk_awarded_by_a_worker_that_then_died_is_signed_by_the_next(self) -> None:
        batch = self.confirmed(2)
        gone = pipeline.claim()
        assert gone is not None
        pipeline.award_chunk(gone)
        self.assertIsNone(pipeline.claim())  # still under the dead worker's lease
        self.after_lease()
        pipeline.work(should_stop=never)
        self.assertEqual(Award.objects.filter(batch=batch).count(), 2)
        self.assertEqual(Credential.objects.filter(award__batch=batch).count(), 4)
        self.assertEqual(AwardBatch.objects.get(pk=batch.pk).status, AwardBatch.Status.ISSUED)

    def test_the_general_signer_leaves_a_batch_being_issued_to_its_pipeline(self) -> None:
        batch = self.confirmed(2)
        held = pipeline.claim()
        assert held is not None
        pipeline.award_chunk(held)
        self.assertFalse(unsigned_awards().filter(batch=batch).exists())
        self.assertEqual(Award.objects.filter(batch=batch).count(), 2)

    def test_a_row_whose_recipient_got_the_badge_after_the_confirm_is_left_out_and_listed(self) -> None:
        batch = self.confirmed(3)
        make_award(self.python, "p1@example.com", "학생1")
        pipeline.work(should_stop=never)
        self.assertEqual(
            sorted(Award.objects.filter(batch=batch).values_list("batch_line", flat=True)), [2, 4]
        )
        (skipped,) = [row for c in AwardChunk.objects.filter(batch=batch) for row in c.skipped]
        self.assertEqual((skipped["line"], skipped["email"]), (3, "p1@example.com"))
        self.assertIn("already holds this badge", skipped["message"])
        batch.refresh_from_db()
        self.assertEqual(batch.status, AwardBatch.Status.ISSUED)
        progress = pipeline.Progress.of(batch)
        self.assertEqual((progress.awarded, progress.skipped, progress.signed), (2, 1, 4))

    def test_a_student_id_given_to_someone_else_meanwhile_leaves_that_row_out(self) -> None:
        batch = self.confirmed(2, student_ids=True)
        Recipient.objects.create(org=self.org, email="other@example.com", student_id="S0001")
        pipeline.work(should_stop=never)
        self.assertEqual(list(Award.objects.filter(batch=batch).values_list("batch_line", flat=True)), [2])
        (skipped,) = AwardChunk.objects.get(batch=batch).skipped
        self.assertIn("already belongs to another recipient, other@example.com", skipped["message"])

    def test_a_chunk_that_keeps_failing_is_given_up_and_the_batch_fails_with_its_error(self) -> None:
        ensure_status(make_award(self.python, "before@example.com"))  # key and lists exist
        batch = self.confirmed(2)
        # The issuer key was sealed under KEK_A; without it no signature can be made.
        with override_settings(KEK=KEK_B, KEK_PREVIOUS=[]):
            for _attempt in range(pipeline.MAX_ATTEMPTS + 1):
                pipeline.work(should_stop=never)
                self.clock.shift(datetime.timedelta(seconds=3600))
        chunk = AwardChunk.objects.get(batch=batch)
        self.assertEqual(chunk.state, AwardChunk.State.FAILED)
        self.assertIn("Kek", chunk.error)
        batch.refresh_from_db()
        self.assertEqual(batch.status, AwardBatch.Status.FAILED)
        self.assertEqual(Award.objects.filter(batch=batch).count(), 2)
        self.assertFalse(Credential.objects.filter(award__batch=batch).exists())
        self.assertTrue(AuditEvent.objects.filter(action="awards.batch_failed").exists())
        self.assertIsNone(pipeline.claim())
        progress = pipeline.Progress.of(batch)
        self.assertEqual((progress.awarded, progress.signed, progress.failed), (2, 0, 0))

    def test_a_failed_step_waits_before_it_is_tried_again(self) -> None:
        ensure_status(make_award(self.python, "before@example.com"))
        batch = self.confirmed(2)
        with override_settings(KEK=KEK_B, KEK_PREVIOUS=[]):
            pipeline.work(should_stop=never)
        chunk = AwardChunk.objects.get(batch=batch)
        self.assertEqual((chunk.state, chunk.attempts, chunk.lease), (AwardChunk.State.AWARDED, 1, ""))
        self.assertIsNone(pipeline.claim())
        self.clock.shift(datetime.timedelta(seconds=2))
        pipeline.work(should_stop=never)
        self.assertEqual(AwardBatch.objects.get(pk=batch.pk).status, AwardBatch.Status.ISSUED)

    def test_a_claim_queues_one_task_for_after_its_lease_and_later_claims_share_it(self) -> None:
        self.confirmed(6)
        DBTaskResult.objects.all().delete()
        pipeline.claim()
        self.clock.shift(datetime.timedelta(seconds=5))
        pipeline.claim()
        (watch,) = DBTaskResult.objects.filter(task_path=TASK)
        self.assertGreaterEqual(watch.run_after, NOW + datetime.timedelta(seconds=LEASE + 5))
        self.clock.shift(datetime.timedelta(seconds=LEASE))
        pipeline.claim()  # its lease ends after the queued task runs: a second one is needed
        self.assertEqual(DBTaskResult.objects.filter(task_path=TASK).count(), 2)

    def test_confirm_queues_the_tasks_when_its_transaction_commits(self) -> None:
        batch = upload_batch(self.actor, self.org, self.python, data=csv(5), filename="term.csv")
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            confirm_batch(self.actor, batch)
        self.assertFalse(DBTaskResult.objects.filter(task_path=TASK).exists())
        for callback in callbacks:
            callback()
        self.assertEqual(DBTaskResult.objects.filter(task_path=TASK).count(), 3)

    def test_the_task_issues_every_waiting_chunk(self) -> None:
        batch = self.confirmed(5)
        self.assertEqual(issue_awards.call(), 6)  # three chunks, awarded then signed
        self.assertEqual(AwardBatch.objects.get(pk=batch.pk).status, AwardBatch.Status.ISSUED)

    def test_a_worker_asked_to_stop_finishes_its_chunk_and_queues_a_task_for_the_rest(self) -> None:
        batch = self.confirmed(4)
        DBTaskResult.objects.all().delete()
        answers = iter([False, True])
        pipeline.work(should_stop=lambda: next(answers))
        states = list(
            AwardChunk.objects.filter(batch=batch).order_by("number").values_list("state", flat=True)
        )
        self.assertEqual(states, [AwardChunk.State.SIGNED, AwardChunk.State.PENDING])
        self.assertEqual(DBTaskResult.objects.ready().filter(task_path=TASK).count(), 1)
