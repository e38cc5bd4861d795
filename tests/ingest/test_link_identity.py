from laurel.audit.models import AuditEvent
from laurel.ingest.facts import link_identity, link_known_identities, parked_identities, record_facts
from laurel.ingest.models import Fact, SourceIdentity
from laurel.orgs.models import Recipient
from tests.ingest.helpers import IngestTestCase, grade


class LinkIdentityTests(IngestTestCase):
    def park(self) -> SourceIdentity:
        record_facts(
            self.source,
            [
                grade("a", "lms-user-7|x", kind="account", obj="q1"),
                grade("b", "lms-user-7|x", kind="account", obj="q2"),
            ],
        )
        return SourceIdentity.objects.get()

    def test_linking_attaches_the_parked_facts(self) -> None:
        identity = self.park()
        self.assertEqual(link_identity(self.actor, identity, self.hong), 2)
        self.assertEqual(set(Fact.objects.values_list("recipient", flat=True)), {self.hong.pk})
        identity.refresh_from_db()
        self.assertEqual(identity.recipient, self.hong)
        self.assertIsNotNone(identity.linked_at)

    def test_later_facts_of_a_linked_identity_go_to_the_recipient(self) -> None:
        link_identity(self.actor, self.park(), self.hong)
        record_facts(self.source, [grade("c", "lms-user-7|x", kind="account", obj="q3")])
        self.assertEqual(Fact.objects.get(event_key="c").recipient, self.hong)

    def test_linking_is_audited(self) -> None:
        link_identity(self.actor, self.park(), self.hong)
        event = AuditEvent.objects.get(action="source_identity.link")
        self.assertEqual(event.org, self.org)
        self.assertEqual(event.after["facts"], 2)
        self.assertEqual(event.actor, self.owner)

    def test_linking_again_to_the_same_recipient_moves_nothing(self) -> None:
        identity = self.park()
        link_identity(self.actor, identity, self.hong)
        self.assertEqual(link_identity(self.actor, identity, self.hong), 0)
        self.assertEqual(AuditEvent.objects.filter(action="source_identity.link").count(), 1)

    def test_relinking_corrects_a_mistake(self) -> None:
        identity = self.park()
        link_identity(self.actor, identity, self.hong)
        self.assertEqual(link_identity(self.actor, identity, self.lee), 2)
        self.assertEqual(set(Fact.objects.values_list("recipient", flat=True)), {self.lee.pk})

    def test_a_recipient_of_another_organization_is_refused(self) -> None:
        from django.core.exceptions import ValidationError

        stranger = Recipient.objects.create(org=self.other_org, email="x@other.example")
        identity = self.park()
        with self.assertRaises(ValidationError):
            link_identity(self.actor, identity, stranger)
        self.assertFalse(Fact.objects.filter(recipient__isnull=False).exists())

    def test_parked_identities_lists_only_unlinked_people_with_facts(self) -> None:
        identity = self.park()
        record_facts(self.source, [grade("h", "hong@example.com")])
        self.assertEqual(list(parked_identities(self.org)), [identity])

    def test_known_identities_are_linked_when_their_recipient_arrives(self) -> None:
        record_facts(
            self.source, [grade("a", "late@example.com"), grade("b", "9999", kind="student_id", obj="q2")]
        )
        late = Recipient.objects.create(org=self.org, email="late@example.com")
        numbered = Recipient.objects.create(org=self.org, email="n@example.com", student_id="9999")
        self.assertEqual(link_known_identities(self.org), 2)
        self.assertEqual(Fact.objects.get(event_key="a").recipient, late)
        self.assertEqual(Fact.objects.get(event_key="b").recipient, numbered)


class ResolveIdentitiesTests(IngestTestCase):
    def test_new_identities_are_created_once_with_their_names(self) -> None:
        from laurel.ingest.facts import resolve_identities

        key = ("lti", "https://canvas.example|abc")
        first, _ = resolve_identities(self.org, {key: "Hong"})
        again, _ = resolve_identities(self.org, {key: "홍길동"})
        self.assertEqual(first[key].pk, again[key].pk)
        self.assertEqual(SourceIdentity.objects.get().name, "홍길동")

    def test_a_parked_email_identity_is_linked_and_its_facts_attached(self) -> None:
        from laurel.ingest.facts import resolve_identities

        record_facts(self.source, [grade("a", "late@example.com")])
        newcomer = Recipient.objects.create(org=self.org, email="late@example.com")
        found, linked = resolve_identities(self.org, {("email", "late@example.com"): ""})
        self.assertEqual([i.pk for i in linked], [found[("email", "late@example.com")].pk])
        self.assertEqual(Fact.objects.get().recipient, newcomer)
