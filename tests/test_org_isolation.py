"""Every organization URL answers 404 to people outside the organization.

The URL resolver is walked, so a new organization page is covered the day it is added.
"""

import re
from datetime import date, timedelta

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from laurel.accounts.models import ApiToken, hash_token
from laurel.achievements.models import Achievement, AchievementVersion
from laurel.audit.models import AuditEvent
from laurel.awards.models import Award, AwardBatch
from laurel.endorsements.models import Endorsement
from laurel.hooks.models import Delivery, Endpoint
from laurel.ingest.models import ImportBatch, Source, SourceIdentity
from laurel.orgs.models import Invitation, Membership, Recipient
from laurel.pathways.models import Pathway
from laurel.rules.models import AwardState, Rule
from laurel.test import BaseTestCase

ORG_PREFIX = "orgs/<slug:slug>/"


def walk(patterns: list, prefix: str = "") -> list[str]:
    routes: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            routes += walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            routes.append(prefix + str(p.pattern))
    return routes


# Which object a route's <public_id> names, by the path before it (the longest first).
PUBLIC_ID_PREFIXES = ("awards/bulk/", "achievements/", "awards/", "sources/", "rules/", "endorsements/")


class OrganizationIsolationTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        org = cls.org
        achievement = Achievement.objects.create(org=org, slug="walk")
        version = AchievementVersion.objects.create(achievement=achievement, number=1, name_en="Walk")
        achievement.current_version = version
        achievement.save()
        recipient = Recipient.objects.create(org=org, email="r@example.com", name="R")
        award = Award.objects.create(
            org=org, achievement=achievement, version=version, recipient=recipient, issued_on=date(2026, 1, 5)
        )
        batch = AwardBatch.objects.create(org=org, achievement=achievement)
        invitation = Invitation.objects.create(
            org=org,
            email="new@example.com",
            role="viewer",
            token_hash=hash_token("x"),
            expires_at=timezone.now() + timedelta(days=7),
        )
        token = ApiToken.objects.create(
            user=cls.owner, org=org, name="t", prefix="lrl_abcd", token_hash=hash_token("lrl_abcd")
        )
        event = AuditEvent.objects.create(org=org, action="test.event")
        member = Membership.objects.get(org=org, user=cls.viewer)
        # An LTI source: it has every source page, its platform registration included.
        source = Source.objects.create(org=org, kind=Source.Kind.LTI, name="Moodle")
        identity = SourceIdentity.objects.create(org=org, kind="email", value="parked@example.com")
        import_batch = ImportBatch.objects.create(org=org, source=source, format="generic")
        state = AwardState.objects.create(org=org, achievement=achievement, recipient=recipient)
        Rule.objects.create(
            org=org,
            achievement=achievement,
            version=version,
            number=1,
            definition={"criteria": {"all": [{"approval": {"item": "portfolio"}}]}},
        )
        endpoint = Endpoint.objects.create(
            org=org, url="https://lms.example.ac.kr/events", secret_encrypted=b"-", secret_kek_id="-"
        )
        delivery = Delivery.objects.create(org=org, endpoint=endpoint, event_type="award.issued", body="{}")
        Pathway.objects.create(org=org, slug="trail", name_en="Trail", milestone=achievement)
        endorsement = Endorsement.objects.create(
            org=org,
            achievement=achievement,
            email="e@example.com",
            token_hash=hash_token("endorse"),
            expires_at=timezone.now() + timedelta(days=7),
        )
        cls.values = {
            "slug": org.slug,
            "member_id": str(member.public_id),
            "invitation_id": str(invitation.public_id),
            "token_id": str(token.pk),
            "event_id": str(event.pk),
            "number": "1",
            "achievements/public_id": str(achievement.public_id),
            "awards/bulk/public_id": batch.public_id,
            "awards/public_id": award.public_id,
            "sources/public_id": source.public_id,
            "rules/public_id": str(achievement.public_id),
            "identity_id": str(identity.pk),
            "batch_id": import_batch.public_id,
            "state_id": state.public_id,
            "endpoint_id": endpoint.public_id,
            "delivery_id": delivery.public_id,
            "pathway_slug": "trail",
            "endorsements/public_id": endorsement.public_id,
        }

    def url_for(self, route: str) -> str:
        def fill(match: re.Match[str]) -> str:
            name = match.group(1).split(":")[-1]
            if name == "public_id":
                for key in (
                    "awards/bulk/",
                    "achievements/",
                    "awards/",
                    "sources/",
                    "rules/",
                    "endorsements/",
                ):
                    if key in route:
                        return self.values[key + "public_id"]
            if name not in self.values:
                raise AssertionError(f"no test value for <{name}> in {route}: add one")
            return self.values[name]

        return "/" + re.sub(r"<([^>]+)>", fill, route)

    def org_routes(self) -> list[str]:
        routes = [r for r in walk(get_resolver().url_patterns) if r.startswith(ORG_PREFIX)]
        self.assertGreater(len(routes), 20)
        return routes

    def test_outsider_gets_404_on_every_organization_url(self) -> None:
        self.login(self.outsider)
        for route in self.org_routes():
            url = self.url_for(route)
            for method in ("get", "post"):
                with self.subTest(url=url, method=method):
                    response = getattr(self.client, method)(url)
                    self.assertEqual(response.status_code, 404)

    def test_learner_gets_404_on_every_organization_url(self) -> None:
        self.login(self.learner)
        for route in self.org_routes():
            url = self.url_for(route)
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_anonymous_visitor_is_sent_to_sign_in_or_gets_404(self) -> None:
        for route in self.org_routes():
            url = self.url_for(route)
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertIn(response.status_code, (302, 404))
                if response.status_code == 302:
                    self.assertTrue(response["Location"].startswith("/accounts/login/"))

    def test_a_member_reaches_the_same_urls(self) -> None:
        # The walk above is only meaningful if the filled-in URLs exist for members.
        self.login(self.owner)
        for route in self.org_routes():
            url = self.url_for(route)
            with self.subTest(url=url):
                self.assertNotEqual(self.client.get(url).status_code, 404)
