"""Writes of the LTI tool: platform registration, launches, roster sync and grade write-back."""

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem as LtiLineItem
from pylti1p3.names_roles import NamesRolesProvisioningService

from laurel.audit.actions import record
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.core.text import canonical_email
from laurel.ingest.facts import link_identity, normalize_identity, resolve_identities
from laurel.ingest.lti import claims, keys
from laurel.ingest.lti.config import Connector
from laurel.ingest.lti.models import Context, Deployment, LineItem, Member, Platform, ToolKey
from laurel.ingest.models import Source, SourceIdentity
from laurel.orgs.models import Recipient

log = logging.getLogger(__name__)
Kind = SourceIdentity.Kind
SYSTEM = Actor(user=None, via="lti")

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
BADGE_TAG_PREFIX = "laurel-badge:"


def ensure_tool_key(source: Source) -> ToolKey:
    """The source's signing key, made on first use (the platform needs the JWKS URL before anything else)."""
    key = keys.current(source)
    if key is not None:
        return key
    with transaction.atomic():
        # Lock the source so two first requests do not both make a key.
        Source.objects.select_for_update().filter(pk=source.pk).first()
        return keys.current(source) or keys.generate(source)


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
MAX_ID = 255
MAX_URL = 500


def _check_url(value: str, what: str, errors: dict[str, str]) -> str:
    """An https URL; plain http only for a platform on this machine while private fetches are
    allowed (development), since the tool sends its signed assertions and fetches keys there."""
    value = value.strip()
    if not value:
        errors[what] = _("This field is required.")
        return value
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        errors[what] = _("Enter a valid URL.")
        return value
    loopback = (parts.hostname or "") in LOOPBACK_HOSTS and settings.ALLOW_PRIVATE_FETCH
    if not parts.hostname or parts.scheme not in ("https", "http") or " " in value:
        errors[what] = _("Enter a valid URL.")
    elif parts.scheme != "https" and not loopback:
        errors[what] = _("The address must start with https://.")
    elif parts.username or parts.password:
        errors[what] = _("The address may not carry a user name or password.")
    elif len(value) > MAX_URL:
        errors[what] = _("The address may have at most %(limit)s characters.") % {"limit": MAX_URL}
    return value


def _check_id(value: str, what: str, errors: dict[str, str]) -> str:
    value = value.strip()
    if not value:
        errors[what] = _("This field is required.")
    elif len(value) > MAX_ID:
        errors[what] = _("At most %(limit)s characters.") % {"limit": MAX_ID}
    return value


_FRAME_ORIGIN = re.compile(r"^(https?)://(\*\.)?([a-z0-9.-]+|\[[0-9a-f:]+\])(:[0-9]{1,5})?$")


def _check_frame_origins(values: Sequence[str], errors: dict[str, str]) -> list[str]:
    """Origins (scheme, host, port; a leading "*." for every subdomain) where the LMS shows the tool."""
    origins = []
    for value in deployment_list(values):
        origin = value.rstrip("/").lower()
        match = _FRAME_ORIGIN.match(origin)
        loopback = bool(match) and match.group(3) in LOOPBACK_HOSTS and settings.ALLOW_PRIVATE_FETCH  # type: ignore[union-attr]
        if match is None:
            errors["frame_origins"] = _(
                "“%(value)s” is not an address like https://school.instructure.com."
            ) % {"value": value}
        elif match.group(1) != "https" and not loopback:
            errors["frame_origins"] = _("The address must start with https://.")
        else:
            origins.append(origin)
    if len(origins) > 20:
        errors["frame_origins"] = _("At most %(limit)s addresses.") % {"limit": 20}
    return sorted(set(origins))


def deployment_list(text: str | Sequence[str]) -> list[str]:
    """Deployment ids from a list, or from text with one per line (commas also separate)."""
    items = text.replace(",", "\n").splitlines() if isinstance(text, str) else text
    return sorted({d.strip() for d in items if d.strip()})


