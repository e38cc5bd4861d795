"""Writes of outgoing webhooks: endpoints (created, rotated, disabled), events queued through
the outbox in the transaction that caused them, and replays of deliveries."""

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.audit.actions import record
from laurel.core.actor import Actor
from laurel.credentials import kek
from laurel.hooks import events, guard, signing
from laurel.hooks.models import Delivery, Endpoint, EventType
from laurel.orgs.models import Organization
from laurel.outbox.actions import nudge_after_commit
from laurel.outbox.models import OutboxMessage

log = logging.getLogger(__name__)
# After a rotation the old secret keeps signing this long, beside the new one.
ROTATION_OVERLAP = timedelta(hours=24)
MAX_ENDPOINTS = 20
MAX_REPLAY = 10_000


def _aad(endpoint: Endpoint) -> bytes:
    # Binds the ciphertext to its endpoint: a secret copied onto another row does not decrypt.
    return f"laurel outgoing webhook secret {endpoint.public_id}".encode()


def _seal(endpoint: Endpoint, secret: str) -> None:
    endpoint.secret_kek_id, endpoint.secret_encrypted = kek.encrypt(secret.encode(), _aad(endpoint))


def signing_secrets(endpoint: Endpoint, now: datetime) -> list[str]:
    """The secrets to sign with now: the current one, and the previous during the overlap."""
    found = [kek.decrypt(endpoint.secret_kek_id, bytes(endpoint.secret_encrypted), _aad(endpoint)).decode()]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret_encrypted is not None and until is not None and now < until:
        sealed = bytes(endpoint.previous_secret_encrypted)
        found.append(kek.decrypt(endpoint.previous_secret_kek_id, sealed, _aad(endpoint)).decode())
    return found


def reseal(endpoint: Endpoint) -> bool:
    """Re-encrypt the endpoint's secrets under the current KEK (for ``rotate_kek``); False if
    they already are. The caller saves the four secret fields."""
    current = kek.current_kek_id()
    changed = False
    if endpoint.secret_kek_id != current:
        clear = kek.decrypt(endpoint.secret_kek_id, bytes(endpoint.secret_encrypted), _aad(endpoint))
        endpoint.secret_kek_id, endpoint.secret_encrypted = kek.encrypt(clear, _aad(endpoint))
        changed = True
    previous = endpoint.previous_secret_encrypted
    if previous is not None and endpoint.previous_secret_kek_id != current:
        clear = kek.decrypt(endpoint.previous_secret_kek_id, bytes(previous), _aad(endpoint))
        endpoint.previous_secret_kek_id, endpoint.previous_secret_encrypted = kek.encrypt(
            clear, _aad(endpoint)
        )
        changed = True
    return changed


