from django.conf import settings
from django.db import models
from django.utils import timezone

from laurel.achievements.models import Achievement, AchievementVersion
from laurel.core.ids import new_public_id
from laurel.orgs.models import Organization, Recipient


class AwardBatch(models.Model):
    """A CSV bulk award: parsed and previewed, then confirmed all at once."""

    class Status(models.TextChoices):
        PREVIEW = "preview"
        CONFIRMED = "confirmed"
        CANCELLED = "cancelled"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="award_batches")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    # [{"line": 2, "values": {...}, "errors": [...]}]: what the preview shows and confirm uses.
    rows = models.JSONField(default=list)
    allow_duplicates = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.get("errors"))


class Award(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual"
        BULK = "bulk"
        API = "api"
        DEMO = "demo"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="awards")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="awards")
    version = models.ForeignKey(AchievementVersion, on_delete=models.PROTECT, related_name="awards")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="awards")
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    evidence_url = models.URLField(max_length=1000, blank=True)
    evidence_narrative = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    batch = models.ForeignKey(
        AwardBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="awards"
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["org", "-created_at"]),
            models.Index(fields=["achievement", "recipient"]),
        ]

    def __str__(self) -> str:
        return self.public_id


class IdempotencyKey(models.Model):
    """Remembers an API create so a retried request gets the first answer back."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "key"], name="idempotency_key_unique")]