def _clean_registration(
    source: Source,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    jwks_url: str,
    deployment_ids: Sequence[str],
    auth_audience: str,
    frame_origins: Sequence[str],
) -> tuple[dict[str, Any], list[str]]:
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {
        "issuer": _check_url(issuer, "issuer", errors),
        "client_id": _check_id(client_id, "client_id", errors),
        "auth_login_url": _check_url(auth_login_url, "auth_login_url", errors),
        "auth_token_url": _check_url(auth_token_url, "auth_token_url", errors),
        "jwks_url": _check_url(jwks_url, "jwks_url", errors),
        "auth_audience": auth_audience.strip(),
        "frame_origins": _check_frame_origins(frame_origins, errors),
    }
    if len(fields["auth_audience"]) > MAX_URL:
        errors["auth_audience"] = _("At most %(limit)s characters.") % {"limit": MAX_URL}
    deployments = deployment_list(deployment_ids)
    if not deployments:
        errors["deployment_ids"] = _("Give at least one deployment id.")
    elif any(len(d) > MAX_ID for d in deployments):
        errors["deployment_ids"] = _("A deployment id may have at most %(limit)s characters.") % {
            "limit": MAX_ID
        }
    if "issuer" not in errors and "client_id" not in errors:
        taken = Platform.objects.filter(issuer=fields["issuer"], client_id=fields["client_id"]).exclude(
            source=source
        )
        if taken.exists():
            errors["client_id"] = _(
                "Another source is already registered with this issuer and client id; "
                "each registration in the LMS gets its own source."
            )
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    return fields, deployments


def register_platform(
    actor: Actor,
    source: Source,
    *,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    jwks_url: str,
    deployment_ids: Sequence[str],
    auth_audience: str = "",
    frame_origins: Sequence[str] = (),
) -> Platform:
    """Record (or update) the platform an LTI source is registered with, and its deployments.

    Every field is checked before anything is written; the errors name their fields.
    """
    if source.kind != Source.Kind.LTI:
        raise ValidationError(_("Only an LTI source has a platform."), code="invalid")
    fields, deployments = _clean_registration(
        source,
        issuer,
        client_id,
        auth_login_url,
        auth_token_url,
        jwks_url,
        deployment_ids,
        auth_audience,
        frame_origins,
    )
    try:
        with transaction.atomic():
            return _save_registration(actor, source, fields, deployments)
    except IntegrityError:  # the same issuer and client id registered at the same moment elsewhere
        raise ValidationError(
            {"client_id": [_("Another source is already registered with this issuer and client id.")]}
        ) from None


def _registration_record(platform: Platform) -> dict[str, Any]:
    return {
        "issuer": platform.issuer,
        "client_id": platform.client_id,
        "auth_login_url": platform.auth_login_url,
        "auth_token_url": platform.auth_token_url,
        "jwks_url": platform.jwks_url,
        "auth_audience": platform.auth_audience,
        "frame_origins": platform.frame_origins,
        "deployment_ids": sorted(platform.deployments.values_list("deployment_id", flat=True)),
    }


def _save_registration(
    actor: Actor, source: Source, fields: dict[str, Any], deployments: list[str]
) -> Platform:
    existing = Platform.objects.select_for_update().filter(source=source).first()
    before = _registration_record(existing) if existing is not None else None
    platform, created = Platform.objects.update_or_create(
        source=source, defaults={**fields, "updated_at": timezone.now()}
    )
    platform.deployments.exclude(deployment_id__in=deployments).delete()
    known = set(platform.deployments.values_list("deployment_id", flat=True))
    Deployment.objects.bulk_create(
        [Deployment(platform=platform, deployment_id=d) for d in deployments if d not in known]
    )
    ensure_tool_key(source)
    record(
        actor,
        source.org,
        "lti.platform.register" if created else "lti.platform.update",
        source,
        summary=f"{platform.issuer} ({platform.client_id})",
        before=before,
        after={**fields, "deployment_ids": deployments},
    )
    return platform


def remove_platform(actor: Actor, source: Source) -> bool:
    """Forget the source's platform: its launches are refused from now on, and the courses,
    rosters and gradebook columns learned from it go too. People and their facts stay.
    False if there was none."""
    with transaction.atomic():
        platform = Platform.objects.select_for_update().filter(source=source).first()
        if platform is None:
            return False
        before = _registration_record(platform)
        platform.delete()
        record(
            actor,
            source.org,
            "lti.platform.remove",
            source,
            summary=f"{before['issuer']} ({before['client_id']})",
            before=before,
        )
    return True


# --- launches --------------------------------------------------------------------------------


@dataclass
class Launch:
    identity: SourceIdentity | None  # None for an anonymous launch (no "sub")
    context: Context | None
    roles: list[str] = field(default_factory=list)


def _identity_key(issuer: str, subject: str) -> tuple[str, str]:
    return Kind.LTI, normalize_identity(Kind.LTI, f"{issuer}|{subject}")


