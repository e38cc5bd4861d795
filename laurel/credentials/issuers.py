"""Issuer identifiers and their keys: did:web for https organizations, did:key otherwise.

The rule for an organization's issuer id:

1. Its public base URL (``Organization.base_url``) is not https, or names a host did:web
   refuses (an IP address, localhost): the issuer is the ``did:key`` of its newest active
   Ed25519 key. Such an issuer changes with every rotation; old credentials keep naming the
   old did:key, which still resolves (a did:key needs no server).
2. The organization has a public base URL of its own that is a bare https host
   (``https://badges.hanbit.ac.kr``), not the site's: it owns that host, and its issuer is
   ``did:web:badges.hanbit.ac.kr``, served at ``/.well-known/did.json`` on that host.
3. Otherwise (the site's URL, or a base URL with a path): ``did:web:<host>[:<path>]:o:<slug>``,
   served at ``<base url>/o/<slug>/did.json``.

Verification methods of a did:web are ``<did>#<key public id>``; retired keys stay in the DID
document so credentials they signed still verify, compromised keys are removed from it.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from laurel.audit.actions import record
from laurel.core.actor import Actor
from laurel.credentials import keys
from laurel.credentials.models import IssuerKey
from laurel.orgs.models import Organization
from laurel.vc import did_web
from laurel.vc.keys import KeyKind, KeyPair

SYSTEM = Actor(user=None, via="system")
KINDS: tuple[KeyKind, ...] = ("Ed25519", "P-256", "RSA")


class IssuerKeyError(ValueError):
    """A key operation the rules refuse; the message is shown as is."""


def owns_host(org: Organization) -> bool:
    """Whether the organization's public base URL is a bare https host other than the site's."""
    if not org.public_base_url:
        return False
    parts, site = urlsplit(org.base_url), urlsplit(settings.SITE_URL)
    return parts.scheme == "https" and parts.path in ("", "/") and parts.netloc.lower() != site.netloc.lower()


def did_web_for(org: Organization) -> str | None:
    """The organization's did:web (rules 2 and 3 above), or None when it cannot have one."""
    base = org.base_url if owns_host(org) else f"{org.base_url}/o/{org.slug}"
    try:
        return did_web.did_web_from_url(base)
    except did_web.DidWebError:
        return None


def issuer_id(org: Organization) -> str:
    """The id the organization's new credentials carry as ``issuer.id``."""
    did = did_web_for(org)
    if did is not None:
        return did
    return keys.public_key(newest_key(org, "Ed25519")).did_key()


def newest_key(org: Organization, kind: KeyKind = "Ed25519") -> IssuerKey:
    """The active key new credentials are signed with, created when there is none."""
    key = _active(org, kind).first()
    return key if key is not None else ensure_issuer_keys(org, kinds=(kind,))[0]


def _active(org: Organization, kind: KeyKind) -> Any:
    return IssuerKey.objects.filter(org=org, kind=kind, state=IssuerKey.State.ACTIVE).order_by(
        "-created_at", "-pk"
    )


def _create_key(actor: Actor, org: Organization, kind: KeyKind, action: str) -> IssuerKey:
    key = IssuerKey(org=org)
    keys.seal(key, keys.generate(kind))
    key.save()
    record(
        actor,
        org,
        action,
        key,
        object_id=key.public_id,
        summary=f"{kind} {key.public_id}",
        after={"kind": kind},
    )
    return key


def _lock(org: Organization) -> Organization:
    # Serializes key changes of one organization: never two active keys made by a race.
    return Organization.objects.select_for_update().get(pk=org.pk)


def ensure_issuer_keys(
    org: Organization, kinds: tuple[KeyKind, ...] = ("Ed25519",), actor: Actor = SYSTEM
) -> list[IssuerKey]:
    """The newest active key of each kind, creating (and auditing) the missing ones.

    One Ed25519 key signs both Data Integrity proofs and EdDSA VC-JWTs: a did:key issuer
    *is* that key, so a second key could not be tied to the issuer. P-256 and RSA keys are
    made on demand for ES256 and RS256 VC-JWTs.
    """
    for kind in kinds:
        if kind not in KINDS:
            raise IssuerKeyError(f"unknown key kind {kind!r}; use one of {', '.join(KINDS)}")
    with transaction.atomic():
        org = _lock(org)
        found = []
        for kind in kinds:
            key = _active(org, kind).first()
            found.append(key if key is not None else _create_key(actor, org, kind, "keys.create"))
        return found


