from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """A message to send, written in the same transaction as the change it reports.

    The worker claims due rows atomically, sends them, and retries with backoff;
    emails, and the webhooks laurel.hooks registers a sender for.
    """

    class Kind(models.TextChoices):
        EMAIL = "email"
        WEBHOOK = "webhook"

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        DEAD = "dead"  # gave up after too many attempts

    org = models.ForeignKey("orgs.Organization", null=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A claim lease: a worker that dies mid-send loses it when this passes.
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
