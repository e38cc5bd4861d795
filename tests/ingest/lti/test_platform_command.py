import io

from django.core.management import call_command
from django.core.management.base import CommandError

from laurel.core.actor import Actor
from laurel.ingest.lti.models import Platform
from laurel.ingest.sources import create_source
from laurel.test import BaseTestCase


class PlatformCommandTests(BaseTestCase):
    def setUp(self) -> None:
        self.source, _lines = create_source(Actor(user=self.owner), self.org, "lti", "Moodle")

    def run_command(self, *extra: str) -> str:
        out = io.StringIO()
        call_command(
            "lti_platform",
            "--source", self.source.public_id,
            "--issuer", "https://moodle.school.example",
            "--client-id", "8Yd2mRpSjmHS0rp",
            "--auth-login-url", "https://moodle.school.example/mod/lti/auth.php",
            "--token-url", "https://moodle.school.example/mod/lti/token.php",
            "--jwks-url", "https://moodle.school.example/mod/lti/certs.php",
            *extra,
            stdout=out,
        )  # fmt: skip
        return out.getvalue()

    def test_it_registers_the_platform_and_prints_the_tool_urls(self) -> None:
        output = self.run_command("--deployment-id", "1", "--deployment-id", "2")
        platform = Platform.objects.get(source=self.source)
        self.assertEqual(platform.issuer, "https://moodle.school.example")
        self.assertEqual(sorted(platform.deployments.values_list("deployment_id", flat=True)), ["1", "2"])
        self.assertIn(f"jwks_url: http://127.0.0.1:8000/lti/{self.source.public_id}/jwks", output)

    def test_running_it_again_replaces_the_deployments(self) -> None:
        self.run_command("--deployment-id", "1", "--deployment-id", "2")
        self.run_command("--deployment-id", "3")
        self.assertEqual(
            list(Platform.objects.get().deployments.values_list("deployment_id", flat=True)), ["3"]
        )

    def test_a_url_that_is_not_http_is_one_clear_error(self) -> None:
        with self.assertRaises(CommandError):
            self.run_command("--deployment-id", "1", "--jwks-url", "ftp://moodle.school.example/certs")
        self.assertFalse(Platform.objects.exists())

    def test_the_lms_page_addresses_can_be_given_and_a_bad_one_is_refused(self) -> None:
        self.run_command("--deployment-id", "1", "--frame-origin", "https://moodle.school.example:8443")
        self.assertEqual(Platform.objects.get().frame_origins, ["https://moodle.school.example:8443"])
        with self.assertRaises(CommandError) as refused:
            self.run_command("--deployment-id", "1", "--frame-origin", "moodle.school.example/course")
        self.assertIn("is not an address like", str(refused.exception))
        self.assertEqual(Platform.objects.get().frame_origins, ["https://moodle.school.example:8443"])
