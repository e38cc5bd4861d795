"""Securing documents with the organization's key: one place that picks the cryptosuite."""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from laurel.credentials.issuers import Signer
from laurel.vc import data_integrity, jwt


def xsd_now(now: datetime | None = None) -> str:
    """The current moment as an XML Schema dateTime in UTC, whole seconds."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")


def prove(document: Mapping[str, Any], signer: Signer, *, created: str) -> tuple[dict[str, Any], str]:
    """``document`` with a Data Integrity proof, and the cryptosuite used (eddsa-rdfc-2022)."""
    signed = data_integrity.sign(
        document, signer.pair, verification_method=signer.verification_method, created=created
    )
    return signed, data_integrity.EDDSA_RDFC_2022


def prove_many(
    documents: Sequence[Mapping[str, Any]], signer: Signer, *, created: str, copies: bool = True
) -> list[tuple[dict[str, Any], str]]:
    """:func:`prove` for many documents, in order; the bulk pipeline's entry point.

    The proofs are those :func:`prove` makes one at a time; work the documents share is done
    once. Without ``copies`` the results share their members' values with ``documents``
    (``data_integrity.sign_many``).
    """
    signed = data_integrity.sign_many(
        documents,
        signer.pair,
        verification_method=signer.verification_method,
        created=created,
        copies=copies,
    )
    return [(document, data_integrity.EDDSA_RDFC_2022) for document in signed]


def sign_jwt(credential: Mapping[str, Any], signer: Signer) -> str:
    """The VC-JWT of an unsecured credential; the header's kid names the verification method."""
    return jwt.sign_vc_jwt(credential, signer.pair, kid=signer.verification_method)
