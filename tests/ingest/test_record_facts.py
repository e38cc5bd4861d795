from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laurel.ingest.facts import FactConflict, FactInput, Identity, record_facts
from laurel.ingest.models import Fact, SourceIdentity
from tests.ingest.helpers import T0, IngestTestCase, at, grade


class RecordFactsTests(IngestTestCase):
    def test_new_facts_are_stored_with_their_learner(self) -> None:
        result = record_facts(self.source, [grade("s1", value="87.5"), grade("s2", "lee@example.com", "70")])
        self.assertEqual((result.created, result.unchanged, result.updated, result.parked), (2, 0, 0, 0))
        fact = Fact.objects.get(event_key="s1")
        self.assertEqual(fact.recipient, self.hong)
        self.assertEqual(fact.value, Decimal("87.5"))
        self.assertEqual(fact.max_value, Decimal("100"))
        self.assertEqual(fact.occurred_at, T0)
        self.assertEqual(result.fact_ids, [fact.pk, Fact.objects.get(event_key="s2").pk])

    def test_a_redelivery_changes_nothing(self) -> None:
        first = record_facts(self.source, [grade("s1")], received_at=at(1))
        again = record_facts(self.source, [grade("s1")], received_at=at(5))
        self.assertEqual((again.created, again.unchanged, again.updated), (0, 1, 0))
        self.assertEqual(again.fact_ids, first.fact_ids)
        self.assertEqual(Fact.objects.get().received_at, at(1))

    def test_the_same_key_twice_in_one_call_is_one_fact(self) -> None:
        result = record_facts(self.source, [grade("s1"), grade("s1")])
        self.assertEqual((result.created, result.unchanged), (1, 0))
        self.assertEqual(Fact.objects.count(), 1)

    def test_the_same_key_with_other_content_is_a_conflict_and_nothing_is_stored(self) -> None:
        record_facts(self.source, [grade("s1", value="80")])
        with self.assertRaises(FactConflict) as caught:
            record_facts(self.source, [grade("s2"), grade("s1", value="90")])
        self.assertEqual(caught.exception.keys, ["s1"])
        self.assertFalse(Fact.objects.filter(event_key="s2").exists())
        self.assertEqual(Fact.objects.get(event_key="s1").value, Decimal("80"))

    def test_a_conflict_inside_one_call_is_refused(self) -> None:
        with self.assertRaises(FactConflict):
            record_facts(self.source, [grade("s1", value="80"), grade("s1", value="81")])
        self.assertFalse(Fact.objects.exists())

    def test_replace_updates_a_corrected_fact(self) -> None:
        record_facts(self.source, [grade("s1", value="80")])
        result = record_facts(self.source, [grade("s1", value="95"), grade("s2")], replace=True)
        self.assertEqual((result.created, result.updated, result.unchanged), (1, 1, 0))
        self.assertEqual(Fact.objects.get(event_key="s1").value, Decimal("95"))

    def test_a_display_name_change_is_not_a_conflict(self) -> None:
        record_facts(self.source, [grade("s1", name="Hong")])
        result = record_facts(self.source, [grade("s1", name="홍길동")])
        self.assertEqual(result.unchanged, 1)
        self.assertEqual(SourceIdentity.objects.get().name, "홍길동")

    def test_keys_are_per_source(self) -> None:
        from laurel.ingest.sources import create_source

        other, _ = create_source(self.actor, self.org, "caliper", "Canvas")
        record_facts(self.source, [grade("s1", value="80")])
        record_facts(other, [grade("s1", value="90")])
        self.assertEqual(Fact.objects.count(), 2)

    def test_an_unknown_person_is_parked(self) -> None:
        result = record_facts(self.source, [grade("s1", "stranger@example.com")])
        self.assertEqual(result.parked, 1)
        fact = Fact.objects.get()
        self.assertIsNone(fact.recipient)
        self.assertIsNone(fact.identity.recipient)

    def test_a_student_id_finds_its_recipient(self) -> None:
        record_facts(self.source, [grade("s1", " 2025002 ", kind="student_id")])
        self.assertEqual(Fact.objects.get().recipient, self.lee)

    def test_an_email_matches_whatever_its_case_and_mailto(self) -> None:
        record_facts(self.source, [grade("s1", "mailto:HONG@Example.COM")])
        fact = Fact.objects.get()
        self.assertEqual(fact.recipient, self.hong)
        self.assertEqual(fact.identity.value, "hong@example.com")

    def test_one_identity_row_per_person_however_often_they_appear(self) -> None:
        record_facts(self.source, [grade(f"s{n}", "hong@example.com", obj=f"q{n}") for n in range(5)])
        record_facts(self.source, [grade("s9", "HONG@example.com")])
        self.assertEqual(SourceIdentity.objects.count(), 1)

    def test_a_parked_identity_is_linked_once_the_recipient_exists(self) -> None:
        from laurel.orgs.models import Recipient

        record_facts(self.source, [grade("s1", "late@example.com")])
        newcomer = Recipient.objects.create(org=self.org, email="late@example.com")
        record_facts(self.source, [grade("s2", "late@example.com", obj="quiz-2")])
        self.assertEqual(set(Fact.objects.values_list("recipient", flat=True)), {newcomer.pk})

    def test_a_recipient_of_another_organization_does_not_match(self) -> None:
        from laurel.orgs.models import Recipient

        Recipient.objects.create(org=self.other_org, email="elsewhere@example.com")
        result = record_facts(self.source, [grade("s1", "elsewhere@example.com")])
        self.assertEqual(result.parked, 1)

    def test_values_are_kept_to_six_decimal_places(self) -> None:
        record_facts(self.source, [grade("s1", value="0.12345678", max_value="1")])
        self.assertEqual(Fact.objects.get().value, Decimal("0.123457"))

    def test_an_empty_call_does_nothing(self) -> None:
        result = record_facts(self.source, [])
        self.assertEqual(result.fact_ids, [])


