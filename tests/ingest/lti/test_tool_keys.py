from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

from laurel.core.actor import Actor
from laurel.credentials.kek import DecryptionError
from laurel.ingest.lti import keys
from laurel.ingest.lti.models import ToolKey
from laurel.ingest.lti.setup import describe
from laurel.ingest.sources import create_source
from tests.ingest.lti.helpers import LtiTestCase


class ToolKeyTests(LtiTestCase):
    def test_the_source_lines_name_every_url_the_platform_needs(self) -> None:
        lines = describe(self.source)
        base = f"http://127.0.0.1:8000/lti/{self.source.public_id}/"
        self.assertEqual(lines["login_url"], base + "login")
        self.assertEqual(lines["launch_url"], base + "launch")
        self.assertEqual(lines["deep_linking_url"], base + "launch")
        self.assertEqual(lines["jwks_url"], base + "jwks")
        self.assertEqual(self.lines["jwks_url"], base + "jwks")  # shown when the source was created

    def test_the_jwks_publishes_the_public_rsa_key_under_its_thumbprint(self) -> None:
        (published,) = self.client.get(self.path("jwks")).json()["keys"]
        self.assertEqual((published["kty"], published["alg"], published["use"]), ("RSA", "RS256", "sig"))
        self.assertNotIn("d", published)
        self.assertEqual(published["kid"], JWK(**published).thumbprint())

    def test_the_private_key_is_stored_only_encrypted(self) -> None:
        key = ToolKey.objects.get(source=self.source)
        self.assertNotIn(b"PRIVATE KEY", bytes(key.private_key_encrypted))
        private = JWK.from_pem(keys.private_pem(key).encode())
        self.assertEqual(private.thumbprint(), key.kid)
        self.assertIsInstance(private.get_op_key("sign"), rsa.RSAPrivateKey)

    def test_a_key_moved_to_another_source_does_not_decrypt(self) -> None:
        other, _lines = create_source(Actor(user=self.owner), self.org, "lti", "Moodle")
        key = ToolKey.objects.get(source=self.source)
        key.source = other
        with self.assertRaises(DecryptionError):
            keys.private_pem(key)

    def test_each_source_has_its_own_key(self) -> None:
        other, _lines = create_source(Actor(user=self.owner), self.org, "lti", "Moodle")
        self.assertNotEqual(keys.current(other).kid, keys.current(self.source).kid)
        self.assertEqual(ToolKey.objects.count(), 2)

    def test_a_new_key_is_a_fresh_2048_bit_rsa_key(self) -> None:
        # The suite draws keys from a pool; this checks the generator production uses.
        first, second = keys.new_private_key(), keys.new_private_key()
        self.assertEqual((first.key_size, first.public_key().public_numbers().e), (2048, 65537))
        self.assertNotEqual(first.public_key().public_numbers().n, second.public_key().public_numbers().n)
