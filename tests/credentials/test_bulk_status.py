"""Status slots for many awards at once: distinct indexes, a new list when one fills up."""

from django.db import transaction

from laurel.credentials.models import AwardStatus, StatusList
from laurel.credentials.status import allocate_statuses, ensure_status
from laurel.vc import status_list
from tests.credentials.helpers import CredentialsTestCase


class BulkStatusTests(CredentialsTestCase):
    def awards(self, count: int) -> list:  # type: ignore[type-arg]
        return [self.award(email=f"p{n}@example.com") for n in range(count)]

    def test_many_awards_get_distinct_slots_in_both_lists_with_two_list_writes(self) -> None:
        ensure_status(self.award(email="first@example.com"))  # the lists exist already
        awards = self.awards(50)
        with transaction.atomic(), self.assertNumQueries(5):
            # Lock and read each list, write it once, then insert every slot together.
            slots = allocate_statuses(awards)
        self.assertEqual([s.award_id for s in slots], [a.pk for a in awards])
        rows = AwardStatus.objects.all()
        self.assertEqual(len({(r.revocation_list_id, r.revocation_index) for r in rows}), 51)
        self.assertEqual(len({(r.suspension_list_id, r.suspension_index) for r in rows}), 51)
        for lst in StatusList.objects.all():
            allocated = status_list.Bitstring.from_bytes(bytes(lst.allocated))
            used = [r.revocation_index for r in rows if r.revocation_list_id == lst.pk]
            used += [r.suspension_index for r in rows if r.suspension_list_id == lst.pk]
            self.assertEqual(lst.allocated_count, 51)
            self.assertTrue(all(allocated.get(index) for index in used))

    def test_a_list_that_fills_up_midway_hands_the_rest_to_a_new_list(self) -> None:
        ensure_status(self.award(email="first@example.com"))
        revocation = StatusList.objects.get(purpose=StatusList.Purpose.REVOCATION)
        revocation.allocated_count = revocation.size - 3  # three slots left
        revocation.save(update_fields=["allocated_count"])
        awards = self.awards(5)
        with transaction.atomic():
            allocate_statuses(awards)
        lists = list(StatusList.objects.filter(purpose=StatusList.Purpose.REVOCATION).order_by("pk"))
        self.assertEqual(len(lists), 2)
        counts = [AwardStatus.objects.filter(award__in=awards, revocation_list=lst).count() for lst in lists]
        self.assertEqual(counts, [3, 2])
        self.assertEqual([lst.allocated_count for lst in lists], [lists[0].size, 2])
        self.assertEqual(StatusList.objects.filter(purpose=StatusList.Purpose.SUSPENSION).count(), 1)

    def test_slots_taken_one_at_a_time_are_never_handed_out_again(self) -> None:
        single = [ensure_status(a) for a in self.awards(20)]
        more = [self.award(email=f"q{n}@example.com") for n in range(20)]
        with transaction.atomic():
            bulk = allocate_statuses(more)
        indexes = [s.revocation_index for s in single + bulk]
        self.assertEqual(len(set(indexes)), 40)
