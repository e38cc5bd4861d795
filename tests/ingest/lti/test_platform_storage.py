"""OIDC login with platform storage (LTI Client Side postMessages), over real HTTP between the
tool and the fake platform; the browser's part is in test_platform_storage_browser.py."""

import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import time_machine
from django.http import HttpResponse
from django.utils import timezone

from laurel.ingest.lti.models import LaunchValue
from laurel.ingest.models import SourceIdentity
from tests.ingest.lti.fake_platform import form_fields, login_query
from tests.ingest.lti.helpers import LtiTestCase, fetch

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


def config_of(response: HttpResponse) -> dict[str, str]:
    found = re.search(
        r'<script id="lti-storage-config" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert found is not None, response.content
    return json.loads(found.group(1))


class PlatformStorageTests(LtiTestCase):
    def storage_login(self, target: str = "_parent") -> HttpResponse:
        query = {
            **login_query(self.platform, "learner", self.platform.redirect_uris[0]),
            "lti_storage_target": target,
        }
        return self.client.get(self.path("login"), query)

    def platform_answer(self, config: dict[str, str]) -> dict[str, str]:
        """The browser goes on to the platform's authorization endpoint; its form comes back."""
        status, page = fetch(config["auth_url"])
        self.assertEqual(status, 200, page)
        return form_fields(page)

    def cookieless_launch(self) -> tuple[dict[str, str], dict[str, str], HttpResponse]:
        config = config_of(self.storage_login())
        fields = self.platform_answer(config)
        self.client.cookies.clear()  # the browser refused the tool's cookie in the platform's iframe
        return config, fields, self.client.post(self.path("launch"), fields)

    def test_a_login_offering_storage_gets_a_page_that_stores_state_and_nonce_there(self) -> None:
        response = self.storage_login()
        self.assertEqual(response.status_code, 200)
        config = config_of(response)
        query = {k: v[0] for k, v in parse_qs(urlsplit(config["auth_url"]).query).items()}
        # The values the page stores are the ones in the authentication request it goes on to.
        self.assertEqual((config["state"], config["nonce"]), (query["state"], query["nonce"]))
        self.assertEqual((config["mode"], config["target"]), ("put", "_parent"))
        self.assertEqual(config["platform_origin"], self.platform.base)
        self.assertTrue(config["auth_url"].startswith(self.platform.auth_login_url + "?"))
        self.assertEqual(query["redirect_uri"], self.platform.redirect_uris[0])
        # The state cookie is still set: where the browser keeps it, nothing else is needed.
        self.assertEqual(response.cookies[f"lti1p3-{query['state']}"].value, query["state"])
        csp = response["Content-Security-Policy"]
        self.assertIn("script-src 'self';", csp)
        self.assertIn(self.platform.base, csp.split("frame-ancestors")[1])
        self.assertContains(response, '<script src="/static/laurel/lti-storage.js"></script>', html=True)

    def test_a_named_storage_frame_is_passed_on_to_the_page(self) -> None:
        self.assertEqual(
            config_of(self.storage_login("post_message_forwarding"))["target"], "post_message_forwarding"
        )

    def test_a_storage_target_that_is_not_a_frame_name_is_ignored(self) -> None:
        response = self.storage_login('x"><script>alert(1)</script>')
        self.assertEqual(response.status_code, 302)

    def test_with_its_cookie_a_storage_login_launches_at_once(self) -> None:
        fields = self.platform_answer(config_of(self.storage_login()))
        response = self.client.post(self.path("launch"), fields)
        self.assertContains(response, "Badges of Jane Doe")

    def test_without_its_cookie_the_launch_first_asks_the_platform_frame(self) -> None:
        config, fields, response = self.cookieless_launch()
        self.assertEqual(response.status_code, 200)
        check = config_of(response)
        self.assertEqual(
            (check["mode"], check["state"], check["nonce"], check["target"]),
            ("get", config["state"], config["nonce"], "_parent"),
        )
        # The page re-posts the very same launch, marked as checked, to the tool itself.
        self.assertEqual(
            form_fields(response.content.decode()),
            {"id_token": fields["id_token"], "state": fields["state"], "lti_storage_checked": "1"},
        )
        self.assertIn(f'action="{self.platform.redirect_uris[0]}"', response.content.decode())
        self.assertFalse(SourceIdentity.objects.exists())  # nothing is accepted before the check

    def test_the_checked_launch_from_the_tools_own_page_is_accepted_once(self) -> None:
        _config, fields, _check = self.cookieless_launch()
        checked = {**fields, "lti_storage_checked": "1"}
        response = self.client.post(self.path("launch"), checked, **SAME_ORIGIN)
        self.assertContains(response, "Badges of Jane Doe")
        self.assertEqual(SourceIdentity.objects.get(kind="lti").recipient, self.jane)
        again = self.client.post(self.path("launch"), checked, **SAME_ORIGIN)
        self.assertEqual(again.status_code, 400)

    def test_an_origin_header_of_this_site_also_marks_the_tools_own_page(self) -> None:
        _config, fields, _check = self.cookieless_launch()
        response = self.client.post(
            self.path("launch"), {**fields, "lti_storage_checked": "1"}, HTTP_ORIGIN="http://127.0.0.1:8000"
        )
        self.assertEqual(response.status_code, 200)

    def test_a_checked_launch_posted_from_another_site_is_refused(self) -> None:
        _config, fields, _check = self.cookieless_launch()
        checked = {**fields, "lti_storage_checked": "1"}
        cross = self.client.post(self.path("launch"), checked, HTTP_SEC_FETCH_SITE="cross-site")
        self.assertEqual(cross.status_code, 400)
        self.assertContains(cross, "did not come from this tool", status_code=400)
        foreign = self.client.post(self.path("launch"), checked, HTTP_ORIGIN="https://evil.example")
        self.assertEqual(foreign.status_code, 400)
        self.assertFalse(SourceIdentity.objects.exists())
        # The sign-in was not used up by the refused attempts.
        self.assertEqual(self.client.post(self.path("launch"), checked, **SAME_ORIGIN).status_code, 200)

    def test_an_id_token_from_another_login_is_refused_before_any_check(self) -> None:
        config = config_of(self.storage_login())
        other = self.platform_answer(config_of(self.storage_login()))
        self.client.cookies.clear()
        mixed = {"id_token": other["id_token"], "state": config["state"]}
        response = self.client.post(self.path("launch"), mixed)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "does not answer the sign-in", status_code=400)

    def test_a_cookieless_launch_of_a_login_without_storage_is_still_refused(self) -> None:
        fields = self.authenticate()
        self.client.cookies.clear()
        response = self.client.post(
            self.path("launch"), {**fields, "lti_storage_checked": "1"}, **SAME_ORIGIN
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "State not found", status_code=400)

    def test_a_stored_login_is_good_for_ten_minutes(self) -> None:
        config = config_of(self.storage_login())
        fields = self.platform_answer(config)
        self.client.cookies.clear()
        row = LaunchValue.objects.get(key=f"lti1p3-storage-{config['state']}")
        self.assertEqual(row.value, {"nonce": config["nonce"], "target": "_parent"})
        with time_machine.travel(timezone.now() + timedelta(minutes=11)):
            response = self.client.post(self.path("launch"), fields)
        self.assertContains(response, "State not found", status_code=400)
