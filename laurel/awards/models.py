import datetime
import zoneinfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.achievements.models import Achievement, AchievementVersion
from laurel.core.ids import new_public_id
from laurel.orgs.models import Organization, Recipient


def local_today() -> datetime.date:
    """Today where the organization is; every organization uses the site's TIME_ZONE."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE))


class AwardBatch(models.Model):
    """A CSV bulk award: parsed and previewed, then confirmed all at once and issued in chunks.

    Confirming checks every row again and splits the rows into ``AwardChunk`` rows that
    background tasks award and sign (see ``laurel.awards.pipeline``).
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        ISSUING = "issuing", _("Issuing")
        ISSUED = "issued", _("Issued")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="award_batches")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    # [{"line": 2, "values": {column: text}, "errors": {column: [message]}}]:
    # what the preview shows and what confirm validates again and awards.
    rows = models.JSONField(default=list)
    # File-level notes that do not stop the batch, such as ignored columns.
    warnings = models.JSONField(default=list, blank=True)
    allow_duplicates = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The badge version every row is awarded, fixed when the batch is confirmed.
    version = models.ForeignKey(
        AchievementVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    # A task is queued to run after this moment; a chunk leased beyond it needs another one,
    # so the work of a worker that died is always picked up again (see pipeline.watch).
    watched_until = models.DateTimeField(null=True, blank=True)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.get("errors"))

    @property
    def ready_count(self) -> int:
        return len(self.rows) - self.error_count


class AwardChunk(models.Model):
    """A slice of a confirmed batch: awarded in one transaction, then signed in another.

    A worker holds a chunk by its lease (``lease`` and ``leased_until``); a chunk whose
    lease ran out is claimed again, and the transaction that finishes a step checks that
    its worker still holds the lease, so a step is committed once whoever runs it.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        AWARDED = "awarded", _("Awarded")
        SIGNED = "signed", _("Signed")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(AwardBatch, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    # The chunk's own rows, [{"line": 2, "values": {...}}], so a worker reads only its slice.
    rows = models.JSONField(default=list)
    size = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    lease = models.CharField(max_length=32, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    awarded_count = models.PositiveIntegerField(default=0)
    signed_count = models.PositiveIntegerField(default=0)
    # Rows not awarded because the database changed after the confirm:
    # [{"line": 7, "email": "...", "message": "..."}].
    skipped = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    # Seconds spent on each step ({"award": 0.2, "load": .., "build": .., "prove": .., "jwt": ..,
    # "store": ..}), so an operator (and bench/issue_csv.py) sees where the time goes.
    timings = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="award_chunk_unique")]
        indexes = [models.Index(fields=["state", "leased_until"])]

    def __str__(self) -> str:
        return f"{self.batch.public_id} #{self.number}"


class Award(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Manual")
        BULK = "bulk", _("CSV upload")
        API = "api", _("API")
        DEMO = "demo", _("Demo")
        RULE = "rule", _("Criteria rule")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

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
    # The CSV line the award came from: one award per line of a batch, however often a
    # chunk is retried.
    batch_line = models.PositiveIntegerField(null=True, blank=True)
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
        constraints = [
            models.UniqueConstraint(fields=["batch", "batch_line"], name="award_batch_line_unique")
        ]

    def __str__(self) -> str:
        return self.public_id

    def status_on(self, today: datetime.date | None = None) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_on is not None and self.expires_on < (today or local_today()):
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def public_url(self) -> str:
        return f"{self.org.base_url}/a/{self.public_id}/"


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