def _link_by_email(identities: Iterable[tuple[SourceIdentity, str]], org_id: int) -> None:
    """Link parked LTI identities to the recipient with the email the platform vouches for."""
    wanted = {
        canonical_email(email): identity
        for identity, email in identities
        if email and identity.recipient_id is None
    }
    if not wanted:
        return
    for recipient in Recipient.objects.filter(org_id=org_id, email__in=list(wanted)):
        link_identity(SYSTEM, wanted[recipient.email], recipient)


@transaction.atomic
def record_launch(platform: Platform, data: dict[str, Any], now: datetime) -> Launch:
    """The person, course and membership a validated launch names."""
    org = platform.source.org
    identity = None
    subject = data.get("sub")
    if isinstance(subject, str) and subject:
        key = _identity_key(platform.issuer, subject)
        identities, _linked = resolve_identities(org, {key: claims.person_name(data)}, now)
        identity = identities[key]
        _link_by_email([(identity, claims.email(data))], org.pk)
        identity.refresh_from_db()
    context = _context(platform, data, now)
    roles = claims.roles(data)
    if context is not None and identity is not None:
        Member.objects.update_or_create(
            context=context,
            identity=identity,
            defaults={"roles": roles, "is_active": True, "updated_at": now},
        )
    return Launch(identity, context, roles)


def _context(platform: Platform, data: dict[str, Any], now: datetime) -> Context | None:
    course = claims.context(data)
    if course is None:
        return None
    fields: dict[str, Any] = {
        "deployment_id": claims.deployment_id(data),
        "title": course["title"],
        "updated_at": now,
    }
    nrps = claims.names_roles(data)
    if nrps:
        fields["memberships_url"] = nrps
    ags = claims.grades(data)
    if ags is not None:
        fields["lineitems_url"], fields["ags_scopes"] = ags
    context, _created = Context.objects.update_or_create(
        platform=platform, context_id=course["id"], defaults=fields
    )
    return context


# What a call to the platform raises when refused or failed: pylti1p3's errors (an HTTP error
# status included), network and address-policy refusals (OSError), and unusable JSON.
SERVICE_ERRORS = (LtiException, LtiServiceException, OSError, ValueError)


# --- Names and Role Provisioning Services ------------------------------------------------------


@dataclass
class RosterResult:
    members: int = 0
    linked: int = 0
    left: int = 0


def sync_roster(context: Context, *, now: datetime | None = None) -> RosterResult:
    """Fetch the course roster (NRPS) and bring identities and memberships up to date.

    Creates an LTI identity per member, links it by the email the platform gives when a
    recipient has it, and marks members no longer listed (or listed as inactive) as gone.
    """
    if not context.memberships_url:
        raise ValidationError(_("The platform has not offered a roster for this course."), code="invalid")
    now = now or timezone.now()
    platform = Platform.objects.select_related("source__org").get(pk=context.platform_id)
    service = NamesRolesProvisioningService(
        Connector(platform), {"context_memberships_url": context.memberships_url}
    )
    try:
        members = [m for m in service.get_members() if isinstance(m, dict) and m.get("user_id")]
    except SERVICE_ERRORS as error:
        what = _("Roster sync of “%(course)s” failed") % {"course": context.title or context.context_id}
        record_service_error(platform, f"{what}: {error}", now)
        raise
    result = _apply_roster(platform, context, members, now)
    clear_service_error(platform)
    return result


def record_service_error(platform: Platform, message: str, now: datetime) -> None:
    """Keep the last failed call to the platform on it, for staff to see on the source page."""
    log.warning("LTI service call for %s failed: %s", platform.issuer, message)
    Platform.objects.filter(pk=platform.pk).update(service_error=message[:2000], service_error_at=now)


def clear_service_error(platform: Platform) -> None:
    Platform.objects.filter(pk=platform.pk).exclude(service_error="").update(
        service_error="", service_error_at=None
    )


