"""Signing a batch gives exactly the proofs that signing one document at a time gives."""

import copy
from typing import Any

import pytest

from bench.credentials import credentials
from laurel.vc import data_integrity
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
