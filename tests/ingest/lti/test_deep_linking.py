import base64
import hashlib
import re
from urllib.parse import urlencode

from laurel.ingest.lti.setup import describe
from tests.ingest.lti.helpers import LtiTestCase, fetch


class DeepLinkingTests(LtiTestCase):
    def test_a_deep_linking_request_is_answered_with_a_signed_resource_link(self) -> None:
        response = self.launch("teacher", message_hint="deep-link")
        self.assertEqual(response.status_code, 200, response.content)
        page = response.content.decode()
        action = re.search(r'<form id="deep-link-response" action="([^"]+)"', page)
        self.assertIsNotNone(action)
        self.assertEqual(action.group(1), self.platform.deep_link_return_url)
        token = re.search(r'name="JWT" value="([^"]+)"', page).group(1)
        # The platform verifies the response with the keys the tool publishes.
        status, _body = fetch(self.platform.deep_link_return_url, urlencode({"JWT": token}).encode())
        self.assertEqual(status, 200)
        (claims,) = self.platform.deep_link_items
        self.assertEqual(claims["iss"], self.platform.shape.client_id)
        self.assertEqual(claims["aud"], [self.platform.shape.issuer])
        self.assertEqual(
            claims["https://purl.imsglobal.org/spec/lti/claim/message_type"], "LtiDeepLinkingResponse"
        )
        self.assertEqual(
            claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"],
            self.platform.shape.deployment_id,
        )
        # The platform's opaque data comes back unchanged (LTI Deep Linking 2.0 §4.4.1).
        self.assertEqual(claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"], "dl-opaque-7")
        (item,) = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
        self.assertEqual(item["type"], "ltiResourceLink")
        self.assertEqual(item["title"], "Laurel badges")
        self.assertEqual(item["url"], describe(self.source)["launch_url"])

    def test_the_auto_submit_script_is_the_only_script_the_page_may_run(self) -> None:
        response = self.launch("teacher", message_hint="deep-link")
        script = re.search(r"<script>(.*?)</script>", response.content.decode(), re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        csp = response["Content-Security-Policy"]
        self.assertIn(f"script-src 'sha256-{digest}';", csp)
        self.assertTrue(csp.endswith(f"form-action 'self' {self.platform.base}"), csp)