def clean_event_types(values: Sequence[str]) -> list[str]:
    unknown = sorted(set(values) - set(EventType.values))
    if unknown:
        raise ValidationError(
            {"event_types": _("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)}}
        )
    if not values:
        raise ValidationError({"event_types": _("Choose at least one event type.")})
    return [t for t in EventType.values if t in values]


def create_endpoint(
    actor: Actor, org: Organization, *, url: str, event_types: Sequence[str], description: str = ""
) -> tuple[Endpoint, str]:
    """Add an endpoint; returns it and its secret, which is shown this once."""
    errors: dict[str, list[str]] = {}
    try:
        url = guard.check_url(url)
    except ValidationError as error:
        errors["url"] = error.messages
    try:
        types = clean_event_types(event_types)
    except ValidationError as error:
        errors.update(error.message_dict)
    description = description.strip()
    if len(description) > 200:
        errors["description"] = [_("The description may have at most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=org.pk).first()
        if Endpoint.objects.filter(org=org, is_active=True).count() >= MAX_ENDPOINTS:
            raise ValidationError(
                _("An organization may have at most %(n)s active endpoints.") % {"n": MAX_ENDPOINTS}
            )
        endpoint = Endpoint(
            org=org, url=url, event_types=types, description=description, created_by=actor.user
        )
        secret = signing.new_secret()
        _seal(endpoint, secret)
        endpoint.save()
        record(actor, org, "webhooks.create", endpoint, summary=url, after={"url": url, "event_types": types})
    return endpoint, secret


def create_lrs(
    actor: Actor, org: Organization, *, url: str, username: str, password: str, description: str = ""
) -> Endpoint:
    """Add an external LRS: every award from now on posts an xAPI "achieved" statement to it,
    signed in with HTTP Basic (``username`` and ``password``; the password is kept sealed)."""
    errors: dict[str, list[str]] = {}
    try:
        url = guard.check_url(url)
    except ValidationError as error:
        errors["url"] = error.messages
    username, description = username.strip(), description.strip()
    if not username or ":" in username or len(username) > 200:
        errors["username"] = [_("Enter the LRS username: at most 200 characters, without a colon.")]
    if not password or len(password) > 500:
        errors["password"] = [_("Enter the LRS password (at most 500 characters).")]
    if len(description) > 200:
        errors["description"] = [_("The description may have at most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        endpoint = Endpoint(
            org=org,
            kind=Endpoint.Kind.XAPI,
            url=url,
            username=username,
            event_types=[EventType.AWARD_ISSUED],
            description=description,
            created_by=actor.user,
        )
        _seal(endpoint, password)
        endpoint.save()
        record(
            actor,
            org,
            "webhooks.create",
            endpoint,
            summary=url,
            after={"url": url, "kind": "xapi", "username": username},
        )
    return endpoint


def rotate_secret(actor: Actor, endpoint: Endpoint) -> str:
    """A new secret; the previous one keeps signing beside it for ROTATION_OVERLAP."""
    if not endpoint.is_active:
        raise ValidationError(_("The endpoint is disabled."), code="invalid")
    if endpoint.kind != Endpoint.Kind.WEBHOOK:
        raise ValidationError(_("Only signed webhooks have a secret to replace."), code="invalid")
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        now = timezone.now()
        endpoint.previous_secret_encrypted = endpoint.secret_encrypted
        endpoint.previous_secret_kek_id = endpoint.secret_kek_id
        endpoint.previous_secret_until = now + ROTATION_OVERLAP
        secret = signing.new_secret()
        _seal(endpoint, secret)
        endpoint.secret_rotated_at = now
        endpoint.save()
        record(actor, endpoint.org, "webhooks.rotate", endpoint, summary=endpoint.url)
    return secret


def disable_endpoint(actor: Actor, endpoint: Endpoint) -> bool:
    """Send nothing more to the endpoint, not even what is waiting; False if it already was."""
    with transaction.atomic():
        now = timezone.now()
        changed = Endpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
            is_active=False, disabled_at=now
        )
        if not changed:
            return False
        endpoint.is_active, endpoint.disabled_at = False, now
        waiting = Delivery.objects.filter(endpoint=endpoint).values("message_id")
        OutboxMessage.objects.filter(id__in=waiting, status=OutboxMessage.Status.PENDING).update(
            status=OutboxMessage.Status.DEAD, last_error="the endpoint was disabled", locked_until=None
        )
        record(actor, endpoint.org, "webhooks.disable", endpoint, summary=endpoint.url)
    return True


# --- events --------------------------------------------------------------------------------------


def subscribed(org_id: int, event_type: str) -> list[Endpoint]:
    endpoints = Endpoint.objects.filter(org_id=org_id, is_active=True).only(
        "id", "org_id", "kind", "event_types"
    )
    return [e for e in endpoints if event_type in e.event_types]


def emit(org_id: int, event_type: str, build: Callable[[], Sequence[events.Event]]) -> int:
    """Queue the events ``build`` makes for every active endpoint that wants the type, in the
    caller's transaction; ``build`` runs only when some endpoint does.

    Never lets a fault here undo the change that caused the event: errors are logged and the
    savepoint rolled back, so the award (or evaluation) commits without its webhooks.
    """
    # Most organizations have no endpoint: one indexed read, and no savepoint, is all they pay.
    endpoints = subscribed(org_id, event_type)
    if not endpoints:
        return 0
    try:
        with transaction.atomic():
            found = build()
            return _queue(org_id, event_type, endpoints, found) if found else 0
    except Exception:
        log.exception("could not queue %s webhooks for organization %s", event_type, org_id)
        return 0


RENDER = {Endpoint.Kind.WEBHOOK: events.body, Endpoint.Kind.XAPI: events.statement}


def _queue(org_id: int, event_type: str, endpoints: Sequence[Endpoint], found: Sequence[events.Event]) -> int:
    now = timezone.now()
    deliveries = []
    for endpoint in endpoints:
        render = RENDER[Endpoint.Kind(endpoint.kind)]
        deliveries += [
            Delivery(org_id=org_id, endpoint=endpoint, event_type=event_type, body=render(e), created_at=now)
            for e in found
        ]
    messages = OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(org_id=org_id, kind=OutboxMessage.Kind.WEBHOOK, payload={"delivery": d.public_id})
            for d in deliveries
        ]
    )
    for delivery, message in zip(deliveries, messages, strict=True):
        delivery.message = message
    Delivery.objects.bulk_create(deliveries)
    nudge_after_commit()
    return len(deliveries)


# --- replay --------------------------------------------------------------------------------------


def _resend(deliveries: Sequence[Delivery]) -> int:
    """Send each delivery again, with its webhook-id and body; a message still waiting goes now."""
    now = timezone.now()
    waiting = [
        d.message_id for d in deliveries if d.message and d.message.status == OutboxMessage.Status.PENDING
    ]
    if waiting:
        OutboxMessage.objects.filter(id__in=waiting, status=OutboxMessage.Status.PENDING).update(
            next_attempt_at=now
        )
    fresh = [d for d in deliveries if not (d.message and d.message.status == OutboxMessage.Status.PENDING)]
    messages = OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(org_id=d.org_id, kind=OutboxMessage.Kind.WEBHOOK, payload={"delivery": d.public_id})
            for d in fresh
        ]
    )
    for delivery, message in zip(fresh, messages, strict=True):
        delivery.message = message
        delivery.replays += 1
    Delivery.objects.bulk_update(fresh, ["message", "replays"])
    nudge_after_commit()
    return len(deliveries)


