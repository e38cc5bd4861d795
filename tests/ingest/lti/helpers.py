"""An LTI source registered with a fake platform that runs on a loopback socket."""

import datetime
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.http import HttpResponse
from django.test import override_settings

from laurel.achievements.models import Achievement, AchievementVersion
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.ingest.lti.actions import register_platform
from laurel.ingest.lti.setup import describe
from laurel.ingest.models import Source
from laurel.ingest.sources import create_source
from laurel.orgs.models import Recipient
from laurel.test import BaseTestCase
from tests.ingest.lti.fake_platform import SHAPES, FakePlatform, form_fields, login_query, new_person


def fetch(url: str, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# The fake platform listens on loopback over plain http, which only development allows.
@override_settings(ALLOW_PRIVATE_FETCH=True)
class LtiTestCase(BaseTestCase):
    shape_name = "canvas"
    source: Source

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.source, cls.lines = create_source(Actor(user=cls.owner), cls.org, "lti", "Canvas")
        cls.jane = Recipient.objects.create(org=cls.org, email="jane@example.edu", name="Jane Doe")

    def setUp(self) -> None:
        super().setUp()
        self.platform = FakePlatform(SHAPES[self.shape_name]).start()
        self.addCleanup(self.platform.stop)
        shape = self.platform.shape
        register_platform(
            Actor(user=self.owner),
            self.source,
            issuer=shape.issuer,
            client_id=shape.client_id,
            auth_login_url=self.platform.auth_login_url,
            auth_token_url=self.platform.token_url,
            jwks_url=self.platform.jwks_url,
            deployment_ids=[shape.deployment_id],
            auth_audience=shape.token_audience,
        )
        urls = describe(self.source)
        self.platform.redirect_uris = [urls["launch_url"]]
        # The platform administrator pastes the tool's JWKS URL; the platform reads it.
        self.platform.tool_jwks = self.client.get(self.path("jwks")).json()
        self.learner_person = new_person(shape)
        self.teacher_person = new_person(
            shape, teacher=True, name="Kim Teacher", email="kim.teacher@example.edu"
        )
        self.platform.people = {"learner": self.learner_person, "teacher": self.teacher_person}

    def path(self, name: str) -> str:
        return f"/lti/{self.source.public_id}/{name}"

    def login(self, who: str = "learner", *, message_hint: str = "") -> HttpResponse:  # type: ignore[override]
        query = login_query(self.platform, who, self.platform.redirect_uris[0], message_hint=message_hint)
        return self.client.get(self.path("login"), query)

    def authenticate(self, who: str = "learner", *, message_hint: str = "") -> dict[str, str]:
        """Login initiation at the tool, then the platform's answer over HTTP: the form to post back."""
        response = self.login(who, message_hint=message_hint)
        self.assertEqual(response.status_code, 302, response.content)
        status, page = fetch(response["Location"])
        self.assertEqual(status, 200, page)
        return form_fields(page)

    def launch(self, who: str = "learner", *, message_hint: str = "") -> HttpResponse:
        return self.client.post(self.path("launch"), self.authenticate(who, message_hint=message_hint))

    def login_redirect(self, who: str = "learner") -> dict[str, str]:
        """The tool's authentication request, as the platform receives it."""
        response = self.login(who)
        return {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}


def make_award(recipient: Recipient, slug: str = "python-basics", name: str = "Python Basics") -> Award:
    achievement = Achievement.objects.create(org=recipient.org, slug=slug)
    version = AchievementVersion.objects.create(achievement=achievement, number=1, name_en=name, name_ko=name)
    Achievement.objects.filter(pk=achievement.pk).update(current_version=version)
    return Award.objects.create(
        org=recipient.org,
        achievement=achievement,
        version=version,
        recipient=recipient,
        issued_on=datetime.date(2025, 3, 10),
    )


def claims_of(response: HttpResponse) -> dict[str, Any]:
    return form_fields(response.content.decode())
