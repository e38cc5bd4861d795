"""Two workers draining at once never claim the same pair, and together claim every pair."""

import threading

from django.db import OperationalError, connection, transaction
from django.test import TransactionTestCase

from laurel.achievements.models import Achievement
from laurel.ingest import pending
from laurel.ingest.models import PendingEvaluation
from laurel.orgs.models import Organization, Recipient


class ConcurrentDrainTests(TransactionTestCase):
    def test_concurrent_drains_split_the_queue(self) -> None:
        org = Organization.objects.create(slug="q", name_en="Queue")
        badge = Achievement.objects.create(org=org, slug="b")
        people = [Recipient.objects.create(org=org, email=f"p{n}@example.com") for n in range(6)]
        pending.enqueue(org, [(p.pk, badge.pk) for p in people])
        first_claimed = threading.Event()
        claims: dict[str, list[int]] = {}

        def first() -> None:
            try:
                with transaction.atomic():
                    claims["first"] = [row.pk for row in pending.drain(limit=2)]
                    first_claimed.set()
                    # Holds its claim (its row locks) while the other worker drains.
                    threading.Event().wait(0.5)
            finally:
                first_claimed.set()
                connection.close()

        def second() -> None:
            try:
                first_claimed.wait(5)
                for _attempt in range(100):
                    try:
                        with transaction.atomic():
                            claims["second"] = [row.pk for row in pending.drain(limit=10)]
                        return
                    except OperationalError:
                        # The test's in-memory SQLite refuses a locked table at once where a
                        # file database waits out its busy timeout; wait the same way here.
                        threading.Event().wait(0.05)
            finally:
                connection.close()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertEqual(len(claims["first"]), 2)
        self.assertFalse(set(claims["first"]) & set(claims["second"]))
        self.assertEqual(len(claims["first"]) + len(claims["second"]), 6)
        self.assertFalse(PendingEvaluation.objects.exists())
