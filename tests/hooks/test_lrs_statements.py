"""An xAPI "achieved" statement for every award, posted to a configured LRS with HTTP Basic."""

import base64
import json
import uuid

from django.core.exceptions import ValidationError

from laurel.core.actor import Actor
from laurel.credentials.status import revoke
from laurel.hooks.actions import create_lrs, replay_delivery
from laurel.hooks.models import Delivery
from laurel.ingest.xapi import validation
from tests.hooks.helpers import HooksTestCase


class LrsStatementTests(HooksTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.endpoint.is_active = False
        self.endpoint.save()  # only the LRS listens here
        self.lrs = create_lrs(
            Actor(self.owner),
            self.org,
            url=self.receiver.url.replace("/laurel/events", "/xapi/"),
            username="laurel-hanbit",
            password="s3cret pass:word",
        )

    def test_an_award_posts_a_valid_achieved_statement_signed_in_with_basic(self) -> None:
        made = self.award()
        self.deliver()
        [received] = self.receiver.received
        self.assertEqual(received.path, "/xapi/statements")
        scheme, _sep, token = received.headers["authorization"].partition(" ")
        self.assertEqual(
            (scheme, base64.b64decode(token).decode()), ("Basic", "laurel-hanbit:s3cret pass:word")
        )
        self.assertEqual(received.headers["x-experience-api-version"], "1.0.3")
        self.assertNotIn("webhook-signature", received.headers)
        statement = received.json()
        validation.statement(statement, v2=False)  # the LRS side's own checks, written independently
        self.assertEqual(statement["verb"]["id"], "http://adlnet.gov/expapi/verbs/achieved")
        self.assertEqual(
            statement["actor"],
            {"objectType": "Agent", "mbox": "mailto:hong@student.example", "name": "홍길동"},
        )
        self.assertEqual(statement["object"]["id"], f"http://127.0.0.1:8000/i/{self.badge.public_id}/")
        self.assertEqual(
            statement["object"]["definition"]["name"], {"ko-KR": "데이터 분석", "en-US": "Data Analysis"}
        )
        self.assertEqual(uuid.UUID(statement["id"]).version, 5)
        self.assertIn(made.public_id, json.dumps(statement["context"]))

    def test_a_replay_sends_the_same_statement_id(self) -> None:
        self.award()
        self.deliver()
        replay_delivery(Actor(self.owner), Delivery.objects.get(endpoint=self.lrs))
        self.deliver()
        first, again = self.receiver.received
        self.assertEqual(first.json()["id"], again.json()["id"])

    def test_only_awards_reach_the_lrs(self) -> None:
        made = self.award()
        revoke(Actor(self.owner), made, "error")
        self.assertEqual(
            list(Delivery.objects.filter(endpoint=self.lrs).values_list("event_type", flat=True)),
            ["award.issued"],
        )

    def test_a_username_with_a_colon_or_a_missing_password_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            create_lrs(Actor(self.owner), self.org, url=self.receiver.url, username="a:b", password="")
        self.assertEqual(set(raised.exception.message_dict), {"username", "password"})
