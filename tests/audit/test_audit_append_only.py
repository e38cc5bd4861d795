from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import TransactionTestCase

from laurel.accounts.models import User
from laurel.audit.models import AuditEvent
from laurel.orgs.models import Organization
from laurel.test import BaseTestCase
from tests.audit.helpers import event


class AppendOnlyTests(BaseTestCase):
    def setUp(self) -> None:
        self.event = event(self.org, "award.issue", self.owner, summary="original")

    def test_saving_an_existing_event_is_refused(self) -> None:
        self.event.summary = "rewritten"
        with self.assertRaises(PermissionError):
            self.event.save()

    def test_queryset_update_and_delete_are_refused(self) -> None:
        with self.assertRaises(PermissionError):
            AuditEvent.objects.filter(id=self.event.id).update(summary="rewritten")
        with self.assertRaises(PermissionError):
            AuditEvent.objects.filter(id=self.event.id).delete()
        with self.assertRaises(PermissionError):
            self.event.delete()

    def test_the_database_refuses_a_raw_update(self) -> None:
        with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET action='x'")
        self.assertEqual(AuditEvent.objects.get(id=self.event.id).action, "award.issue")

    def test_a_raw_delete_is_refused_by_postgresql_and_left_to_the_orm_on_sqlite(self) -> None:
        # SQLite's flush empties tables with DELETE, so only PostgreSQL (whose flush
        # uses TRUNCATE) can refuse it in the database; see migration 0003.
        if connection.vendor == "postgresql":
            with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_auditevent")
            self.assertTrue(AuditEvent.objects.filter(id=self.event.id).exists())
        else:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_auditevent")
            self.assertFalse(AuditEvent.objects.exists())

    def test_an_organization_with_history_cannot_be_deleted(self) -> None:
        with self.assertRaises(ProtectedError), transaction.atomic():
            self.org.delete()
        self.assertTrue(Organization.objects.filter(id=self.org.id).exists())

    def test_deleting_an_account_keeps_its_events_and_their_label(self) -> None:
        departing = User.objects.create_user("gone@hanbit.example", "pw-not-used-here")
        kept = event(self.org, "member.remove", departing, summary="before leaving")
        departing.delete()
        self.login(self.owner)
        response = self.client.get(f"/orgs/hanbit/audit/{kept.id}/")
        self.assertContains(response, "gone@hanbit.example")
        self.assertContains(self.client.get("/orgs/hanbit/audit/"), "gone@hanbit.example")


class FlushTests(TransactionTestCase):
    """A TransactionTestCase empties every table afterwards; the triggers must allow it."""

    def test_events_can_be_written_and_the_database_flushed(self) -> None:
        org = Organization.objects.create(slug="flush", name_en="Flush")
        event(org, "org.create", None)
        self.assertEqual(AuditEvent.objects.count(), 1)

    def test_the_flush_left_nothing_behind(self) -> None:
        # Runs after the test above (alphabetical order): the flush worked.
        self.assertFalse(AuditEvent.objects.exists())
