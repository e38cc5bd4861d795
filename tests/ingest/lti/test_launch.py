import time

from laurel.ingest.lti.models import Context, Member
from laurel.ingest.models import SourceIdentity
from tests.ingest.lti.helpers import LtiTestCase
from tests.ingest.lti.keypool import platform_key


class CanvasLaunchTests(LtiTestCase):
    shape_name = "canvas"

    def test_a_learner_launch_is_accepted_and_names_the_learner_by_issuer_and_subject(self) -> None:
        response = self.launch()
        self.assertEqual(response.status_code, 200, response.content)
        identity = SourceIdentity.objects.get(kind="lti")
        self.assertEqual(identity.value, f"{self.platform.shape.issuer}|{self.learner_person.sub}")
        self.assertEqual(identity.name, "Jane Doe")

    def test_the_platform_email_links_the_learner_to_the_recipient(self) -> None:
        self.launch()
        self.assertEqual(SourceIdentity.objects.get(kind="lti").recipient, self.jane)

    def test_a_learner_with_an_unknown_email_stays_parked(self) -> None:
        self.learner_person.email = "nobody@example.edu"
        self.assertEqual(self.launch().status_code, 200)
        self.assertIsNone(SourceIdentity.objects.get(kind="lti").recipient)

    def test_the_course_and_its_service_urls_are_remembered(self) -> None:
        self.launch()
        context = Context.objects.get()
        self.assertEqual(
            (context.context_id, context.title), (self.platform.context_id, "CPS 435 Learning Analytics")
        )
        self.assertEqual(context.memberships_url, self.platform.memberships_url())
        self.assertEqual(context.lineitems_url, self.platform.lineitems_url())
        self.assertEqual(context.deployment_id, self.platform.shape.deployment_id)
        member = Member.objects.get()
        self.assertIn("http://purl.imsglobal.org/vocab/lis/v2/membership#Learner", member.roles)

    def test_the_page_may_be_framed_by_the_platform_only(self) -> None:
        csp = self.launch()["Content-Security-Policy"]
        self.assertIn(
            f"frame-ancestors {self.platform.shape.issuer}", csp.replace(f" {self.platform.base}", "")
        )
        self.assertNotIn("X-Frame-Options", self.launch())

    def test_the_lms_pages_named_in_the_registration_may_frame_the_tool_too(self) -> None:
        from laurel.core.actor import Actor
        from laurel.ingest.lti.actions import register_platform
        from laurel.ingest.lti.models import Platform

        platform = Platform.objects.get()
        register_platform(
            Actor(user=self.owner),
            self.source,
            issuer=platform.issuer,
            client_id=platform.client_id,
            auth_login_url=platform.auth_login_url,
            auth_token_url=platform.auth_token_url,
            jwks_url=platform.jwks_url,
            deployment_ids=[self.platform.shape.deployment_id],
            frame_origins=["https://school.instructure.com"],
        )
        ancestors = self.launch()["Content-Security-Policy"].split("frame-ancestors ")[1].split(";")[0]
        self.assertEqual(
            sorted(ancestors.split()),
            sorted([self.platform.shape.issuer, self.platform.base, "https://school.instructure.com"]),
        )

    def test_the_authentication_request_is_what_lti_core_asks_for(self) -> None:
        query = self.login_redirect()
        self.assertEqual(
            {
                k: query[k]
                for k in ("scope", "response_type", "response_mode", "prompt", "client_id", "login_hint")
            },
            {
                "scope": "openid",
                "response_type": "id_token",
                "response_mode": "form_post",
                "prompt": "none",
                "client_id": self.platform.shape.client_id,
                "login_hint": "learner",
            },
        )
        # The redirect URI is the registered launch URL, not the target link sent to the tool.
        self.assertEqual(query["redirect_uri"], self.platform.redirect_uris[0])
        self.assertTrue(query["nonce"] and query["state"])

    def test_a_replayed_id_token_is_refused(self) -> None:
        fields = self.authenticate()
        self.assertEqual(self.client.post(self.path("launch"), fields).status_code, 200)
        replay = self.client.post(self.path("launch"), fields)
        self.assertEqual(replay.status_code, 400)
        self.assertIn("Nonce", replay.content.decode())

    def test_an_id_token_signed_with_another_key_is_refused(self) -> None:
        query = self.login_redirect()
        forged = platform_key("forger")
        claims = self.platform.claims_for(self.learner_person, query["nonce"])
        token = self.platform.sign(claims, key=forged)  # same kid, wrong key
        response = self.client.post(self.path("launch"), {"id_token": token, "state": query["state"]})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(SourceIdentity.objects.exists())

    def test_an_id_token_for_another_client_is_refused(self) -> None:
        query = self.login_redirect()
        claims = self.platform.claims_for(self.learner_person, query["nonce"])
        claims["aud"] = "another-tool"
        response = self.client.post(
            self.path("launch"), {"id_token": self.platform.sign(claims), "state": query["state"]}
        )
        self.assertEqual(response.status_code, 400)

    def test_an_expired_id_token_is_refused(self) -> None:
        query = self.login_redirect()
        claims = self.platform.claims_for(self.learner_person, query["nonce"])
        claims["exp"] = int(time.time()) - 60
        response = self.client.post(
            self.path("launch"), {"id_token": self.platform.sign(claims), "state": query["state"]}
        )
        self.assertEqual(response.status_code, 400)

    def test_an_unknown_deployment_is_refused(self) -> None:
        query = self.login_redirect()
        claims = self.platform.claims_for(self.learner_person, query["nonce"])
        claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] = "7:someone-else"
        response = self.client.post(
            self.path("launch"), {"id_token": self.platform.sign(claims), "state": query["state"]}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("deployment", response.content.decode())

    def test_a_launch_without_the_state_cookie_is_refused(self) -> None:
        fields = self.authenticate()
        self.client.cookies.clear()
        self.assertEqual(self.client.post(self.path("launch"), fields).status_code, 400)

    def test_a_login_from_an_unregistered_issuer_is_refused(self) -> None:
        response = self.client.get(
            self.path("login"),
            {"iss": "https://evil.example", "login_hint": "x", "target_link_uri": "https://x"},
        )
        self.assertEqual(response.status_code, 400)

    def test_another_sources_address_cannot_be_used_for_this_platform(self) -> None:
        response = self.client.get(
            "/lti/not-a-source/login", {"iss": self.platform.shape.issuer, "login_hint": "x"}
        )
        self.assertEqual(response.status_code, 404)


class MoodleLaunchTests(LtiTestCase):
    shape_name = "moodle"

    def test_a_moodle_learner_launch_links_by_email(self) -> None:
        self.assertEqual(self.launch().status_code, 200)
        identity = SourceIdentity.objects.get(kind="lti")
        self.assertEqual(identity.value, "https://moodle.school.example|27")
        self.assertEqual(identity.recipient, self.jane)


class BlackboardLaunchTests(LtiTestCase):
    shape_name = "blackboard"

    def test_a_blackboard_teacher_launch_shows_the_course_page(self) -> None:
        response = self.launch("teacher")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "CPS 435 Learning Analytics")
        member = Member.objects.get()
        self.assertIn("http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor", member.roles)
