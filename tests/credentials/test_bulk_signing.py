"""Credentials signed many at a time verify on their own and are stored once per award and language.

The proofs are checked here without Laurel's verifier: pyld canonicalizes with the official
context files, and the ``cryptography`` Ed25519 API checks the signature over the two hashes
(eddsa-rdfc-2022), and over the JWS signing input for the VC-JWT.
"""

import base64
import copy
import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import transaction
from pyld import jsonld as pyld

from laurel.credentials import issuers
from laurel.credentials.models import Credential
from laurel.credentials.signing import Signed, jwt_of, sign_award, sign_many, slots_for, store_new
from laurel.credentials.status import allocate_statuses
from tests.credentials.helpers import CredentialsTestCase
from tests.vc.conftest import SHARED

OFFICIAL_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-3.0.3.json",
}
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + BASE58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical(document: dict[str, Any]) -> bytes:
    def load(url: str, options: Any = None) -> dict[str, Any]:
        text = (SHARED / "contexts" / OFFICIAL_FILES[url]).read_text()
        return {"contextUrl": None, "documentUrl": url, "document": json.loads(text)}

    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": load}
    return pyld.normalize(copy.deepcopy(document), options).encode()


def check_proof(credential: dict[str, Any], public: Ed25519PublicKey) -> None:
    """eddsa-rdfc-2022 by the specification's steps; raises InvalidSignature when wrong."""
    (proof,) = credential["proof"]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = credential["@context"]
    document = {k: v for k, v in credential.items() if k != "proof"}
    data = hashlib.sha256(canonical(config)).digest() + hashlib.sha256(canonical(document)).digest()
    assert proof["proofValue"].startswith("z")
    public.verify(base58_decode(proof["proofValue"][1:]), data)


def check_jwt(token: str, public: Ed25519PublicKey) -> dict[str, Any]:
    header, payload, signature = token.split(".")
    assert json.loads(b64url(header))["alg"] == "EdDSA"
    public.verify(b64url(signature), f"{header}.{payload}".encode())
    return json.loads(b64url(payload))


