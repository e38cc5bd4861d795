"""Rate limits for everything a stranger can try over and over."""

import hashlib
import math
from datetime import timedelta

from django.http import HttpRequest

from laurel.core import http
from laurel.core.models import TokenBucket

# (attempts, window): the window is also how long a full bucket takes to refill.
LOGIN_PER_EMAIL = (10, timedelta(minutes=15))
LOGIN_PER_IP = (40, timedelta(minutes=15))
RESET_PER_IP = (10, timedelta(hours=1))
RESET_PER_EMAIL = (3, timedelta(hours=1))
SIGNUP_PER_IP = (10, timedelta(hours=1))
SIGNUP_PER_EMAIL = (3, timedelta(hours=1))
VERIFY_MAIL_PER_USER = (5, timedelta(hours=1))
TWO_FACTOR_PER_USER = (10, timedelta(minutes=15))


def client_ip(request: HttpRequest) -> str:
    return http.client_ip(request) or "unknown"


def allow(scope: str, key: str, limit: tuple[int, timedelta]) -> bool:
    """Take one attempt from the bucket of (scope, key); False once it is empty."""
    # Keys may be long or personal (email addresses), so buckets are named by a hash.
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    capacity, per = limit
    return TokenBucket.authorize(f"{scope}:{digest}", capacity, per)


def refill_seconds(limit: tuple[int, timedelta]) -> int:
    """How long until an emptied bucket holds one attempt again: a Retry-After value."""
    capacity, per = limit
    return math.ceil(per.total_seconds() / capacity)
