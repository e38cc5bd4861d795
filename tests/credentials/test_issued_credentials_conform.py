"""Every credential the platform signs passes the official OB 3.0 schema, JSON-LD safe mode
and our verifier, whatever the badge carries."""

import json

from django.test import override_settings

from laurel.core.fetching import local_fetcher
from laurel.credentials.signing import sign_award
from laurel.vc import jsonld
from laurel.vc.verify import verify
from tests.awards.helpers import make_achievement
from tests.credentials.helpers import CredentialsTestCase
from tests.vc.conftest import SHARED
from tests.vc.official_schemas import official_validator


class IssuedCredentialsConformTests(CredentialsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.rich = make_achievement(
            cls.org,
            "rich",
            name_ko="데이터 분석 🚀",
            name_en="Data Analysis “advanced”",
            description_ko="줄바꿈이\n있는 설명",
            description_en="A description\nwith a line break",
            criteria_ko="- 과제 5개\n- **시험** 80점 이상",
            criteria_en="- five assignments\n- **exam** 80 or more",
            achievement_type="Certificate",
            validity_days=730,
            tags=["데이터", "python"],
            skills=["Data analysis", "통계"],
            alignments=[
                {
                    "targetName": "Data analysis",
                    "targetUrl": "https://example.org/frameworks/data/analysis",
                    "targetFramework": "Example framework",
                    "targetCode": "DA-1",
                }
            ],
            alt_text_ko="파란 배지",
            alt_text_en="A blue badge",
        )

    def credentials(self):  # type: ignore[no-untyped-def]
        awards = [
            self.award(),
            self.award(self.korean_only, email="park@example.com", name="박지원"),
            self.award(self.plain_badge, email="lee@example.com", name="Lee"),
            self.award(
                self.rich,
                email="choi@example.com",
                name="최유나",
                evidence_url="https://example.org/portfolio/choi",
                evidence_narrative="프로젝트 보고서를 제출했습니다.",
            ),
        ]
        return [credential for award in awards for credential in sign_award(award)]

    def test_every_issued_credential_passes_the_official_schema(self) -> None:
        if not SHARED.is_dir():
            self.skipTest(f"conformance data not found at {SHARED}")
        validator = official_validator(SHARED)
        credentials = self.credentials()
        self.assertEqual(len(credentials), 6)  # two bilingual badges, two in one language
        for credential in credentials:
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(credential.json)]
            self.assertEqual(errors, [], credential.json["id"])

    def test_every_issued_credential_expands_in_safe_mode_with_no_issuer_dependent_terms(self) -> None:
        for credential in self.credentials():
            jsonld.expand(credential.json)  # raises SafeModeError on any dropped or undefined term
            self.assertEqual(jsonld.issuer_dependent_terms(credential.json), [])

    # The site answers for its own hosts, as ALLOWED_HOSTS is set in production.
    @override_settings(ALLOWED_HOSTS=["badges.example.com", "plain.example"])
    def test_every_issued_credential_and_its_jwt_verify_with_no_warning(self) -> None:
        for credential in self.credentials():
            for data in (json.dumps(credential.json), credential.jwt):
                report = verify(data, fetcher=local_fetcher())
                problems = [c.to_dict() for c in report.checks if c.status not in ("pass", "skipped")]
                self.assertTrue(report.valid, problems)
                self.assertEqual(problems, [])
