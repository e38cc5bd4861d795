"""Signing a batch gives exactly the proofs that signing one document at a time gives."""

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from bench.credentials import credentials
from laurel.vc import compiled, data_integrity, jsonld, ob3
from laurel.vc.keys import KeyPair

CREATED = "2026-03-01T09:00:00Z"
OTHER_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
]


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return KeyPair.generate("Ed25519")


def _one_by_one(documents: list[dict[str, Any]], key: KeyPair) -> list[dict[str, Any]]:
    method = key.public_key.verification_method_id()
    return [data_integrity.sign(doc, key, verification_method=method, created=CREATED) for doc in documents]


def test_it_signs_a_batch_as_one_by_one_signing_would(key: KeyPair) -> None:
    documents = credentials(12, seed=7)
    method = key.public_key.verification_method_id()
    batch = data_integrity.sign_many(documents, key, verification_method=method, created=CREATED)
    assert batch == _one_by_one(documents, key)
    for signed in batch:
        data_integrity.verify(signed)


def test_it_keeps_documents_with_other_contexts_apart(key: KeyPair) -> None:
    documents = credentials(4, seed=8)
    other = copy.deepcopy(documents[1])
    other["@context"] = list(OTHER_CONTEXT)
    # Terms OB 3.0.2 does not define yet.
    other.pop("awardedDate", None)
    other["credentialSubject"]["achievement"].pop("inLanguage", None)
    documents.insert(2, other)
    method = key.public_key.verification_method_id()
    batch = data_integrity.sign_many(documents, key, verification_method=method, created=CREATED)
    assert batch == _one_by_one(documents, key)
    assert batch[2]["@context"] == OTHER_CONTEXT
    assert batch[2]["proof"]["proofValue"] != batch[1]["proof"]["proofValue"]


def test_it_refuses_a_document_in_the_batch_as_sign_refuses_it(key: KeyPair) -> None:
    documents = credentials(3, seed=9)
    documents[1] = {**documents[1], "proof": {"type": "DataIntegrityProof"}}
    method = key.public_key.verification_method_id()
    with pytest.raises(data_integrity.ProofGenerationError, match="proof sets"):
        data_integrity.sign_many(documents, key, verification_method=method, created=CREATED)


def test_it_leaves_the_documents_it_signs_unchanged(key: KeyPair) -> None:
    documents = credentials(2, seed=10)
    before = copy.deepcopy(documents)
    method = key.public_key.verification_method_id()
    batch = data_integrity.sign_many(documents, key, verification_method=method, created=CREATED)
    batch[0]["credentialSubject"]["achievement"]["name"] = "changed"
    assert documents == before


def _awards_of_one_version(count: int, parts: ob3.SharedParts | None) -> list[dict[str, Any]]:
    """Credentials of one badge version, as the issuing pipeline builds them."""
    issuer = ob3.IssuerProfile(id="https://badges.example.org/issuers/hanbit", name="한빛 대학교")
    achievement = ob3.AchievementInfo(
        id="https://badges.example.org/achievements/data-101",
        name="데이터 기초",
        description="Reads and summarises a data set.",
        # Anonymous criteria and alignments: blank nodes inside the shared part.
        criteria=ob3.Criteria(narrative="Submit three assignments."),
        alignments=(
            ob3.Alignment(
                target_name="NCS 정보능력", target_url="https://www.ncs.go.kr/a", target_code="KC-07"
            ),
            ob3.Alignment(target_name="DigComp 1.1", target_url="https://example.eu/digcomp"),
        ),
        tags=("데이터", "Data"),
    )
    return [
        ob3.build_credential(
            credential_id=f"urn:uuid:00000000-0000-4000-8000-{index:012d}",
            issuer=issuer,
            achievement=achievement,
            recipient=ob3.Recipient(
                email=f"learner{index}@example.ac.kr", salt=f"salt{index}", name=f"학생 {index}"
            ),
            name="데이터 기초",
            valid_from=datetime(2026, 3, 1, tzinfo=UTC),
            parts=parts,
        )
        for index in range(count)
    ]


def test_documents_sharing_their_issuer_and_achievement_objects_sign_as_separate_ones(key: KeyPair) -> None:
    shared = _awards_of_one_version(6, ob3.SharedParts())
    # The pipeline's documents really hold the same objects; separately built ones do not.
    assert shared[0]["issuer"] is shared[5]["issuer"]
    assert shared[0]["credentialSubject"]["achievement"] is shared[5]["credentialSubject"]["achievement"]
    separate = _awards_of_one_version(6, None)
    assert separate[0]["issuer"] is not separate[5]["issuer"]
    assert shared == separate
    method = key.public_key.verification_method_id()
    batch = data_integrity.sign_many(shared, key, verification_method=method, created=CREATED)
    assert batch == _one_by_one(separate, key)
    walks = compiled.SharedWalks(compiled.SharedWalks.find(shared))
    for document in shared:
        # Each document's canonical form, with the shared parts replayed after the first, is pyld's.
        assert compiled.canonize_compiled(document, walks) == jsonld.canonize(document)
    assert len(walks.walks) == 2  # the issuer and the achievement were recorded once each
