"""Sending one webhook delivery for the outbox worker, and logging the attempt.

Webhooks are signed (Standard Webhooks); statements for an LRS carry HTTP Basic credentials
and the xAPI version header. The outbox owns retries, backoff, leases and the dead letter:
this sender raises when the receiver did not take the delivery (no answer, a time-out, any
status but 2xx), and the outbox tries again later. Redirects are not followed: a receiver
that moved must be edited.
"""

import base64
import time

from django.utils import timezone

from laurel.hooks import guard, signing
from laurel.hooks.actions import signing_secrets
from laurel.hooks.models import Attempt, Delivery, Endpoint
from laurel.vc.fetch import FetchError, FetchTimeoutError

USER_AGENT = "Laurel-webhooks/1"
XAPI_VERSION = "1.0.3"
EXCERPT_CHARS = 1000


def statements_url(endpoint: str) -> str:
    """The LRS's Statements resource: ``statements`` under the endpoint it was given as."""
    base = endpoint.split("?", 1)[0]
    if base.rstrip("/").endswith("/statements"):
        return base
    return base.rstrip("/") + "/statements"


def lrs_headers(username: str, password: str) -> dict[str, str]:
    basic = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {basic}", "X-Experience-API-Version": XAPI_VERSION}


class DeliveryFailed(Exception):
    """The receiver did not accept the delivery; the outbox retries it."""


def send(payload: dict[str, str]) -> None:
    delivery = Delivery.objects.select_related("endpoint").get(public_id=payload["delivery"])
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        raise DeliveryFailed("the endpoint is disabled")
    started = timezone.now()
    body = delivery.body.encode()
    secrets = signing_secrets(endpoint, started)
    if endpoint.kind == Endpoint.Kind.XAPI:
        url, headers = statements_url(endpoint.url), lrs_headers(endpoint.username, secrets[0])
    else:
        url, headers = endpoint.url, signing.headers(secrets, delivery.public_id, int(time.time()), body)
    headers.update({"Content-Type": "application/json", "User-Agent": USER_AGENT})
    clock = time.monotonic()
    attempt = Attempt(delivery=delivery, attempted_at=started)
    try:
        answer = guard.fetcher().post(url, body, headers)
    except FetchTimeoutError as exc:
        attempt.error = f"timed out: {exc}"
    except FetchError as exc:
        attempt.error = str(exc)
    else:
        attempt.status_code = answer.status
        attempt.response_excerpt = answer.body.decode("utf-8", "replace")[:EXCERPT_CHARS]
        attempt.succeeded = 200 <= answer.status < 300
        if not attempt.succeeded:
            attempt.error = f"HTTP {answer.status}"
    attempt.duration_ms = round((time.monotonic() - clock) * 1000)
    attempt.save()
    if not attempt.succeeded:
        raise DeliveryFailed(attempt.error)