class BulkSigningTests(CredentialsTestCase):
    def setUp(self) -> None:
        super().setUp()
        if not SHARED.is_dir():
            self.skipTest(f"conformance data not found at {SHARED}")

    def awards(self, count: int, badge: Any = None) -> list[Any]:
        made = [
            self.award(badge or self.bilingual, email=f"p{n}@example.com", name=f"학생{n}")
            for n in range(count)
        ]
        with transaction.atomic():
            allocate_statuses(made)
        return made

    def sign(self, awards: list[Any], skip: set[tuple[int, str]] | None = None) -> list[Signed]:
        org = awards[0].org
        made = sign_many(awards, slots_for(awards), issuers.signer(org), skip=skip or set())
        with transaction.atomic():
            return store_new(made)

    def public_key(self, credential: Credential | Signed) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(b64url(credential.key.public_key_jwk["x"]))

    def test_every_language_of_every_award_is_signed_once_and_verifies_independently(self) -> None:
        awards = self.awards(3)
        stored = self.sign(awards)
        self.assertEqual(
            sorted((c.award_id, c.language) for c in stored),
            [(a.pk, language) for a in awards for language in ("en", "ko")],
        )
        for credential in Credential.objects.filter(award__in=awards):
            check_proof(credential.json, self.public_key(credential))
            claims = check_jwt(credential.jwt, self.public_key(credential))
            unsigned = {k: v for k, v in credential.json.items() if k != "proof"}
            self.assertEqual(claims["credentialSubject"], unsigned["credentialSubject"])
            self.assertEqual(
                claims["id"],
                f"{awards[0].org.base_url}/a/{credential.award.public_id}/?lang={credential.language}",
            )

    def test_a_did_key_issuer_signs_many_that_verify_too(self) -> None:
        awards = self.awards(2, self.plain_badge)
        for credential in self.sign(awards):
            self.assertTrue(credential.json["issuer"]["id"].startswith("did:key:"))
            check_proof(credential.json, self.public_key(credential))

    def test_a_changed_credential_no_longer_verifies(self) -> None:
        (credential, *_rest) = self.sign(self.awards(1))
        changed = copy.deepcopy(credential.json)
        changed["credentialSubject"]["achievement"]["name"] = "Advanced Python"
        from cryptography.exceptions import InvalidSignature

        with self.assertRaises(InvalidSignature):
            check_proof(changed, self.public_key(credential))

    def test_the_same_awards_as_one_at_a_time_apart_from_the_proof(self) -> None:
        (one, two) = self.awards(2)
        bulk = {c.language: c.json for c in self.sign([one])}
        single = {c.language: c.json for c in sign_award(two)}
        for language in ("ko", "en"):
            a, b = bulk[language], single[language]
            for document, award in ((a, one), (b, two)):
                document.pop("proof")
                document["id"] = document["id"].replace(award.public_id, "AWARD")
                document["credentialSubject"].pop("identifier")
                document.pop("credentialStatus")
            self.assertEqual(a, b)

    def test_credentials_signed_on_demand_meanwhile_are_kept_not_doubled(self) -> None:
        awards = self.awards(2)
        made = sign_many(awards, slots_for(awards), issuers.signer(awards[0].org))
        on_demand = {c.language: c for c in sign_award(awards[0])}
        with transaction.atomic():
            stored = store_new(made)
        self.assertEqual(
            sorted((c.award_id, c.language) for c in stored), [(awards[1].pk, "en"), (awards[1].pk, "ko")]
        )
        kept = Credential.objects.filter(award=awards[0])
        self.assertEqual({c.language: c.pk for c in kept}, {k: c.pk for k, c in on_demand.items()})
        self.assertEqual(Credential.objects.filter(award__in=awards).count(), 4)

    def test_skipped_pairs_are_not_signed(self) -> None:
        awards = self.awards(2)
        made = sign_many(
            awards, slots_for(awards), issuers.signer(awards[0].org), skip={(awards[0].pk, "ko")}
        )
        self.assertEqual(
            sorted((c.award_id, c.language) for c in made),
            [(awards[0].pk, "en"), (awards[1].pk, "en"), (awards[1].pk, "ko")],
        )

    def test_sign_award_returns_what_the_bulk_signer_stored(self) -> None:
        (award,) = self.awards(1)
        stored = {c.language: c.jwt for c in self.sign([award])}
        self.assertEqual({c.language: c.jwt for c in sign_award(award)}, stored)

    def test_credentials_signed_without_their_jwt_get_it_made_once_on_first_request(self) -> None:
        awards = self.awards(2)
        made = sign_many(awards, slots_for(awards), issuers.signer(awards[0].org), with_jwt=False)
        with transaction.atomic():
            store_new(made)
        stored = list(Credential.objects.filter(award__in=awards).order_by("pk"))
        self.assertEqual({c.jwt for c in stored}, {""})
        for credential in stored:
            late = Credential.objects.get(pk=credential.pk)  # read before the token exists
            token = jwt_of(credential)
            claims = check_jwt(token, self.public_key(credential))
            header = json.loads(b64url(token.split(".")[0]))
            self.assertEqual(header["kid"], credential.json["proof"][0]["verificationMethod"])
            unsigned = {k: v for k, v in credential.json.items() if k != "proof"}
            self.assertEqual({k: claims[k] for k in unsigned}, unsigned)
            self.assertEqual(Credential.objects.get(pk=credential.pk).jwt, token)
            # A second request that read the row before the first stored its token gets that token.
            self.assertEqual(jwt_of(late), token)
            self.assertEqual(Credential.objects.get(pk=credential.pk).jwt, token)

    def test_a_stored_jwt_is_returned_as_it_is(self) -> None:
        (signed, *_rest) = self.sign(self.awards(1))
        stored = Credential.objects.get(award_id=signed.award_id, language=signed.language)
        self.assertTrue(signed.jwt)
        self.assertEqual(jwt_of(stored), signed.jwt)