def _refuse_disabled(endpoint: Endpoint) -> None:
    if not endpoint.is_active:
        raise ValidationError(_("The endpoint is disabled; nothing can be sent to it."), code="disabled")


def replay_delivery(actor: Actor, delivery: Delivery) -> Delivery:
    """Send one delivery again, the same webhook-id and body; audited."""
    _refuse_disabled(delivery.endpoint)
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_related("message", "endpoint__org")
            .select_for_update(of=("self",))
            .get(pk=delivery.pk)
        )
        _resend([delivery])
        record(
            actor,
            delivery.endpoint.org,
            "webhooks.replay",
            delivery,
            summary=f"{delivery.event_type} → {delivery.endpoint.url}",
            after={"endpoint": delivery.endpoint.public_id, "count": 1},
        )
    return delivery


def replay_range(
    actor: Actor, endpoint: Endpoint, since: datetime, until: datetime, *, failed_only: bool = False
) -> int:
    """Send again every delivery of the endpoint made in [since, until); returns how many."""
    _refuse_disabled(endpoint)
    if until <= since:
        raise ValidationError({"until": _("The end must come after the start.")})
    with transaction.atomic():
        found = Delivery.objects.filter(endpoint=endpoint, created_at__gte=since, created_at__lt=until)
        if failed_only:
            found = found.filter(message__status=OutboxMessage.Status.DEAD)
        deliveries = list(found.select_related("message").order_by("created_at", "id")[: MAX_REPLAY + 1])
        if len(deliveries) > MAX_REPLAY:
            raise ValidationError(
                _("More than %(n)s deliveries in this range; choose a shorter one.") % {"n": MAX_REPLAY}
            )
        count = _resend(deliveries) if deliveries else 0
        after: dict[str, Any] = {
            "since": since.isoformat(),
            "until": until.isoformat(),
            "failed_only": failed_only,
            "count": count,
        }
        record(
            actor, endpoint.org, "webhooks.replay", endpoint, summary=f"{count} → {endpoint.url}", after=after
        )
    return count
