"""Rows inserted in bulk read back exactly as the ORM writes them, on SQLite and PostgreSQL.

The reference is Django itself: the same values saved through ``objects.create`` and read back.
"""

import datetime
import uuid

from django.db import connection, transaction
from django.utils import timezone

from laurel.audit.models import AuditEvent
from laurel.core.inserts import insert, insert_objects
from laurel.orgs.models import Recipient
from laurel.outbox.models import OutboxMessage
from laurel.test import BaseTestCase

MOMENT = datetime.datetime(2025, 3, 10, 9, 30, 15, 123456, tzinfo=datetime.UTC)
PAYLOAD = {"to": "김@example.com", "subject": "배지 “수여”", "nested": [1, 2.5, None, True, {"k": "값"}]}
COLUMNS = ("org_id", "kind", "payload", "next_attempt_at", "created_at", "last_error", "attempts")


def fields(obj: object, *, but: tuple[str, ...] = ("id",)) -> dict[str, object]:
    model = type(obj)
    return {
        f.attname: getattr(obj, f.attname)
        for f in model._meta.concrete_fields  # type: ignore[attr-defined]
        if f.attname not in but
    }


class BulkInsertTests(BaseTestCase):
    def test_a_row_reads_back_as_the_same_values_saved_through_the_orm(self) -> None:
        values = (self.org.pk, OutboxMessage.Kind.EMAIL, PAYLOAD, MOMENT, MOMENT, "관계 없음", 3)
        reference = OutboxMessage.objects.create(**dict(zip(COLUMNS, values, strict=True)))
        insert(OutboxMessage, COLUMNS, [values])
        (inserted,) = OutboxMessage.objects.exclude(pk=reference.pk)
        reference.refresh_from_db()
        self.assertEqual(fields(inserted), fields(reference))
        self.assertEqual(inserted.payload, PAYLOAD)
        self.assertEqual(inserted.next_attempt_at, MOMENT)

    def test_fields_left_out_get_their_model_defaults_for_each_row(self) -> None:
        before = timezone.now()
        insert(
            Recipient, ("org_id", "email"), [(self.org.pk, "a@example.com"), (self.org.pk, "b@example.com")]
        )
        made = list(Recipient.objects.filter(email__in=["a@example.com", "b@example.com"]))
        self.assertEqual(len(made), 2)
        self.assertEqual({r.language for r in made}, {"ko"})
        self.assertEqual({(r.name, r.student_id, r.user_id) for r in made}, {("", "", None)})
        self.assertEqual(len({r.public_id for r in made}), 2, "a callable default is called per row")
        self.assertTrue(all(isinstance(r.public_id, uuid.UUID) for r in made))
        self.assertTrue(all(r.created_at >= before for r in made))

    def test_rows_beyond_one_statements_parameters_are_all_inserted(self) -> None:
        # 3,000 rows of 13 columns pass SQLite's 32,766 parameters per statement.
        rows = [(self.org.pk, None, "cli", "cli", "bulk.test", "", str(n), f"#{n}") for n in range(3000)]
        columns = (
            "org_id",
            "actor_id",
            "actor_label",
            "via",
            "action",
            "object_type",
            "object_id",
            "summary",
        )
        insert(AuditEvent, columns, rows)
        found = AuditEvent.objects.filter(action="bulk.test")
        self.assertEqual(found.count(), 3000)
        self.assertEqual(set(found.values_list("object_id", flat=True)), {str(n) for n in range(3000)})

    def test_returning_gives_back_each_rows_columns(self) -> None:
        rows = [(self.org.pk, f"r{n}@example.com") for n in range(5)]
        back = insert(Recipient, ("org_id", "email"), rows, returning=("email", "id"))
        self.assertEqual(
            dict(back), dict(Recipient.objects.filter(email__startswith="r").values_list("email", "id"))
        )

    def test_nothing_to_insert_runs_no_statement(self) -> None:
        with self.assertNumQueries(0):
            self.assertEqual(insert(OutboxMessage, COLUMNS, []), [])
            insert_objects([], key="email")

    def test_instances_get_the_keys_of_their_own_rows(self) -> None:
        people = [Recipient(org=self.org, email=f"p{n}@example.com", name=f"학생{n}") for n in range(4)]
        insert_objects(people, key="email")
        for person in people:
            self.assertFalse(person._state.adding)
            stored = Recipient.objects.get(pk=person.pk)
            self.assertEqual(fields(stored, but=()), fields(person, but=()))

    def test_a_transaction_that_fails_leaves_no_inserted_row(self) -> None:
        try:
            with transaction.atomic():
                insert_objects([Recipient(org=self.org, email="gone@example.com")], key="email")
                insert(OutboxMessage, COLUMNS, [(self.org.pk, "email", {}, MOMENT, MOMENT, "", 0)])
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        self.assertFalse(Recipient.objects.filter(email="gone@example.com").exists())
        self.assertFalse(OutboxMessage.objects.exists())

    def test_later_rows_made_by_the_orm_get_keys_of_their_own(self) -> None:
        # On PostgreSQL the keys come from the table's sequence, which the ORM uses next.
        people = [Recipient(org=self.org, email=f"s{n}@example.com") for n in range(3)]
        insert_objects(people, key="email")
        later = Recipient.objects.create(org=self.org, email="later@example.com")
        self.assertNotIn(later.pk, {p.pk for p in people})
        self.assertGreater(later.pk, max(p.pk for p in people), connection.vendor)
