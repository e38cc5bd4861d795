import io

from django.core.management import call_command
from django.test import override_settings
from standardwebhooks.webhooks import Webhook

from laurel.hooks.actions import signing_secrets
from laurel.hooks.models import Endpoint
from tests.credentials.helpers import KEK_A, KEK_B
from tests.hooks.helpers import HooksTestCase


@override_settings(KEK=KEK_A, KEK_PREVIOUS=[])
class SecretStorageTests(HooksTestCase):
    def test_the_secret_is_stored_only_encrypted(self) -> None:
        raw = Endpoint.objects.filter(pk=self.endpoint.pk).values_list("secret_encrypted", flat=True).get()
        self.assertNotIn(self.secret.encode(), bytes(raw))
        self.assertNotIn(self.secret.removeprefix("whsec_").encode(), bytes(raw))

    def test_a_secret_copied_onto_another_endpoint_does_not_open(self) -> None:
        from laurel.core.actor import Actor
        from laurel.credentials.kek import DecryptionError
        from laurel.hooks.actions import create_endpoint

        other, _secret = create_endpoint(
            Actor(self.owner), self.org, url=self.receiver.url, event_types=["award.issued"]
        )
        other.secret_encrypted, other.secret_kek_id = (
            self.endpoint.secret_encrypted,
            self.endpoint.secret_kek_id,
        )
        with self.assertRaises(DecryptionError):
            signing_secrets(other, other.created_at)

    def test_rotate_kek_re_encrypts_endpoint_secrets_so_the_old_kek_can_go(self) -> None:
        out = io.StringIO()
        with override_settings(KEK=KEK_B, KEK_PREVIOUS=[KEK_A]):
            call_command("rotate_kek", stdout=out)
        self.assertIn("re-encrypted", out.getvalue())
        with override_settings(KEK=KEK_B, KEK_PREVIOUS=[]):
            self.award()
            self.deliver()
        [received] = self.receiver.received
        Webhook(self.secret).verify(received.body, received.headers)
