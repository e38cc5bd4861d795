"""Endorsements of a badge definition or of one award, asked for by staff and signed once given."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.achievements.models import Achievement
from laurel.awards.models import Award
from laurel.core.ids import new_public_id
from laurel.credentials.models import StatusList
from laurel.orgs.models import Organization


class Endorsement(models.Model):
    """One endorsement: the request (an emailed single-use link) and, once given, its credential.

    The link is kept only as its sha256. ``credential`` is the signed ``EndorsementCredential``
    and never changes; withdrawing sets its revocation bit.
    """

    LIFETIME = timedelta(days=14)

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ISSUED = "issued", _("Issued")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Kind(models.TextChoices):
        # An organization on Laurel signs with its own key; anyone else is vouched for by
        # the organization that asked (docs/decisions/0009-endorsement-issuer.md).
        ORGANIZATION = "organization", _("Organization on Laurel")
        PERSON = "person", _("Person")
        OUTSIDE_ORGANIZATION = "outside_org", _("Organization not on Laurel")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="endorsements")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="endorsements")
    # Set when one award is endorsed; empty when the badge definition is.
    award = models.ForeignKey(
        Award, null=True, blank=True, on_delete=models.CASCADE, related_name="endorsements"
    )
    email = models.EmailField()  # canonical; the address the link was sent to
    token_hash = models.CharField(max_length=64, unique=True)
    message = models.TextField(blank=True)  # the staff's note in the request email
    language = models.CharField(max_length=2, default="ko")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    kind = models.CharField(max_length=12, choices=Kind.choices, blank=True)
    endorser_name = models.CharField(max_length=200, blank=True)
    endorser_url = models.URLField(blank=True)
    endorser_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The organization whose key signs: the endorsing organization, or the one that asked.
    signer_org = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment_ko = models.TextField(blank=True)
    comment_en = models.TextField(blank=True)
    credential = models.JSONField(null=True, blank=True)
    status_list = models.ForeignKey(
        StatusList, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status_index = models.PositiveIntegerField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["achievement", "status"]),
            models.Index(fields=["award", "status"]),
            models.Index(fields=["org", "-requested_at"]),
        ]

    def __str__(self) -> str:
        return self.public_id

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def url(self) -> str:
        """The credential's id: its public JSON."""
        return f"{self.org.base_url}/endorsements/{self.public_id}.json"

    @property
    def page_url(self) -> str:
        return f"{self.org.base_url}/endorsements/{self.public_id}/"
