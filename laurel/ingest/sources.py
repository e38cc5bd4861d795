"""Sources and their credentials: created, shown once, rotated, deactivated; checked on every request.

xAPI passwords and Caliper tokens are kept only as SHA-256 digests (they are long random
strings, so a fast hash is enough, as for API tokens). A webhook secret must stay readable to
compute HMACs, so it is sealed with the KEK and bound to its source.
"""

import base64
import hashlib
import hmac
import importlib
import secrets
import weakref
from collections.abc import Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.audit.actions import record
from laurel.core.actor import Actor
from laurel.core.touch import touch as touch_field
from laurel.credentials import kek
from laurel.ingest.models import Source
from laurel.orgs.models import Organization

Kind = Source.Kind
XAPI_USER_PREFIX = "lx_"
CALIPER_TOKEN_PREFIX = "lcs_"
WEBHOOK_SECRET_PREFIX = "whsec_"
KEY_LENGTH = 16  # of a Caliper token kept in clear as its key: the prefix and 12 random characters
MAX_CREDENTIAL = 200
MAX_NAME = 200
# Compared against when no source has the username, so both paths cost the same.
_DUMMY_DIGEST = hashlib.sha256(b"laurel no such source").hexdigest()


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _aad(source: Source) -> bytes:
    # Binds the ciphertext to its source: a secret copied onto another row does not decrypt.
    return f"laurel webhook secret {source.public_id}".encode()


def endpoint(source: Source) -> str:
    site = settings.SITE_URL.rstrip("/")
    if source.kind == Kind.XAPI:
        return f"{site}/xapi/"
    if source.kind == Kind.CALIPER:
        return f"{site}/caliper/events"
    if source.kind == Kind.WEBHOOK:
        return f"{site}/hooks/{source.public_id}/"
    if source.kind == Kind.LTI:
        return f"{site}/lti/"
    return site + reverse("ingest:detail", args=[source.org.slug, source.public_id])


def describe(source: Source) -> dict[str, str]:
    """What a person configures on the other side: the endpoint, and for LTI the tool URLs."""
    lines = {"endpoint": endpoint(source)}
    if source.kind == Kind.LTI:
        try:
            setup = importlib.import_module("laurel.ingest.lti.setup")
        except ImportError:
            return lines
        lines.update(setup.describe(source))
    return lines


def _clean_name(name: str | None, kind: str) -> str:
    name = (name or "").strip() or str(Kind(kind).label)
    if len(name) > MAX_NAME:
        raise ValidationError({"name": _("The name may have at most 200 characters.")})
    return name


def _new_credentials(source: Source) -> dict[str, str]:
    """Fresh credentials for the source's kind, set on the (unsaved) row; returns the clear text."""
    if source.kind == Kind.XAPI:
        password = secrets.token_urlsafe(32)
        if not source.key:
            source.key = XAPI_USER_PREFIX + secrets.token_urlsafe(12)
        source.secret_hash = digest(password)
        return {"username": source.key, "password": password}
    if source.kind == Kind.CALIPER:
        token = CALIPER_TOKEN_PREFIX + secrets.token_urlsafe(32)
        source.key = token[:KEY_LENGTH]
        source.secret_hash = digest(token)
        return {"token": token}
    if source.kind == Kind.WEBHOOK:
        # Standard Webhooks: "whsec_" and the base64 of 24 to 64 random bytes.
        secret = WEBHOOK_SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
        source.secret_kek_id, sealed = kek.encrypt(secret.encode(), _aad(source))
        source.secret_encrypted = sealed
        return {"secret": secret}
    return {}


def create_source(
    actor: Actor, org: Organization, kind: str, name: str | None
) -> tuple[Source, dict[str, str]]:
    """Create a source; returns it and the lines to show once (endpoint and credentials)."""
    if kind not in Kind.values:
        raise ValidationError(
            {"kind": _("The kind must be one of: %(kinds)s.") % {"kinds": ", ".join(Kind.values)}}
        )
    name = _clean_name(name, kind)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _create(actor, org, kind, name)
        except IntegrityError:  # a random key already taken: astronomically rare, try a new one
            continue
    raise RuntimeError("could not find a free source key")


def _create(actor: Actor, org: Organization, kind: str, name: str) -> tuple[Source, dict[str, str]]:
    source = Source(org=org, kind=kind, name=name, created_by=actor.user)
    secret_lines = _new_credentials(source)
    source.save()
    record(
        actor, org, "source.create", source, summary=f"{name} ({kind})", after={"kind": kind, "name": name}
    )
    return source, {**describe(source), **secret_lines}


def rotate_secret(actor: Actor, source: Source) -> dict[str, str]:
    """New credentials for the source; the old ones stop working at once. Returns the lines to show."""
    if source.kind not in (Kind.XAPI, Kind.CALIPER, Kind.WEBHOOK):
        raise ValidationError(_("This kind of source has no secret to rotate."), code="invalid")
    if not source.is_active:
        raise ValidationError(_("The source is deactivated."), code="invalid")
    with transaction.atomic():
        lines = _new_credentials(source)
        source.secret_rotated_at = timezone.now()
        source.save(
            update_fields=["key", "secret_hash", "secret_encrypted", "secret_kek_id", "secret_rotated_at"]
        )
        record(actor, source.org, "source.rotate", source, summary=f"{source.name} ({source.kind})")
    return {**describe(source), **lines}


