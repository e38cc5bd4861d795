"""A milestone the engine awarded from a learner's facts carries a credential that verifies."""

import json

from django.test import override_settings

from laurel.awards.models import Award
from laurel.core.fetching import local_fetcher
from laurel.credentials.signing import sign_award
from laurel.ingest.facts import record_facts
from laurel.pathways.actions import GroupSpec, create, publish
from laurel.rules.actions import save_rule
from laurel.rules.tasks import work
from laurel.vc.verify import verify
from tests.credentials.helpers import HTTPS_SITE, KEK_A
from tests.rules.helpers import RulesTestCase, make_badge, submitted


@override_settings(SITE_URL=HTTPS_SITE, KEK=KEK_A, KEK_PREVIOUS=[], ALLOWED_HOSTS=["badges.example.com"])
class MilestoneCredentialTests(RulesTestCase):
    def test_facts_earn_two_levels_and_the_milestone_credential_verifies(self) -> None:
        a = make_badge(self.org, "a", "가", "Alpha")
        b = make_badge(self.org, "b", "나", "Beta")
        milestone = make_badge(self.org, "milestone", "이정표", "Milestone")
        for badge, item in ((self.intro, "A1"), (a, "A2"), (b, "A3")):
            criteria = {"criteria": {"submissions": {"course": "CS101", "items": [item]}}}
            save_rule(self.actor, badge, criteria, live=True)
        levels = [
            GroupSpec((str(self.intro.public_id),)),
            GroupSpec((str(a.public_id), str(b.public_id)), n=1),
        ]
        pathway = create(
            self.actor, self.org, slug="data", milestone=milestone, groups=levels, name_en="Data"
        )
        publish(self.actor, pathway)

        record_facts(self.source, [submitted("h1", "A1")])
        work()
        self.assertFalse(Award.objects.filter(achievement=milestone).exists())  # level 2 still open
        record_facts(self.source, [submitted("h3", "A3")])  # Beta: 1 of the 2 in level 2
        for _ in range(3):
            work()
        award = Award.objects.get(recipient=self.hong, achievement=milestone)
        credentials = sign_award(award)
        self.assertTrue(credentials)
        for credential in credentials:
            for data in (json.dumps(credential.json), credential.jwt):
                report = verify(data, fetcher=local_fetcher())
                problems = [c.to_dict() for c in report.checks if c.status not in ("pass", "skipped")]
                self.assertTrue(report.valid, problems)
