"""Accepted evidence is signed into the credential as OB 3.0 Evidence, which passes the
official schema and verifies."""

import json

from django.test import override_settings

from laurel.core.actor import Actor
from laurel.core.fetching import local_fetcher
from laurel.credentials.signing import sign_award
from laurel.rules.evidence_actions import decide, submit_evidence
from laurel.rules.evidence_files import Attachment
from laurel.vc.verify import verify
from tests.credentials.helpers import HTTPS_SITE, KEK_A
from tests.rules.evidence_helpers import ASKED_EN, ASKED_KO, EvidenceTestCase
from tests.vc.conftest import SHARED
from tests.vc.official_schemas import official_validator

NARRATIVE = "보고서의 **분석** 부분을 맡았습니다.\n\n- 데이터 정제\n- 시각화"


@override_settings(SITE_URL=HTTPS_SITE, KEK=KEK_A, KEK_PREVIOUS=[], ALLOWED_HOSTS=["badges.example.com"])
class EvidenceInCredentialTests(EvidenceTestCase):
    def issued(self):  # type: ignore[no-untyped-def]
        self.send(url="https://example.org/reports/hong?v=2", narrative=NARRATIVE)
        state = decide(Actor(self.mentor), self.state, "accept")
        assert state.award is not None
        return {c.language: c for c in sign_award(state.award)}

    def test_each_language_carries_the_evidence_with_what_was_asked_in_that_language(self) -> None:
        credentials = self.issued()
        self.assertEqual(sorted(credentials), ["en", "ko"])
        for language, asked in (("ko", ASKED_KO), ("en", ASKED_EN)):
            self.assertEqual(
                credentials[language].json["evidence"],
                [
                    {
                        "type": ["Evidence"],
                        "id": "https://example.org/reports/hong?v=2",
                        "description": asked,
                        "narrative": NARRATIVE,
                    }
                ],
            )

    def test_the_credential_passes_the_official_schema(self) -> None:
        if not SHARED.is_dir():
            self.skipTest(f"conformance data not found at {SHARED}")
        validator = official_validator(SHARED)
        for credential in self.issued().values():
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(credential.json)]
            self.assertEqual(errors, [])

    def test_the_credential_and_its_jwt_verify(self) -> None:
        for credential in self.issued().values():
            for data in (json.dumps(credential.json), credential.jwt):
                report = verify(data, fetcher=local_fetcher())
                problems = [c.to_dict() for c in report.checks if c.status not in ("pass", "skipped")]
                self.assertTrue(report.valid, problems)
                self.assertEqual(problems, [])

    def test_tampering_with_the_evidence_breaks_the_signature(self) -> None:
        credential = self.issued()["en"].json
        credential["evidence"][0]["narrative"] = "Someone else's work"
        self.assertFalse(verify(json.dumps(credential), fetcher=local_fetcher()).valid)

    def test_an_attached_file_is_the_evidence_id_and_still_conforms(self) -> None:
        if not SHARED.is_dir():
            self.skipTest(f"conformance data not found at {SHARED}")
        pdf = Attachment(name="report.pdf", content_type="application/pdf", data=b"%PDF-1.4\n%%EOF\n")
        submission = submit_evidence(Actor(self.learner), self.state, narrative="Attached.", attachment=pdf)
        state = decide(Actor(self.mentor), self.state, "accept")
        assert state.award is not None
        validator = official_validator(SHARED)
        for credential in sign_award(state.award):
            [evidence] = credential.json["evidence"]
            self.assertEqual(evidence["id"], f"{HTTPS_SITE}/e/{submission.public_id}/")
            self.assertEqual([e.message for e in validator.iter_errors(credential.json)], [])
            self.assertTrue(verify(json.dumps(credential.json), fetcher=local_fetcher()).valid)