def deactivate_source(actor: Actor, source: Source) -> bool:
    """Refuse the source's deliveries from now on; its facts stay. False if it already was."""
    with transaction.atomic():
        now = timezone.now()
        changed = Source.objects.filter(pk=source.pk, is_active=True).update(
            is_active=False, deactivated_at=now
        )
        if changed:
            source.is_active = False
            source.deactivated_at = now
            record(actor, source.org, "source.deactivate", source, summary=f"{source.name} ({source.kind})")
    return bool(changed)


def _authenticate(kind: str, key: str, secret: str) -> Source | None:
    if not key or not secret or len(key) > 64 or len(secret) > MAX_CREDENTIAL:
        return None
    source = _by_key(kind, key)
    stored = source.secret_hash if source is not None else _DUMMY_DIGEST
    matches = hmac.compare_digest(stored, digest(secret))
    if source is None or not matches or not source.is_active:
        return None
    touch_field(source, "last_seen_at")
    return source


def _by_key(kind: str, key: str) -> Source | None:
    """The source with this key and its organization, as select_related would give them.

    Every request of an LRS or a Caliper sensor comes here, so this is one raw query with the
    ORM's own value conversions: compiling the ORM's query costs many times more than running it.
    """
    db = connections[router.db_for_read(Source)]
    plan = _plans.get(db)
    if plan is None:
        plan = _plans[db] = _Plan(db)
    with db.cursor() as cursor:
        cursor.execute(plan.sql, [kind, key])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(plan.source)
    source = plan.build(Source, plan.source, row[:split])
    source.org = plan.build(Organization, plan.org, row[split:])
    return source


M = TypeVar("M", bound=Model)
Converters = list[tuple[Any, list[Any]]]  # per column: its expression and the ORM's converters


class _Plan:
    """The query and value conversions of _by_key on one database connection, made once."""

    def __init__(self, db: BaseDatabaseWrapper) -> None:
        self.db = db
        self.source = self._converters(Source)
        self.org = self._converters(Organization)
        quote = db.ops.quote_name
        columns = [f"s.{quote(f.column)}" for f in Source._meta.concrete_fields]
        columns += [f"o.{quote(f.column)}" for f in Organization._meta.concrete_fields]
        self.sql = (
            f"SELECT {', '.join(columns)} FROM {quote(Source._meta.db_table)} s "  # noqa: S608
            f"JOIN {quote(Organization._meta.db_table)} o ON o.{quote('id')} = s.{quote('org_id')} "
            f"WHERE s.{quote('kind')} = %s AND s.{quote('key')} = %s"
        )

    def _converters(self, model: type[Model]) -> Converters:
        columns = [field.get_col(model._meta.db_table) for field in model._meta.concrete_fields]
        db = self.db
        return [
            (column, db.ops.get_db_converters(column) + column.get_db_converters(db)) for column in columns
        ]

    def build(self, model: type[M], converters: Converters, values: Sequence[Any]) -> M:
        converted = []
        for (column, functions), value in zip(converters, values, strict=True):
            for convert in functions:
                value = convert(value, column, self.db)
            converted.append(value)
        return model.from_db(self.db.alias, [f.attname for f in model._meta.concrete_fields], converted)


# One plan per connection object (each thread has its own), dropped with it.
_plans: "weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Plan]" = weakref.WeakKeyDictionary()


def authenticate_basic(username: str, password: str) -> Source | None:
    """The active xAPI source these HTTP Basic credentials belong to, or None."""
    return _authenticate(Kind.XAPI, username, password)


def authenticate_bearer(token: str) -> Source | None:
    """The active Caliper source of this Bearer token, or None."""
    token = token.strip()
    if not token.startswith(CALIPER_TOKEN_PREFIX):
        return None
    return _authenticate(Kind.CALIPER, token[:KEY_LENGTH], token)


def webhook_secret(source: Source) -> str:
    """The clear "whsec_…" secret of a webhook source, to verify signatures with."""
    if source.kind != Kind.WEBHOOK or source.secret_encrypted is None:
        raise ValueError("only webhook sources have a secret to read")
    return kek.decrypt(source.secret_kek_id, bytes(source.secret_encrypted), _aad(source)).decode()


def touch(source: Source) -> None:
    """Note that the source was heard from (at most one write a minute: a busy LRS sends
    hundreds of requests a second); also for endpoints that authenticate by other means."""
    touch_field(source, "last_seen_at")


def sources_of(org: Organization, kind: str | None = None) -> "list[Source]":
    sources = Source.objects.filter(org=org)
    if kind:
        sources = sources.filter(kind=kind)
    return list(sources.order_by("-is_active", "name", "id"))


def reseal_webhook_secret(source: Source) -> bool:
    """Re-encrypt a webhook secret under the current KEK (for ``rotate_kek``); False if it already is.

    The caller saves ``secret_kek_id`` and ``secret_encrypted``.
    """
    if source.kind != Kind.WEBHOOK or source.secret_encrypted is None:
        return False
    current = kek.current_kek_id()
    if source.secret_kek_id == current:
        return False
    clear = webhook_secret(source).encode()
    source.secret_kek_id, source.secret_encrypted = kek.encrypt(clear, _aad(source))
    return True
