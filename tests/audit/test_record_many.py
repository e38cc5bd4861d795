"""Events recorded in bulk are the events `record` writes one at a time."""

from django.db import transaction

from laurel.audit.actions import Entry, record, record_many
from laurel.audit.models import AuditEvent
from laurel.core.actor import Actor
from laurel.orgs.models import Recipient
from laurel.test import BaseTestCase

COMPARED = (
    "org_id",
    "actor_id",
    "actor_label",
    "via",
    "action",
    "object_type",
    "object_id",
    "summary",
    "before",
    "after",
    "ip",
    "user_agent",
)


def row(event: AuditEvent) -> tuple[object, ...]:
    return tuple(getattr(event, name) for name in COMPARED)


class RecordManyTests(BaseTestCase):
    def setUp(self) -> None:
        self.actor = Actor(self.teammate, via="web", ip="203.0.113.7", user_agent="Firefox/140")
        self.recipient = Recipient.objects.create(org=self.org, email="kim@example.com")

    def test_each_entry_is_the_event_record_would_write(self) -> None:
        entry = Entry(
            "recipients.update",
            self.recipient,
            summary="x" * 400,
            before={"name": ""},
            after={"fields": ["name"], "이름": "김민수"},
        )
        with transaction.atomic():
            single = record(
                self.actor,
                self.org,
                entry.action,
                entry.obj,
                summary=entry.summary,
                before=entry.before,
                after=entry.after,
            )
            self.assertEqual(record_many(self.actor, self.org, [entry]), 1)
        bulk = AuditEvent.objects.exclude(pk=single.pk).get()
        single.refresh_from_db()
        self.assertEqual(row(bulk), row(single))
        self.assertEqual(bulk.object_id, str(self.recipient.public_id))
        self.assertEqual(len(bulk.summary), 300)
        self.assertIsNotNone(bulk.created_at)

    def test_a_worker_without_a_user_and_an_object_named_by_id_are_recorded(self) -> None:
        with transaction.atomic():
            record_many(Actor(None, via="worker"), None, [Entry("orgs.sweep", object_id="batch-7")])
        event = AuditEvent.objects.get(action="orgs.sweep")
        self.assertEqual(
            (event.org_id, event.actor_id, event.actor_label, event.via, event.ip),
            (None, None, "worker", "worker", None),
        )
        self.assertEqual((event.object_type, event.object_id), ("", "batch-7"))

    def test_events_recorded_in_bulk_stay_append_only(self) -> None:
        with transaction.atomic():
            record_many(self.actor, self.org, [Entry("awards.create", object_id=str(n)) for n in range(3)])
        event = AuditEvent.objects.filter(action="awards.create").first()
        assert event is not None
        event.summary = "rewritten"
        with self.assertRaises(PermissionError):
            event.save()
