from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.core.ids import new_public_id
from laurel.orgs.models import Organization
from laurel.outbox.models import OutboxMessage


class EventType(models.TextChoices):
    AWARD_ISSUED = "award.issued", _("A badge is awarded")
    AWARD_REVOKED = "award.revoked", _("An award is revoked")
    PROGRESS_CHANGED = "progress.changed", _("A learner's progress towards a badge changes")


def new_message_id() -> str:
    # Standard Webhooks' webhook-id: unique per message, the same on every retry and replay.
    return "msg_" + new_public_id()


class Endpoint(models.Model):
    """A URL of the organization's that receives events: signed webhooks (Standard Webhooks), or
    an external LRS that receives an xAPI "achieved" statement for every award.

    A webhook secret must stay readable to sign with, so it is sealed with the KEK and bound to
    the endpoint; for an LRS the sealed secret is the HTTP Basic password of ``username``. After
    a rotation the previous webhook secret signs too, until ``previous_secret_until``, so
    receivers can switch over without losing a delivery.
    """

    class Kind(models.TextChoices):
        WEBHOOK = "webhook", _("Signed webhook")
        XAPI = "xapi", _("xAPI statements to an LRS")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="webhook_endpoints")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WEBHOOK)
    username = models.CharField(_("username"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=1000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(default=list)
    secret_encrypted = models.BinaryField()
    secret_kek_id = models.CharField(max_length=20)
    previous_secret_encrypted = models.BinaryField(null=True, blank=True)
    previous_secret_kek_id = models.CharField(max_length=20, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["org", "is_active"])]

    def __str__(self) -> str:
        return self.url


class Delivery(models.Model):
    """One event for one endpoint. Its webhook-id and body are fixed when the event happens;
    every attempt, retry and replay sends those same bytes (signed afresh with the time)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    public_id = models.CharField(max_length=40, unique=True, default=new_message_id)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    body = models.TextField()
    # The latest outbox message sending it; a replay queues a new one.
    message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replays = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.public_id}"


class Attempt(models.Model):
    """One POST of a delivery: what came back, or why nothing did, and how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField(default=timezone.now)
    succeeded = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["delivery", "-attempted_at"], name="webhook_attempt_log")]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code or self.error[:40]}"