class RecordFactsRejectsBadInputTests(IngestTestCase):
    def assert_refused(self, fact: FactInput, words: str) -> None:
        with self.assertRaises(ValidationError) as caught:
            record_facts(self.source, [grade("ok"), fact])
        self.assertIn(words, " ".join(caught.exception.messages))
        self.assertIn("Fact 2", " ".join(caught.exception.messages))
        self.assertFalse(Fact.objects.exists())

    def test_a_time_without_zone(self) -> None:
        naive = FactInput("k", "grade", Identity("email", "hong@example.com"), "q", T0.replace(tzinfo=None))
        self.assert_refused(naive, "time zone")

    def test_an_unknown_type(self) -> None:
        self.assert_refused(grade("k", type="homework"), "not a type of fact")

    def test_a_status_the_type_does_not_have(self) -> None:
        self.assert_refused(grade("k", type="attendance", status="sleeping"), "status is one of")

    def test_an_attendance_without_status(self) -> None:
        self.assert_refused(grade("k", type="attendance"), "status is one of")

    def test_an_empty_event_key(self) -> None:
        self.assert_refused(grade("  "), "event key is empty")

    def test_an_unknown_identity_kind(self) -> None:
        self.assert_refused(grade("k", "x", kind="phone"), "not a kind of identity")

    def test_an_email_without_at(self) -> None:
        self.assert_refused(grade("k", "hong.example.com"), "not an email address")

    def test_a_malformed_mbox_sha1(self) -> None:
        self.assert_refused(grade("k", "xyz", kind="mbox_sha1"), "40 hexadecimal digits")

    def test_an_account_without_home_page(self) -> None:
        self.assert_refused(grade("k", "just-a-name", kind="account"), "first|second")

    def test_a_value_out_of_range(self) -> None:
        self.assert_refused(grade("k", value="1e20"), "out of range")

    def test_an_object_id_too_long(self) -> None:
        self.assert_refused(grade("k", obj="x" * 501), "longer than 500")


class RecordFactsQueryCountTests(IngestTestCase):
    def queries_for(self, count: int, offset: int) -> int:
        facts = [
            grade(
                f"k{offset + n}", f"p{offset + n}@example.com" if n % 2 else "hong@example.com", obj=f"q{n}"
            )
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as queries:
            record_facts(self.source, facts)
        return len(queries)

    def test_the_number_of_queries_does_not_grow_with_the_batch(self) -> None:
        self.queries_for(1, 0)  # hong's identity exists from now on
        small = self.queries_for(4, 100)
        large = self.queries_for(40, 1000)
        self.assertEqual(small, large)

    def test_a_large_batch_takes_a_handful_of_queries(self) -> None:
        # SQLite takes at most 999 parameters per statement, so inserts go in slices of 60 or so.
        self.assertLessEqual(self.queries_for(500, 0), 30)
