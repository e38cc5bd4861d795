"""An organization served over https (did:web) and one over http (did:key), with badges."""

from django.test import override_settings
from django.utils import translation

from laurel.core.actor import Actor
from laurel.credentials.models import Credential, IssuerKey
from laurel.orgs.models import Organization
from laurel.test import BaseTestCase
from tests.awards.helpers import make_achievement, make_award

# A 32-byte KEK in base64url, as LAUREL_KEK holds it (generated for these tests).
KEK_A = "0QbbSpL0uoeRL8N0rTqr4LWeNr8u-dKBG0o7kCy8ESU"
KEK_B = "pCmT0p6JgbBT7wyFqN7aL-9h4lHV6Wqz3QfF0Yk1R2c"
HTTPS_SITE = "https://badges.example.com"


@override_settings(SITE_URL=HTTPS_SITE, KEK=KEK_A, KEK_PREVIOUS=[])
class CredentialsTestCase(BaseTestCase):
    """Hanbit is reached at the (https) site URL; "plain" has an http base URL of its own."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.actor = Actor(user=cls.owner)
        cls.plain = Organization.objects.create(
            slug="plain", name_en="Plain School", public_base_url="http://plain.example"
        )
        cls.bilingual = make_achievement(
            cls.org,
            "python",
            name_ko="파이썬 기초",
            name_en="Python Basics",
            description_ko="파이썬 입문 과정을 마쳤습니다.",
            description_en="Completed the introduction to Python.",
            criteria_ko="과제 3개 제출",
            criteria_en="Hand in three assignments",
        )
        cls.korean_only = make_achievement(cls.org, "safety", name_ko="실험실 안전")
        cls.plain_badge = make_achievement(cls.plain, "attendance", name_en="Attendance")

    def setUp(self) -> None:
        super().setUp()
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def award(self, achievement=None, email: str = "kim@example.com", name: str = "김민수", **fields):  # type: ignore[no-untyped-def]
        return make_award(achievement or self.bilingual, email, name, **fields)


def private_material(key: IssuerKey) -> list[str]:
    """Every encoding of a key's secret that must never be shown anywhere."""
    from laurel.credentials.keys import open_key

    pair = open_key(key)
    jwk = pair.to_jwk(private=True)
    found = [value for name, value in jwk.items() if name not in ("kty", "crv", "x", "y", "n", "e")]
    if pair.kind != "RSA":
        found.append(pair.to_multikey())
    return found


__all__ = ["Credential", "CredentialsTestCase", "private_material"]
