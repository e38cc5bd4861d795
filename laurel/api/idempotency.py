"""Idempotency-Key: a retried create gets the first answer back instead of a second award.

The key is scoped to the organization. The stored request hash covers the
method, the path and the canonical JSON body, so reusing a key for a
different request is refused (409) rather than answered with a stale result.
Only successful answers are stored; a failed request wrote nothing and may
be retried with the same key.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header

from laurel.api.errors import ApiProblem
from laurel.awards.models import IdempotencyKey as StoredKey
from laurel.core.problems import PROBLEM_TYPE_BASE
from laurel.orgs.models import Organization

# Long enough to cover any sensible retry loop; a key may be reused after that.
KEY_LIFETIME = timedelta(hours=24)
HEADER = "Idempotency-Key"

Outcome = tuple[int, dict[str, Any]]

# The header as an operation parameter, so it is validated and shows in the OpenAPI document.
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=200,
        description="Retried with the same key and body, a create returns its first response again.",
    ),
]


def request_hash(request: HttpRequest) -> str:
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = request.body.decode(errors="replace")
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def respond(status: int, body: dict[str, Any], *, replayed: bool = False) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def run_once(
    request: HttpRequest, org: Organization, key: str | None, create: Callable[[], Outcome]
) -> JsonResponse:
    """Run `create` unless this key already ran it; answer with its (status, body)."""
    if key is None:
        return respond(*create())
    digest = request_hash(request)
    try:
        with transaction.atomic():
            stored = _stored(org, key)
            if stored is not None:
                return _replay(stored, digest)
            status, body = create()
            StoredKey.objects.create(org=org, key=key, request_hash=digest, status=status, body=body)
            return respond(status, body)
    except IntegrityError:
        # A concurrent request with the same key committed first; ours was rolled back whole.
        with transaction.atomic():
            stored = _stored(org, key)
        if stored is None:
            raise
        return _replay(stored, digest)


def _stored(org: Organization, key: str) -> StoredKey | None:
    stored = StoredKey.objects.select_for_update().filter(org=org, key=key).first()
    if stored is not None and stored.created_at < timezone.now() - KEY_LIFETIME:
        stored.delete()
        return None
    return stored


def _replay(stored: StoredKey, digest: str) -> JsonResponse:
    if stored.request_hash != digest:
        raise ApiProblem(
            409,
            _("Idempotency key reused"),
            _("This Idempotency-Key was already used with a different request; use a new key."),
            type=PROBLEM_TYPE_BASE + "idempotency-key-reused",
        )
    return respond(stored.status, stored.body, replayed=True)
