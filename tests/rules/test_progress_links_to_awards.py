"""Once a badge is issued, the learner's progress page links to its public award page."""

import datetime

from laurel.awards.models import Award
from laurel.ingest.facts import record_facts
from laurel.orgs.models import Recipient
from laurel.rules.actions import evaluate_pair, save_rule
from tests.rules.helpers import NOW, RulesTestCase, submitted

RULE = {"criteria": {"submissions": {"course": "CS101", "items": ["A1"]}}}


class ProgressAwardLinkTests(RulesTestCase):
    def earn(self) -> Award:
        Recipient.objects.filter(pk=self.hong.pk).update(user=self.learner)
        save_rule(self.actor, self.badge, RULE, live=True)
        record_facts(self.source, [submitted("h1", "A1")])
        evaluate_pair(self.hong.pk, self.badge.pk, NOW)
        award = Award.objects.get()
        Award.objects.filter(pk=award.pk).update(issued_on=datetime.date(2026, 6, 30))
        self.login(self.learner)
        return award

    def test_an_issued_badge_links_to_its_award_page_with_the_date(self) -> None:
        award = self.earn()
        response = self.client.get("/progress/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, f'href="/a/{award.public_id}/"')
        self.assertContains(response, "Issued on June 30, 2026.")
        self.assertEqual(self.client.get(f"/a/{award.public_id}/").status_code, 200)

    def test_the_korean_page_says_issued_on_in_korean(self) -> None:
        self.earn()
        response = self.client.get("/progress/", HTTP_ACCEPT_LANGUAGE="ko")
        self.assertContains(response, "2026년 6월 30일에 발급되었습니다.")

    def test_a_revoked_badge_says_it_was_revoked(self) -> None:
        award = self.earn()
        revoked = datetime.datetime(2026, 7, 2, 3, 0, tzinfo=datetime.UTC)
        Award.objects.filter(pk=award.pk).update(revoked_at=revoked)
        evaluate_pair(self.hong.pk, self.badge.pk, NOW)
        response = self.client.get("/progress/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Revoked on July 2, 2026.")
        self.assertNotContains(response, "Issued on")

    def test_a_badge_still_in_progress_has_no_award_link(self) -> None:
        Recipient.objects.filter(pk=self.hong.pk).update(user=self.learner)
        save_rule(
            self.actor,
            self.badge,
            {"criteria": {"submissions": {"course": "CS101", "items": ["A1", "A2"]}}},
            live=True,
        )
        record_facts(self.source, [submitted("h1", "A1")])
        evaluate_pair(self.hong.pk, self.badge.pk, NOW)
        self.login(self.learner)
        self.assertNotContains(self.client.get("/progress/", HTTP_ACCEPT_LANGUAGE="en"), "/a/")
