"""Registering, changing and removing an LTI source's platform from the sources pages."""

from laurel.audit.models import AuditEvent
from laurel.core.actor import Actor
from laurel.ingest.lti.actions import register_platform
from laurel.ingest.lti.models import Platform
from laurel.ingest.sources import create_source
from laurel.test import BaseTestCase

MOODLE = {
    "issuer": "https://moodle.school.example",
    "client_id": "8Yd2mRpSjmHS0rp",
    "deployment_ids": "1\n2\n",
    "auth_login_url": "https://moodle.school.example/mod/lti/auth.php",
    "auth_token_url": "https://moodle.school.example/mod/lti/token.php",
    "jwks_url": "https://moodle.school.example/mod/lti/certs.php",
    "auth_audience": "",
}


class PlatformPagesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.source, _lines = create_source(Actor(user=cls.owner), cls.org, "lti", "Moodle")
        cls.xapi, _lines = create_source(Actor(user=cls.owner), cls.org, "xapi", "LRS")

    def url(self, tail: str = "platform/", source: object = None) -> str:
        return f"/orgs/hanbit/sources/{(source or self.source).public_id}/{tail}"  # type: ignore[attr-defined]

    def register(self, **changes: str) -> None:
        values = {**MOODLE, **changes}
        register_platform(
            Actor(user=self.owner),
            self.source,
            **{k: v for k, v in values.items() if k != "deployment_ids"},
            deployment_ids=values["deployment_ids"].split(),
        )


class PlatformPagesAccessTests(PlatformPagesTestCase):
    def test_issuers_may_not_register_change_or_remove(self) -> None:
        self.register()
        self.login(self.teammate)
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        self.assertEqual(self.client.post(self.url(), {**MOODLE, "client_id": "x"}).status_code, 403)
        self.assertEqual(self.client.post(self.url("platform/remove/")).status_code, 403)
        self.assertEqual(Platform.objects.get().client_id, MOODLE["client_id"])

    def test_issuers_see_the_registration_without_the_buttons(self) -> None:
        self.register()
        self.login(self.teammate)
        response = self.client.get(self.url(""))
        self.assertContains(response, "https://moodle.school.example/mod/lti/auth.php")
        self.assertNotContains(response, self.url("platform/remove/"))

    def test_outsiders_get_not_found(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url("platform/remove/")).status_code, 404)

    def test_a_source_of_another_kind_has_no_platform_page(self) -> None:
        self.login(self.owner)
        self.assertEqual(self.client.get(self.url(source=self.xapi)).status_code, 404)


