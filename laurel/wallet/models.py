from django.conf import settings
from django.db import models
from django.utils import timezone


class AwardClaim(models.Model):
    """A learner's answer to an award: accepted or declined.

    One row per award, so a claim link works once: the row existing means the link is used.
    Declined awards stay in the institution's records; only the learner's pages hide them.
    """

    class State(models.TextChoices):
        ACCEPTED = "accepted"
        DECLINED = "declined"

    award = models.OneToOneField("awards.Award", on_delete=models.CASCADE, related_name="claim")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="award_claims")
    state = models.CharField(max_length=10, choices=State.choices)
    claimed_at = models.DateTimeField(default=timezone.now)
