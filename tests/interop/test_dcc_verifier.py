"""Credentials Laurel issues verify with an independent verifier: DCC's verifier-core, in Node.

The organization is served over plain http on 127.0.0.1, so its issuer is a did:key (did:web
refuses IP addresses) and the status list in each credential is a real URL of the live test
server, which Node fetches like any verifier would.
"""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from pytest_django.live_server_helper import LiveServer

from laurel.awards import actions as award_actions
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.credentials.actions import credential_for, revoke
from laurel.orgs.models import Organization
from tests.awards.helpers import make_achievement
from tests.credentials.helpers import KEK_A
from tests.vc.conftest import SHARED

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "dcc_verify.mjs"
VERIFIER = HERE / "node_modules" / "@digitalcredentials" / "verifier-core"
# The schema verifier-core picks for a VC 2.0 OpenBadgeCredential, and the official copy of it.
OB3_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
OB3_SCHEMA = SHARED / "ob3-schemas" / "achievementcredential.json"
CLI = Actor(user=None, via="cli")


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("node is not installed; the DCC interop test needs Node.js 18+")
    if not VERIFIER.is_dir():
        pytest.skip(f"{VERIFIER} is missing; run `npm ci --prefix tests/interop` (make test does)")
    if not OB3_SCHEMA.is_file():
        pytest.skip(f"conformance data not found at {OB3_SCHEMA}")
    return found


def dcc_verify(node: str, credential: dict[str, Any], tmp_path: Path, name: str) -> dict[str, Any]:
    """DCC's result for one credential: {"log": [...], "errors": [...], "additionalInformation": [...]}."""
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(credential, ensure_ascii=False), encoding="utf-8")
    env = {"PATH": "", "DCC_SCHEMAS": json.dumps({OB3_SCHEMA_URL: str(OB3_SCHEMA)})}
    done = subprocess.run(
        [node, str(SCRIPT), str(path)], cwd=HERE, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def steps(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in result["log"]}


@pytest.fixture
def issued(live_server: LiveServer, settings: Any) -> Award:
    """One award of a bilingual badge, by an organization served from the live test server."""
    port = urlsplit(live_server.url).port
    settings.KEK, settings.KEK_PREVIOUS = KEK_A, []
    settings.SITE_URL = f"http://127.0.0.1:{port}"
    org = Organization.objects.create(
        slug="hanbit",
        name_ko="한빛고등학교",
        name_en="Hanbit High School",
        public_base_url=f"http://127.0.0.1:{port}",
    )
    badge = make_achievement(
        org,
        "python",
        name_ko="파이썬 기초",
        name_en="Python Basics",
        description_ko="파이썬 입문 과정을 마쳤습니다.",
        description_en="Completed the introduction to Python.",
        criteria_ko="과제 3개 제출",
        criteria_en="Hand in three assignments",
    )
    return award_actions.award(CLI, org, badge, email="kim@example.com", name="김민수")


def test_laurel_credentials_pass_every_dcc_check_in_both_languages(
    node: str, issued: Award, tmp_path: Path
) -> None:
    for language in ("ko", "en"):
        credential = credential_for(issued, language).json
        assert credential["issuer"]["id"].startswith("did:key:z6Mk")
        assert credential["credentialStatus"]["statusListCredential"].startswith("http://127.0.0.1:")
        result = dcc_verify(node, credential, tmp_path, language)
        assert result["errors"] == [], result
        log = steps(result)
        assert log["valid_signature"]["valid"] is True, result
        assert log["expiration"]["valid"] is True, result
        # The status list was fetched from the live server, its own proof checked, the bit read.
        assert log["revocation_status"].get("valid") is True, result
        # verifier-core drops issuer_did_resolves from the log once the signature verified with
        # the key the DID resolved to; a did:key always resolves offline.
        assert "issuer_did_resolves" not in log
        # registered_issuer asks whether the issuer is listed in a DCC trust registry. We pass no
        # registries (a test issuer is in none, and looking one up needs the network), so the
        # honest answer is "not registered": assert exactly that, with nothing left unchecked.
        assert log["registered_issuer"]["valid"] is False
        assert log["registered_issuer"]["matchingIssuers"] == []
        assert log["registered_issuer"]["uncheckedRegistries"] == []
        assert set(log) == {"valid_signature", "expiration", "revocation_status", "registered_issuer"}
        # The schema check downloads the OB 3.0 JSON Schema; dcc_verify.mjs answers that one
        # URL from the official copy in ../shared, so the result is the same offline and online.
        (schema_check,) = [info for info in result["additionalInformation"] if info["id"] == "schema_check"]
        (schema_result,) = schema_check["results"]
        assert schema_result["schema"] == OB3_SCHEMA_URL
        assert schema_result["result"] == {"valid": True}, schema_result


def test_dcc_sees_a_revocation_through_the_status_list(node: str, issued: Award, tmp_path: Path) -> None:
    credential = credential_for(issued, "en").json
    assert steps(dcc_verify(node, credential, tmp_path, "before"))["revocation_status"].get("valid") is True
    revoke(CLI, issued, "Issued to the wrong person.")
    result = dcc_verify(node, credential, tmp_path, "after")
    assert result["errors"] == [], result
    log = steps(result)
    # The credential itself is untouched: still signed, only its status bit changed.
    assert log["valid_signature"]["valid"] is True
    assert log["revocation_status"].get("valid") is False, result


def test_dcc_rejects_a_tampered_copy_as_an_invalid_signature(
    node: str, issued: Award, tmp_path: Path
) -> None:
    credential = json.loads(json.dumps(credential_for(issued, "ko").json))
    credential["credentialSubject"]["achievement"]["name"] = "파이썬 심화"
    result = dcc_verify(node, credential, tmp_path, "tampered")
    assert [error["name"] for error in result["errors"]] == ["invalid_signature"], result
