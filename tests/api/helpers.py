"""Shared setup for API tests: tokens for the personas, a badge, request helpers."""

import json
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.http import HttpResponse
from django.test.client import Client
from django.utils import timezone

from laurel.accounts.models import User
from laurel.accounts.tokens import create_api_token
from laurel.achievements.models import Achievement, AchievementVersion
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.orgs.models import Organization, Recipient
from laurel.test import BaseTestCase


def make_token(user: User, org: Organization, name: str = "test") -> str:
    _token, raw = create_api_token(Actor(user=None, via="cli"), user, org, name)
    return raw


def make_achievement(org: Organization, slug: str, name_ko: str, name_en: str, **fields: Any) -> Achievement:
    achievement = Achievement.objects.create(org=org, slug=slug)
    version = AchievementVersion.objects.create(
        achievement=achievement,
        number=1,
        name_ko=name_ko,
        name_en=name_en,
        description_ko=f"{name_ko} 과정을 마쳤습니다.",
        description_en=f"Completed {name_en}.",
        alt_text_ko=name_ko,
        alt_text_en=name_en,
        **fields,
    )
    achievement.current_version = version
    achievement.save(update_fields=["current_version"])
    return achievement


def make_award(
    achievement: Achievement, email: str, *, created_at: datetime | None = None, **fields: Any
) -> Award:
    org = achievement.org
    recipient, _ = Recipient.objects.get_or_create(
        org=org, email=email, defaults={"name": email.split("@")[0]}
    )
    return Award.objects.create(
        org=org,
        achievement=achievement,
        version=achievement.current_version,
        recipient=recipient,
        issued_on=fields.pop("issued_on", date(2025, 3, 2)),
        created_at=created_at or timezone.now(),
        **fields,
    )


class ApiTestCase(BaseTestCase):
    teammate_token: str
    viewer_token: str
    outsider_token: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.teammate_token = make_token(cls.teammate, cls.org)
        cls.viewer_token = make_token(cls.viewer, cls.org)
        cls.outsider_token = make_token(cls.outsider, cls.other_org)
        cls.achievement = make_achievement(cls.org, "python-basics", "파이썬 기초", "Python Basics")

    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # rate-limit history lives in the cache

    def api(self, method: str, path: str, token: str | None, body: Any = None, **extra: Any) -> HttpResponse:
        client: Client = self.client
        if token is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if method == "get":
            return client.get(f"/api/v1{path}", body or {}, **extra)
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(client, method)(f"/api/v1{path}", data=data, content_type="application/json", **extra)

    def assertProblem(self, response: Any, status: int) -> dict[str, Any]:
        self.assertEqual(response.status_code, status, response.content[:500])
        self.assertEqual(response["Content-Type"], "application/problem+json")
        body = response.json()
        self.assertEqual(body["status"], status)
        self.assertTrue(body["title"])
        return body