def rotate_key(actor: Actor, org: Organization, kind: KeyKind = "Ed25519") -> IssuerKey:
    """Retire the active keys of this kind and make a new one; new credentials use it.

    Retired keys stay in the DID document and keep signing the status lists published
    under a did:key issuer they are, so what they signed still verifies.
    """
    if kind not in KINDS:
        raise IssuerKeyError(f"unknown key kind {kind!r}; use one of {', '.join(KINDS)}")
    with transaction.atomic():
        org = _lock(org)
        now = timezone.now()
        retired = list(_active(org, kind))
        for old in retired:
            old.state, old.retired_at = IssuerKey.State.RETIRED, now
            old.save(update_fields=["state", "retired_at"])
        new = _create_key(actor, org, kind, "keys.rotate")
        record(
            actor,
            org,
            "keys.retire",
            object_id=",".join(k.public_id for k in retired),
            summary=f"{kind} → {new.public_id}",
            after={"retired": [k.public_id for k in retired], "new": new.public_id},
        )
        return new


def compromise_key(actor: Actor, org: Organization, key: IssuerKey, reason: str = "") -> IssuerKey:
    """Withdraw a key that may have leaked; everything it signed must stop verifying.

    With a did:web issuer the key leaves the DID document, so its signatures no longer
    resolve. A did:key issuer cannot withdraw anything: the identifier is the key, and
    verifiers resolve it without asking us. For those issuers the only signal left is the
    status list, so every award whose credentials the key signed is revoked there (the
    lists themselves stay signed by the did:key they belong to, the only key verifiers
    accept for them; a holder of the stolen key could forge a clean list, which is why
    production issuers should use https and did:web). Idempotent; an active key is
    replaced by a new one so signing goes on.
    """
    from laurel.credentials import status  # status needs this module; import late

    if key.org_id != org.pk:
        raise IssuerKeyError(f"key {key.public_id} does not belong to {org.slug}")
    with transaction.atomic():
        org = _lock(org)
        key = IssuerKey.objects.select_for_update().get(pk=key.pk)
        if key.state == IssuerKey.State.COMPROMISED:
            return key
        was_active = key.state == IssuerKey.State.ACTIVE
        key.state, key.compromised_at = IssuerKey.State.COMPROMISED, timezone.now()
        key.save(update_fields=["state", "compromised_at"])
        record(actor, org, "keys.compromise", key, object_id=key.public_id, summary=key.public_id)
        if was_active and not _active(org, key.kind).exists():  # type: ignore[arg-type]
            _create_key(actor, org, key.kind, "keys.create")  # type: ignore[arg-type]
        status.after_compromise(actor, org, key, reason=reason)
        return key


@dataclass(frozen=True)
class Signer:
    """What signs one document: the issuer id, the stored key, its opened pair and method id."""

    issuer: str
    key: IssuerKey
    pair: KeyPair
    verification_method: str

    def __repr__(self) -> str:
        return f"Signer({self.verification_method})"


def signer(org: Organization, kind: KeyKind = "Ed25519") -> Signer:
    """The signer of the organization's new credentials for this key kind."""
    did = did_web_for(org)
    key = newest_key(org, kind)
    if did is None:
        if kind != "Ed25519":
            raise IssuerKeyError(
                "a did:key issuer signs with its Ed25519 key only; give the organization https"
            )
        pair = keys.open_key(key)
        return Signer(pair.public_key.did_key(), key, pair, pair.public_key.verification_method_id())
    return Signer(did, key, keys.open_key(key), f"{did}#{key.public_id}")


def signer_for_issuer(org: Organization, issuer: str) -> Signer:
    """A signer for documents published under ``issuer`` (status lists made before a rotation)."""
    if issuer.startswith("did:key:"):
        for key in IssuerKey.objects.filter(org=org, kind="Ed25519").order_by("-created_at"):
            if keys.public_key(key).did_key() == issuer:
                pair = keys.open_key(key)
                return Signer(issuer, key, pair, pair.public_key.verification_method_id())
        raise IssuerKeyError(f"{org.slug} holds no key for {issuer}")
    # A did:web list is signed by the newest key under the DID it was published with, even
    # if the organization has since moved: its credentials keep naming that DID.
    key = newest_key(org, "Ed25519")
    return Signer(issuer, key, keys.open_key(key), f"{issuer}#{key.public_id}")


def published_keys(org: Organization) -> list[IssuerKey]:
    """Keys a did:web document lists: active and retired, newest first; never compromised ones."""
    states = [IssuerKey.State.ACTIVE, IssuerKey.State.RETIRED]
    return list(IssuerKey.objects.filter(org=org, state__in=states).order_by("-created_at", "-pk"))


def did_document(org: Organization) -> dict[str, Any] | None:
    """The organization's DID document, or None when its issuer is a did:key."""
    did = did_web_for(org)
    if did is None:
        return None
    published = published_keys(org) or ensure_issuer_keys(org)
    return did_web.build_did_document(did, [(key.public_id, keys.public_key(key)) for key in published])
