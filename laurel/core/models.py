from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils import timezone


class TokenBucket(models.Model):
    """A leaky bucket per key (login per address, reset per IP, ...).

    Stored in the database so limits hold across web processes without Redis.
    """

    value = models.CharField(max_length=200, unique=True)
    tokens = models.FloatField(default=1.0)
    updated = models.DateTimeField(default=timezone.now)

    @staticmethod
    def authorize(value: str, capacity: int, per: timedelta, now: datetime | None = None) -> bool:
        """Take one token for `value`; False when `capacity` were used within `per`."""
        now = now or timezone.now()
        with transaction.atomic():
            bucket, _ = TokenBucket.objects.select_for_update().get_or_create(
                value=value, defaults={"tokens": 1.0, "updated": now}
            )
            elapsed = (now - bucket.updated).total_seconds()
            refill = elapsed / per.total_seconds()
            bucket.tokens = min(1.0, bucket.tokens + refill)
            bucket.updated = now
            cost = 1.0 / capacity
            allowed = bucket.tokens >= cost - 1e-9
            if allowed:
                bucket.tokens -= cost
            bucket.save()
            return allowed