@transaction.atomic
def _apply_roster(
    platform: Platform, context: Context, members: list[dict[str, Any]], now: datetime
) -> RosterResult:
    org = platform.source.org
    keyed = {_identity_key(platform.issuer, str(m["user_id"])): m for m in members}
    identities, _linked = resolve_identities(
        org, {key: claims.person_name(m) for key, m in keyed.items()}, now
    )
    before = SourceIdentity.objects.filter(pk__in=[i.pk for i in identities.values()], recipient=None).count()
    _link_by_email([(identities[key], str(m.get("email") or "")) for key, m in keyed.items()], org.pk)
    after = SourceIdentity.objects.filter(pk__in=[i.pk for i in identities.values()], recipient=None).count()
    existing = {m.identity_id: m for m in Member.objects.filter(context=context)}
    listed: set[int] = set()
    new, changed = [], []
    for key, entry in keyed.items():
        identity = identities[key]
        listed.add(identity.pk)
        roles = [r for r in entry.get("roles", []) if isinstance(r, str)]
        active = str(entry.get("status", "Active")) == "Active"
        member = existing.get(identity.pk)
        if member is None:
            new.append(
                Member(context=context, identity=identity, roles=roles, is_active=active, updated_at=now)
            )
        elif member.roles != roles or member.is_active != active:
            member.roles, member.is_active, member.updated_at = roles, active, now
            changed.append(member)
    Member.objects.bulk_create(new)
    Member.objects.bulk_update(changed, ["roles", "is_active", "updated_at"])
    left = (
        Member.objects.filter(context=context, is_active=True)
        .exclude(identity_id__in=listed)
        .update(is_active=False, updated_at=now)
    )
    Context.objects.filter(pk=context.pk).update(roster_synced_at=now)
    return RosterResult(members=len(keyed), linked=before - after, left=left)


# --- Assignment and Grade Services -------------------------------------------------------------


@dataclass
class WriteBack:
    posted: list[Context] = field(default_factory=list)
    failed: list[tuple[Context, str]] = field(default_factory=list)


def post_badge_earned(award: Award, *, now: datetime | None = None) -> WriteBack:
    """Score 1/1 in a "Badge earned" column of every course where the recipient is a learner.

    Courses whose launches offered AGS with the line item and score scopes get one line item
    per badge (made once, found again by its tag). A platform that refuses is reported in
    ``failed`` and does not stop the others; calling again posts the same score again, which
    AGS treats as an update.
    """
    now = now or timezone.now()
    result = WriteBack()
    members = (
        Member.objects.filter(identity__recipient=award.recipient, identity__kind=Kind.LTI, is_active=True)
        .filter(context__platform__source__org=award.org, context__platform__source__is_active=True)
        .exclude(context__lineitems_url="")
        .select_related("identity", "context__platform__source")
    )
    for member in members:
        context = member.context
        if not {SCOPE_LINEITEM, SCOPE_SCORE} <= set(context.ags_scopes):
            continue
        try:
            _post_score(context, member.identity, award, now)
        except SERVICE_ERRORS as error:
            result.failed.append((context, str(error)[:300]))
            what = _("Grade write-back to “%(course)s” failed") % {
                "course": context.title or context.context_id
            }
            record_service_error(context.platform, f"{what}: {error}", now)
        else:
            result.posted.append(context)
            clear_service_error(context.platform)
    return result


def _post_score(context: Context, identity: SourceIdentity, award: Award, now: datetime) -> None:
    service = AssignmentsGradesService(
        Connector(context.platform), {"scope": list(context.ags_scopes), "lineitems": context.lineitems_url}
    )
    column = _line_item(service, context, award)
    subject = identity.value.rpartition("|")[2]
    grade = (
        Grade()
        .set_score_given(1)
        .set_score_maximum(1)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_user_id(subject)
        .set_timestamp(now.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"))
        .set_comment(_("Badge earned: %(name)s") % {"name": _badge_name(award)})
    )
    service.put_grade(grade, LtiLineItem({"id": column.url}))


def _badge_name(award: Award) -> str:
    return award.version.name or award.achievement.slug


def _line_item(service: AssignmentsGradesService, context: Context, award: Award) -> LineItem:
    known = LineItem.objects.filter(context=context, achievement=award.achievement).first()
    if known is not None:
        return known
    wanted = (
        LtiLineItem()
        .set_tag(BADGE_TAG_PREFIX + str(award.achievement.public_id))
        .set_resource_id(str(award.achievement.public_id))
        .set_label(_("Badge earned: %(name)s") % {"name": _badge_name(award)})
        .set_score_maximum(1)
    )
    found = service.find_or_create_lineitem(wanted, find_by="tag")
    url = found.get_id()
    if not url:
        raise ValueError("the platform returned a line item without an id")
    item, _created = LineItem.objects.get_or_create(
        context=context, achievement=award.achievement, defaults={"url": url}
    )
    return item
