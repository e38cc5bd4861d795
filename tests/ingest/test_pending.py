from collections.abc import Iterable, Sequence

from django.db import transaction

from laurel.ingest import pending
from laurel.ingest.facts import link_identity, record_facts, void_facts
from laurel.ingest.models import Fact, PendingEvaluation, SourceIdentity
from laurel.orgs.models import Organization
from tests.ingest.helpers import IngestTestCase, at, grade


class PendingTests(IngestTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.seen: list[list[str]] = []
        pending.register(self.finder)
        self.addCleanup(pending.unregister, self.finder)

    def finder(self, org: Organization, facts: Sequence[Fact]) -> Iterable[tuple[int, int]]:
        # Every fact matters to the "safety" badge; grades also to "python".
        self.seen.append(sorted(f.event_key for f in facts))
        for fact in facts:
            assert fact.recipient_id is not None
            yield fact.recipient_id, self.safety.pk
            if fact.type == "grade":
                yield fact.recipient_id, self.python.pk

    def pairs(self) -> set[tuple[int, int]]:
        return set(PendingEvaluation.objects.values_list("recipient_id", "achievement_id"))

    def test_new_facts_queue_their_pairs_once(self) -> None:
        record_facts(
            self.source, [grade("a"), grade("b", obj="q2"), grade("c", "lee@example.com", type="quiz")]
        )
        self.assertEqual(
            self.pairs(),
            {(self.hong.pk, self.safety.pk), (self.hong.pk, self.python.pk), (self.lee.pk, self.safety.pk)},
        )

    def test_a_pair_already_waiting_is_not_queued_twice(self) -> None:
        record_facts(self.source, [grade("a")])
        record_facts(self.source, [grade("b", obj="q2")])
        self.assertEqual(PendingEvaluation.objects.count(), 2)

    def test_a_redelivery_queues_nothing(self) -> None:
        record_facts(self.source, [grade("a")])
        PendingEvaluation.objects.all().delete()
        record_facts(self.source, [grade("a")])
        self.assertFalse(PendingEvaluation.objects.exists())

    def test_parked_facts_wait_until_linked(self) -> None:
        record_facts(self.source, [grade("a", "nobody@example.com")])
        self.assertFalse(PendingEvaluation.objects.exists())
        link_identity(self.actor, SourceIdentity.objects.get(), self.lee)
        self.assertEqual(self.pairs(), {(self.lee.pk, self.safety.pk), (self.lee.pk, self.python.pk)})

    def test_voiding_queues_the_pairs_again(self) -> None:
        record_facts(self.source, [grade("a")])
        PendingEvaluation.objects.all().delete()
        void_facts(self.source, ["a"], voided_at=at(5))
        self.assertEqual(len(self.pairs()), 2)

    def test_without_finders_nothing_is_queued(self) -> None:
        pending.unregister(self.finder)
        record_facts(self.source, [grade("a")])
        self.assertFalse(PendingEvaluation.objects.exists())

    def test_drain_claims_the_oldest_pairs_and_removes_them(self) -> None:
        pending.enqueue(self.org, [(self.hong.pk, self.safety.pk)])
        pending.enqueue(self.org, [(self.lee.pk, self.safety.pk)])
        claimed = pending.drain(limit=1)
        self.assertEqual(
            [(p.recipient_id, p.achievement_id) for p in claimed], [(self.hong.pk, self.safety.pk)]
        )
        self.assertEqual(self.pairs(), {(self.lee.pk, self.safety.pk)})
        self.assertEqual(len(pending.drain(limit=10)), 1)
        self.assertEqual(pending.drain(limit=10), [])

    def test_a_failed_evaluation_puts_its_pairs_back(self) -> None:
        pending.enqueue(self.org, [(self.hong.pk, self.safety.pk)])
        try:
            with transaction.atomic():
                self.assertEqual(len(pending.drain()), 1)
                raise RuntimeError("the evaluation failed")
        except RuntimeError:
            pass
        self.assertEqual(self.pairs(), {(self.hong.pk, self.safety.pk)})

    def test_a_pair_queued_after_its_claim_waits_again(self) -> None:
        pending.enqueue(self.org, [(self.hong.pk, self.safety.pk)])
        pending.drain()
        record_facts(self.source, [grade("a")])
        self.assertIn((self.hong.pk, self.safety.pk), self.pairs())

    def test_the_finder_sees_only_facts_that_belong_to_somebody(self) -> None:
        record_facts(self.source, [grade("a"), grade("b", "nobody@example.com")])
        self.assertEqual(self.seen, [["a"]])
