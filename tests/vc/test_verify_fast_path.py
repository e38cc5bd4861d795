"""Common OB 3.0 credentials are checked on the compiled path, with the generic path's verdicts."""

import copy
from datetime import datetime, timedelta
from typing import Any

import pytest

from bench.credentials import credentials
from laurel.vc import data_integrity, jsonld, verify
from laurel.vc.keys import KeyPair
from laurel.vc.verify_ld import check_jsonld

ISSUER_DEPENDENT_VOCAB = {"@vocab": "https://www.w3.org/ns/credentials/issuer-dependent#"}


def _generic(credential: dict[str, Any]) -> tuple[list[str], list[str]]:
    result = jsonld.analyze(credential)
    return result.problems, result.issuer_dependent


@pytest.fixture
def credential() -> dict[str, Any]:
    return credentials(1, seed=21)[0]


def test_it_passes_a_laurel_credential_without_the_generic_expansion(
    credential: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _generic(credential) == ([], [])

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the generic expansion ran")

    monkeypatch.setattr(jsonld, "analyze", refuse)
    assert check_jsonld(credential, None).status == "pass"


def test_it_verifies_a_signed_credential_fully_on_the_compiled_path(
    credential: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = KeyPair.generate("Ed25519")
    method = key.public_key.verification_method_id()
    signed = data_integrity.sign(credential, key, verification_method=method, created="2026-02-01T00:00:00Z")
    monkeypatch.setattr(jsonld, "analyze", lambda *a, **k: pytest.fail("the generic expansion ran"))
    report = verify.verify(signed, now=verify_now(credential))
    assert {check.id: check.status for check in report.checks if check.id in ("jsonld", "proof")} == {
        "jsonld": "pass",
        "proof": "pass",
    }


def verify_now(credential: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(credential["validFrom"]) + timedelta(days=1)


@pytest.mark.parametrize("where", ["root", "achievement"])
def test_it_names_an_undefined_term_as_the_generic_path_does(credential: dict[str, Any], where: str) -> None:
    target = credential if where == "root" else credential["credentialSubject"]["achievement"]
    target["favouriteColour"] = "blue"
    problems, _ = _generic(credential)
    check = check_jsonld(credential, None)
    assert check.status == "fail"
    assert check.details["problems"] == problems
    assert any("favouriteColour" in problem for problem in problems)


def test_it_warns_about_issuer_dependent_terms_as_the_generic_path_does(credential: dict[str, Any]) -> None:
    credential["@context"] = [*credential["@context"], ISSUER_DEPENDENT_VOCAB]
    credential["favouriteColour"] = "blue"
    problems, dependent = _generic(copy.deepcopy(credential))
    assert problems == [] and dependent == ["favouriteColour"]
    check = check_jsonld(credential, None)
    assert check.status == "warning"
    assert check.details["issuer_dependent"] == dependent
