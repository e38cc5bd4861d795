import json
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.credentials.status import revoke
from laurel.hooks import listeners
from laurel.hooks.actions import disable_endpoint
from laurel.hooks.models import Delivery
from laurel.ingest.facts import record_facts
from laurel.ingest.sources import create_source
from laurel.orgs.models import Recipient
from laurel.rules.actions import evaluate_pair, save_rule
from tests.hooks.helpers import HooksTestCase
from tests.rules.helpers import NOW, submitted

RULE = {"criteria": {"submissions": {"course": "CS101", "items": ["A1", "A2"]}}}


class AwardEventTests(HooksTestCase):
    def sent_types(self) -> list[str]:
        return [Webhook(self.secret).verify(r.body, r.headers)["type"] for r in self.receiver.received]

    def test_a_revoked_award_emits_award_revoked_with_the_reason(self) -> None:
        made = self.award()
        revoke(Actor(self.owner), made, "Plagiarism found in the final report")
        self.deliver()
        self.assertEqual(self.sent_types(), ["award.issued", "award.revoked"])
        revoked = Webhook(self.secret).verify(
            self.receiver.received[1].body, self.receiver.received[1].headers
        )
        self.assertEqual(revoked["data"]["award"]["id"], made.public_id)
        self.assertEqual(
            revoked["data"]["award"]["revocation_reason"], "Plagiarism found in the final report"
        )
        self.assertIn("revoked_at", revoked["data"]["award"])

    def test_a_fault_while_queueing_webhooks_never_stops_the_award(self) -> None:
        with mock.patch("laurel.hooks.events.award_data", side_effect=RuntimeError("boom")):
            made = self.award()
        self.assertTrue(Award.objects.filter(pk=made.pk).exists())
        self.assertFalse(Delivery.objects.exists())

    def test_a_disabled_endpoint_gets_nothing_new_nor_what_was_waiting(self) -> None:
        self.award()
        disable_endpoint(Actor(self.owner), self.endpoint)
        self.award("lee@student.example", "이순신")
        self.deliver()
        self.assertEqual(self.receiver.received, [])
        self.assertEqual(Delivery.objects.count(), 1)
        self.assertEqual(Delivery.objects.get().message.status, "dead")

    def test_another_organizations_awards_are_not_sent(self) -> None:
        from laurel.achievements.models import Achievement, AchievementVersion
        from laurel.awards.actions import award

        theirs = Achievement.objects.create(org=self.other_org, slug="theirs")
        theirs.current_version = AchievementVersion.objects.create(achievement=theirs, number=1, name_en="T")
        theirs.save()
        award(Actor(self.outsider), self.other_org, theirs, email="x@example.com", name="X")
        self.assertFalse(Delivery.objects.exists())


class ProgressEventTests(HooksTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.source, _lines = create_source(Actor(cls.owner), cls.org, "xapi", "Moodle")
        cls.hong = Recipient.objects.create(org=cls.org, email="hong@example.com", name="홍길동")

    def documents(self) -> list[dict]:
        self.deliver()
        return [Webhook(self.secret).verify(r.body, r.headers) for r in self.receiver.received]

    def test_progress_towards_a_badge_is_sent_as_it_changes_then_the_award(self) -> None:
        save_rule(Actor(self.owner), self.badge, RULE, live=True)
        record_facts(self.source, [submitted("h1", "A1")])
        evaluate_pair(self.hong.pk, self.badge.pk, NOW)
        [first] = self.documents()
        self.assertEqual(first["type"], "progress.changed")
        self.assertEqual((first["data"]["state"], first["data"]["met"]), ("in_progress", False))
        self.assertEqual(first["data"]["progress"]["missing"], ["A2"])
        self.assertEqual(first["data"]["recipient"]["email"], "hong@example.com")

        evaluate_pair(self.hong.pk, self.badge.pk, NOW)  # nothing new: nothing sent
        self.assertEqual(len(self.documents()), 1)

        record_facts(self.source, [submitted("h2", "A2")])
        evaluate_pair(self.hong.pk, self.badge.pk, NOW)
        types = [d["type"] for d in self.documents()]
        self.assertEqual(sorted(types[1:]), ["award.issued", "progress.changed"])
        last = [d for d in self.documents() if d["type"] == "progress.changed"][-1]
        self.assertEqual((last["data"]["state"], last["data"]["met"]), ("issued", True))
        self.assertEqual(last["data"]["award"], Award.objects.get().public_id)

    def test_progress_comes_with_a_summary_in_korean_and_english_as_the_learner_page_says(self) -> None:
        Recipient.objects.filter(pk=self.hong.pk).update(user=self.learner)
        save_rule(Actor(self.owner), self.badge, RULE, live=True)
        record_facts(self.source, [submitted("h1", "A1")])
        evaluate_pair(self.hong.pk, self.badge.pk, NOW)
        [first] = self.documents()
        summary = first["data"]["summary"]
        # The catalog's wording for a submissions clause with one item missing.
        self.assertEqual(
            summary, {"ko": "과제 1/2개 제출 — 미제출: A2", "en": "assignments 1/2 — missing A2"}
        )
        self.login(self.learner)
        for language in ("ko", "en"):
            page = self.client.get("/progress/", HTTP_ACCEPT_LANGUAGE=language)
            self.assertContains(page, summary[language])


class BulkAwardEventTests(HooksTestCase):
    def test_awards_made_in_bulk_each_get_a_delivery_queued_in_a_few_queries(self) -> None:
        from laurel.awards.bulk import Wanted, award_many
        from laurel.awards.checks import clean_award_input

        wanted = []
        for n in range(30):
            data, errors = clean_award_input(
                email=f"s{n}@student.example", name=f"학생{n}", issued_on=timezone.localdate()
            )
            assert not errors
            wanted.append(Wanted(self.badge, data))
        outcome = award_many(Actor(self.teammate), self.org, wanted, source=Award.Source.BULK)
        deliveries = Delivery.objects.filter(endpoint=self.endpoint)
        self.assertEqual(deliveries.count(), 30)
        emails = {json.loads(d.body)["data"]["recipient"]["email"] for d in deliveries}
        self.assertEqual(emails, {f"s{n}@student.example" for n in range(30)})
        self.assertEqual(
            {json.loads(d.body)["data"]["award"]["id"] for d in deliveries},
            {a.public_id for a in outcome.awards},
        )
        # Queueing costs the same whether the batch has 3 awards or 30.
        with CaptureQueriesContext(connection) as queries:
            listeners.awards_issued(self.org, outcome.awards)
        self.assertLess(len(queries), 12)
