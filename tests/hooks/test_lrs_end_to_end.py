"""An award's statement crosses real HTTP into a real LRS (Laurel's own statement endpoint,
run by Django's live server), which validates and stores it."""

import json

import pytest
from django.test import override_settings

from laurel.achievements.models import Achievement, AchievementVersion
from laurel.awards.actions import award
from laurel.core.actor import Actor
from laurel.hooks.actions import create_lrs
from laurel.hooks.models import Attempt
from laurel.ingest.sources import create_source
from laurel.ingest.xapi.models import Statement
from laurel.orgs.models import Organization
from laurel.outbox.delivery import deliver_due

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_achieved_statement_is_accepted_and_stored_by_an_lrs(live_server) -> None:  # type: ignore[no-untyped-def]
    issuer = Organization.objects.create(slug="hanbit", name_ko="한빛대학교", name_en="Hanbit University")
    records = Organization.objects.create(slug="records", name_en="Records Office")
    _source, lines = create_source(Actor(None, via="cli"), records, "xapi", "Badges from Hanbit")
    badge = Achievement.objects.create(org=issuer, slug="data-analysis")
    badge.current_version = AchievementVersion.objects.create(
        achievement=badge, number=1, name_ko="데이터 분석"
    )
    badge.save()
    with override_settings(WEBHOOK_ALLOW_LOOPBACK=True):
        lrs = create_lrs(
            Actor(None, via="cli"),
            issuer,
            url=f"{live_server.url}/xapi/",
            username=lines["username"],
            password=lines["password"],
        )
        award(Actor(None, via="cli"), issuer, badge, email="hong@student.example", name="홍길동")
        deliver_due()
    [attempt] = Attempt.objects.filter(delivery__endpoint=lrs)
    assert (attempt.status_code, attempt.error) == (200, ""), attempt.response_excerpt
    stored = Statement.objects.get(org=records)
    assert json.loads(attempt.response_excerpt) == [str(stored.statement_id)]
    body = json.loads(stored.body)
    assert body["verb"]["id"] == "http://adlnet.gov/expapi/verbs/achieved"
    assert body["actor"]["mbox"] == "mailto:hong@student.example"
    assert body["object"]["definition"]["name"] == {"ko-KR": "데이터 분석"}
