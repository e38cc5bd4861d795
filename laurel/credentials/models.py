"""Issuer keys, status lists and the signed credentials of awards."""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.awards.models import Award
from laurel.core.ids import new_public_id
from laurel.orgs.models import Organization
from laurel.vc import identity, status_list


def new_key_fragment() -> str:
    # A DID URL fragment: letters, digits and "-" only, so every DID resolver accepts it.
    return f"key-{secrets.token_hex(6)}"


class IssuerKey(models.Model):
    """One signing key of an organization. The private half is only ever stored encrypted.

    ``__str__`` (and so ``repr``) shows the public id, kind and state, never key material.
    """

    class Kind(models.TextChoices):
        ED25519 = "Ed25519", "Ed25519"
        P256 = "P-256", "P-256"
        RSA = "RSA", "RSA"

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")
        COMPROMISED = "compromised", _("Compromised")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="issuer_keys")
    public_id = models.CharField(max_length=40, default=new_key_fragment)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    public_key_multibase = models.TextField()
    public_key_jwk = models.JSONField()
    # nonce || AES-256-GCM(PKCS #8 DER), bound to this row by the associated data (see keys.py).
    private_key_encrypted = models.BinaryField(editable=False)
    kek_id = models.CharField(max_length=20, editable=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    compromised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "public_id"], name="issuer_key_unique")]
        indexes = [models.Index(fields=["org", "state", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.kind}, {self.state})"


class StatusList(models.Model):
    """A W3C Bitstring Status List of one organization, issuer and purpose.

    ``bits`` are the published statuses; ``allocated`` marks indexes given to awards, kept
    apart so that clearing a suspension never frees a slot. ``credential`` is the signed list
    credential, re-signed whenever ``bits`` change, so requests only read it.
    """

    class Purpose(models.TextChoices):
        REVOCATION = "revocation", _("Revocation")
        SUSPENSION = "suspension", _("Suspension")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="status_lists")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    # The issuer id the list is published under; did:key issuers change with their key.
    issuer = models.CharField(max_length=2000)
    size = models.PositiveIntegerField(default=status_list.MIN_BITS)
    bits = models.BinaryField()
    allocated = models.BinaryField()
    allocated_count = models.PositiveIntegerField(default=0)
    credential = models.JSONField(null=True, blank=True)
    etag = models.CharField(max_length=64, blank=True)
    signed_with = models.ForeignKey(IssuerKey, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["org", "purpose", "issuer"])]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.purpose})"

    @property
    def is_full(self) -> bool:
        return self.allocated_count >= self.size

    @property
    def url(self) -> str:
        return f"{self.org.base_url}/o/{self.org.slug}/status/{self.public_id}"


class AwardStatus(models.Model):
    """An award's status slots, shared by every language's credential of the award.

    A credential carries one ``credentialStatus`` (the OB 3.0 schema allows a single object):
    the revocation entry. The suspension slot is published in the organization's suspension
    list for verifiers that look it up by the award, and drives the award's public state.
    """

    award = models.OneToOneField(Award, on_delete=models.CASCADE, related_name="credential_status")
    revocation_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    revocation_index = models.PositiveIntegerField()
    suspension_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    suspension_index = models.PositiveIntegerField()
    # The salt of the recipient's hashed email, so every language carries the same hash.
    recipient_salt = models.CharField(max_length=64, default=identity.new_salt)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["revocation_list", "revocation_index"], name="revocation_slot_unique"
            ),
            models.UniqueConstraint(
                fields=["suspension_list", "suspension_index"], name="suspension_slot_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award.public_id} #{self.revocation_index}"


class Credential(models.Model):
    """A signed OpenBadgeCredential of an award in one language. Never changed once written,
    but for ``jwt``: the bulk pipeline leaves it empty and ``signing.jwt_of`` fills it once."""

    class Language(models.TextChoices):
        KO = "ko", "한국어"
        EN = "en", "English"

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="credentials")
    language = models.CharField(max_length=2, choices=Language.choices)
    json = models.JSONField()
    jwt = models.TextField()
    proof_suite = models.CharField(max_length=40)
    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="credentials")
    jwt_key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["award", "language"], name="credential_language_unique")
        ]

    def __str__(self) -> str:
        return f"{self.award.public_id} ({self.language})"

    def save(self, *args: object, **kwargs: object) -> None:
        # Stored credentials are immutable: a signed document is only ever created.
        if self.pk is not None:
            raise ValueError("a signed credential is never changed")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
