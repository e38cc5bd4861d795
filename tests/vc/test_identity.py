import hashlib
import json
import re
from pathlib import Path

import pytest

from laurel.vc.identity import IdentityObjectError, hash_identity, identity_object, matches, new_salt

# Stated in the conformance README and in the OB 3.0 IdentityHash definition.
README_HASH = "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"


def test_it_hashes_the_spec_example() -> None:
    assert hash_identity("a@example.com", "Kosher") == README_HASH


def test_the_spec_example_matches_an_independent_sha256() -> None:
    independent = "sha256$" + hashlib.sha256(b"a@example.comKosher").hexdigest()
    assert hash_identity("a@example.com", "Kosher") == independent


def test_the_conformance_readme_states_the_same_hash(conformance: Path) -> None:
    readme = (conformance / "README.md").read_text()
    assert "`a@example.com` + salt `Kosher`" in readme
    assert README_HASH in readme


def test_the_ob3_schema_uses_the_same_example(conformance: Path) -> None:
    schema = json.loads((conformance / "ob3-schemas" / "achievementcredential.json").read_text())
    comment = schema["$defs"]["IdentityObject"]["properties"]["identityHash"]["$comment"]
    assert README_HASH in comment


def test_it_builds_a_hashed_identity_object() -> None:
    assert identity_object("a@example.com", "Kosher") == {
        "type": "IdentityObject",
        "identityHash": README_HASH,
        "identityType": "emailAddress",
        "hashed": True,
        "salt": "Kosher",
    }


def test_it_draws_a_fresh_salt_when_none_is_given() -> None:
    first = identity_object("a@example.com")
    second = identity_object("a@example.com")
    assert first["salt"] != second["salt"]
    assert first["identityHash"] != second["identityHash"]
    assert matches(first, "a@example.com")
    assert matches(second, "a@example.com")


def test_new_salts_are_long_and_url_safe() -> None:
    salt = new_salt()
    assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", salt)


def test_it_builds_a_plain_identity_object_without_salt() -> None:
    identity = identity_object("a@example.com", hashed=False)
    assert identity == {
        "type": "IdentityObject",
        "identityHash": "a@example.com",
        "identityType": "emailAddress",
        "hashed": False,
    }
    assert matches(identity, "a@example.com")
    assert not matches(identity, "b@example.com")


def test_identity_objects_fit_the_ob3_schema(conformance: Path) -> None:
    schema = json.loads((conformance / "ob3-schemas" / "achievementcredential.json").read_text())
    definition = schema["$defs"]["IdentityObject"]
    for identity in (identity_object("a@example.com"), identity_object("a@example.com", hashed=False)):
        assert set(definition["required"]) <= set(identity)
        assert set(identity) <= set(definition["properties"])
        assert identity["identityType"] in definition["properties"]["identityType"]["oneOf"][0]["enum"]


def test_it_matches_the_right_recipient_only() -> None:
    identity = identity_object("a@example.com", "Kosher")
    assert matches(identity, "a@example.com")
    assert not matches(identity, "b@example.com")
    # Canonicalisation is the caller's job: a different spelling does not match.
    assert not matches(identity, "A@example.com")


def test_it_accepts_upper_case_hex() -> None:
    upper = "sha256$" + README_HASH.removeprefix("sha256$").upper()
    identity = {**identity_object("a@example.com", "Kosher"), "identityHash": upper}
    assert matches(identity, "a@example.com")


def test_it_matches_md5_hashes_from_older_issuers() -> None:
    digest = hashlib.md5(b"a@example.comKosher").hexdigest()
    identity = {
        "type": "IdentityObject",
        "identityHash": f"md5${digest}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": "Kosher",
    }
    assert matches(identity, "a@example.com")
    assert not matches(identity, "b@example.com")


def test_a_missing_salt_means_unsalted() -> None:
    identity = {
        "type": "IdentityObject",
        "identityHash": "sha256$" + hashlib.sha256(b"a@example.com").hexdigest(),
        "identityType": "emailAddress",
        "hashed": True,
    }
    assert matches(identity, "a@example.com")


def test_it_hashes_utf8() -> None:
    expected = "sha256$" + hashlib.sha256("학생@example.com소금".encode()).hexdigest()
    assert hash_identity("학생@example.com", "소금") == expected


@pytest.mark.parametrize(
    "change",
    [
        {"identityHash": "sha1$" + hashlib.sha1(b"a@example.comKosher").hexdigest()},
        {"identityHash": "b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"},
        {"identityHash": 42},
        {"type": "Profile"},
        {"hashed": "yes"},
        {"salt": 7},
    ],
)
def test_it_refuses_malformed_identity_objects(change: dict[str, object]) -> None:
    identity = {**identity_object("a@example.com", "Kosher"), **change}
    with pytest.raises(IdentityObjectError):
        matches(identity, "a@example.com")


def test_a_non_hex_digest_is_a_plain_mismatch() -> None:
    identity = {**identity_object("a@example.com", "Kosher"), "identityHash": "sha256$é"}
    assert not matches(identity, "a@example.com")