class PlatformPagesTests(PlatformPagesTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.owner)

    def test_the_detail_page_shows_what_to_paste_into_the_lms(self) -> None:
        response = self.client.get(self.url(""))
        base = f"http://127.0.0.1:8000/lti/{self.source.public_id}/"
        for tail in ("login", "launch", "jwks", "canvas.json"):
            self.assertContains(response, base + tail)
        self.assertContains(response, "&quot;oidc_initiation_url&quot;: &quot;" + base + "login&quot;")
        self.assertContains(response, "No platform is registered yet")

    def test_the_canvas_configuration_is_the_developer_key_json_canvas_reads(self) -> None:
        config = self.client.get(f"/lti/{self.source.public_id}/canvas.json").json()
        base = f"http://127.0.0.1:8000/lti/{self.source.public_id}/"
        self.assertEqual(config["oidc_initiation_url"], base + "login")
        self.assertEqual(config["target_link_uri"], base + "launch")
        self.assertEqual(config["public_jwk_url"], base + "jwks")
        self.assertIn("https://purl.imsglobal.org/spec/lti-ags/scope/score", config["scopes"])
        self.assertIn(
            "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly", config["scopes"]
        )
        (canvas,) = config["extensions"]
        self.assertEqual(canvas["platform"], "canvas.instructure.com")
        types = {p["placement"]: p["message_type"] for p in canvas["settings"]["placements"]}
        self.assertEqual(types["link_selection"], "LtiDeepLinkingRequest")
        # The published keyset holds the key the configuration points at.
        self.assertEqual(len(self.client.get(f"/lti/{self.source.public_id}/jwks").json()["keys"]), 1)

    def test_registering_saves_the_platform_and_its_deployments_and_audits_it(self) -> None:
        response = self.client.post(self.url(), MOODLE)
        self.assertRedirects(response, self.url(""), fetch_redirect_response=False)
        platform = Platform.objects.get(source=self.source)
        self.assertEqual(
            (platform.issuer, platform.client_id, platform.jwks_url),
            (MOODLE["issuer"], MOODLE["client_id"], MOODLE["jwks_url"]),
        )
        self.assertEqual(sorted(platform.deployments.values_list("deployment_id", flat=True)), ["1", "2"])
        event = AuditEvent.objects.get(action="lti.platform.register")
        self.assertEqual(event.actor, self.owner)
        self.assertEqual(event.after["deployment_ids"], ["1", "2"])
        page = self.client.get(self.url(""))
        self.assertContains(page, "The platform was registered.")
        self.assertContains(page, "<code>8Yd2mRpSjmHS0rp</code>", html=True)

    def test_a_plain_http_address_is_refused_on_its_field(self) -> None:
        response = self.client.post(self.url(), {**MOODLE, "jwks_url": "http://moodle.school.example/certs"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["jwks_url"], ["The address must start with https://."]
        )
        self.assertFalse(Platform.objects.exists())

    def test_every_bad_field_is_named_at_once_and_nothing_is_saved(self) -> None:
        response = self.client.post(
            self.url(),
            {
                **MOODLE,
                "issuer": "moodle.school.example",
                "auth_token_url": "ftp://x",
                "deployment_ids": " \n,",
            },
        )
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors
        self.assertEqual(errors["issuer"], ["Enter a valid URL."])
        self.assertEqual(errors["auth_token_url"], ["Enter a valid URL."])
        self.assertEqual(errors["deployment_ids"], ["Give at least one deployment id."])
        self.assertFalse(Platform.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action__startswith="lti.platform").exists())

    def test_the_addresses_of_the_lms_pages_are_kept_as_origins(self) -> None:
        frames = "https://School.Instructure.com/\nhttps://*.instructure.com"
        self.assertEqual(self.client.post(self.url(), {**MOODLE, "frame_origins": frames}).status_code, 302)
        self.assertEqual(
            Platform.objects.get().frame_origins,
            ["https://*.instructure.com", "https://school.instructure.com"],
        )

    def test_a_page_address_that_is_not_an_origin_is_refused(self) -> None:
        for bad in (
            "school.instructure.com",
            "https://school.instructure.com/courses/1",
            "http://school.example",
        ):
            response = self.client.post(self.url(), {**MOODLE, "frame_origins": bad})
            self.assertEqual(response.status_code, 400, bad)
            self.assertIn("frame_origins", response.context["form"].errors)
        self.assertFalse(Platform.objects.exists())

    def test_an_address_with_credentials_in_it_is_refused(self) -> None:
        response = self.client.post(
            self.url(), {**MOODLE, "auth_token_url": "https://u:p@moodle.school.example/t"}
        )
        self.assertEqual(
            response.context["form"].errors["auth_token_url"],
            ["The address may not carry a user name or password."],
        )

    def test_the_same_issuer_and_client_id_cannot_serve_two_sources(self) -> None:
        self.register()
        other, _lines = create_source(Actor(user=self.owner), self.org, "lti", "Moodle again")
        response = self.client.post(self.url(source=other), MOODLE)
        self.assertEqual(response.status_code, 400)
        (message,) = response.context["form"].errors["client_id"]
        self.assertIn("already registered with this issuer and client id", message)
        self.assertEqual(Platform.objects.count(), 1)

    def test_the_same_issuer_with_another_client_id_is_another_registration(self) -> None:
        self.register()
        other, _lines = create_source(Actor(user=self.owner), self.org, "lti", "Moodle again")
        response = self.client.post(self.url(source=other), {**MOODLE, "client_id": "second-key"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Platform.objects.count(), 2)

    def test_changing_keeps_one_registration_and_audits_before_and_after(self) -> None:
        self.register()
        form = self.client.get(self.url())
        self.assertEqual(form.context["form"].initial["deployment_ids"], "1\n2")
        self.assertContains(form, MOODLE["auth_login_url"])
        response = self.client.post(self.url(), {**MOODLE, "deployment_ids": "3"})
        self.assertEqual(response.status_code, 302)
        platform = Platform.objects.get()
        self.assertEqual(list(platform.deployments.values_list("deployment_id", flat=True)), ["3"])
        event = AuditEvent.objects.get(action="lti.platform.update")
        self.assertEqual((event.before["deployment_ids"], event.after["deployment_ids"]), (["1", "2"], ["3"]))

    def test_removing_forgets_the_platform_and_refuses_its_launches(self) -> None:
        self.register()
        response = self.client.post(self.url("platform/remove/"))
        self.assertRedirects(response, self.url(""), fetch_redirect_response=False)
        self.assertFalse(Platform.objects.exists())
        event = AuditEvent.objects.get(action="lti.platform.remove")
        self.assertEqual(event.before["issuer"], MOODLE["issuer"])
        login = self.client.get(
            f"/lti/{self.source.public_id}/login", {"iss": MOODLE["issuer"], "login_hint": "27"}
        )
        self.assertEqual(login.status_code, 404)

    def test_removing_twice_records_one_event(self) -> None:
        self.register()
        self.client.post(self.url("platform/remove/"))
        self.client.post(self.url("platform/remove/"))
        self.assertEqual(AuditEvent.objects.filter(action="lti.platform.remove").count(), 1)


class KoreanPlatformPageTests(PlatformPagesTestCase):
    language = "ko"

    def test_the_form_speaks_korean(self) -> None:
        self.login(self.owner)
        response = self.client.get(self.url())
        self.assertContains(response, "플랫폼 등록")
        self.assertContains(response, "배포 ID")
