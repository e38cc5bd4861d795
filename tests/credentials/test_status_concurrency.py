import threading

from django.db import connection
from django.test import TransactionTestCase, override_settings

from laurel.credentials.models import AwardStatus
from laurel.credentials.status import ensure_status
from laurel.orgs.models import Organization
from tests.awards.helpers import make_achievement, make_award
from tests.credentials.helpers import HTTPS_SITE, KEK_A

# Row locks are what this exercises, and only PostgreSQL has them; SQLite serializes writers
# on its own, so there the same allocations run from one thread (nothing is skipped in CI).
THREADS = 6 if connection.vendor == "postgresql" else 1
PER_THREAD = 5 if connection.vendor == "postgresql" else 30


@override_settings(SITE_URL=HTTPS_SITE, KEK=KEK_A, KEK_PREVIOUS=[])
class ConcurrentAllocationTests(TransactionTestCase):
    def test_awards_allocated_at_the_same_time_never_share_an_index(self) -> None:
        org = Organization.objects.create(slug="busy", name_en="Busy")
        badge = make_achievement(org, "busy", name_en="Busy Badge")
        awards = [make_award(badge, f"p{i}@example.com") for i in range(THREADS * PER_THREAD)]
        ensure_status(awards[0])  # the lists and keys exist before the race
        errors: list[BaseException] = []
        barrier = threading.Barrier(THREADS)

        def work(chunk: list) -> None:  # type: ignore[type-arg]
            try:
                barrier.wait()
                for award in chunk:
                    ensure_status(award)
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(awards[i::THREADS],)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        rows = AwardStatus.objects.filter(award__org=org)
        self.assertEqual(rows.count(), len(awards))
        self.assertEqual(len({(r.revocation_list_id, r.revocation_index) for r in rows}), len(awards))
        self.assertEqual(len({(r.suspension_list_id, r.suspension_index) for r in rows}), len(awards))
