"""Asking for, giving and withdrawing endorsements: every write with side effects is here."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.accounts.models import User, hash_token
from laurel.achievements.models import Achievement
from laurel.audit.actions import record
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.core.text import canonical_email
from laurel.credentials import issuers
from laurel.credentials.proofs import prove, xsd_now
from laurel.endorsements import credential, status
from laurel.endorsements.models import Endorsement
from laurel.orgs.models import Membership, Organization, pick
from laurel.outbox.actions import enqueue_email

MAX_COMMENT = 5000
MAX_REASON = 1000


class EndorsementRefused(Exception):
    """A change the rules do not allow; ``status`` is the HTTP status that says why."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def endorse_url(token: str) -> str:
    return settings.SITE_URL + reverse("endorse:endorse", kwargs={"token": token})


def _refuse_revoked(award: Award | None) -> None:
    if award is not None and award.revoked_at is not None:
        raise EndorsementRefused(_("This award is revoked; a revoked award cannot be endorsed."))


@transaction.atomic
def request_endorsement(
    actor: Actor,
    org: Organization,
    *,
    achievement: Achievement,
    award: Award | None,
    email: str,
    message: str = "",
) -> tuple[Endorsement, str]:
    """Email ``email`` a single-use link to endorse the badge (or one award of it); returns the token."""
    if achievement.org_id != org.pk or (award is not None and award.org_id != org.pk):
        raise EndorsementRefused(_("Only this organization's badges and awards can be endorsed here."), 404)
    _refuse_revoked(award)
    email = canonical_email(email)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    endorsement = Endorsement.objects.create(
        org=org,
        achievement=achievement,
        award=award,
        email=email,
        token_hash=hash_token(token),
        message=message.strip(),
        language=org.default_language,
        requested_by=actor.user,
        requested_at=now,
        expires_at=now + Endorsement.LIFETIME,
    )
    language = org.default_language
    enqueue_email(
        to=email,
        template="endorsements/email/request",
        context={
            "org_name": pick(org, "name", language),
            "target": credential.target_name(endorsement, language),
            "recipient": award.recipient.name if award is not None else "",
            "message": endorsement.message,
            "url": endorse_url(token),
            "expires_at": endorsement.expires_at,
        },
        language=language,
        org=org,
    )
    record(actor, org, "endorsements.request", endorsement, object_id=endorsement.public_id, summary=email)
    return endorsement, token


def find(token: str) -> Endorsement | None:
    return (
        Endorsement.objects.select_related("org", "achievement__current_version", "award__version")
        .filter(token_hash=hash_token(token))
        .first()
    )


def check_open(endorsement: Endorsement, user: User | None) -> None:
    """Raise :class:`EndorsementRefused` with why this link cannot be used now (by this user)."""
    if endorsement.status != Endorsement.Status.REQUESTED:
        raise EndorsementRefused(_("This endorsement link has already been used."), 410)
    if endorsement.is_expired():
        raise EndorsementRefused(
            _("This endorsement link has expired. Ask the organization for a new one."), 410
        )
    if user is not None and canonical_email(user.email) != endorsement.email:
        raise EndorsementRefused(
            _("This link was sent to %(invited)s, but you are signed in as %(current)s.")
            % {"invited": endorsement.email, "current": user.email},
            403,
        )
    _refuse_revoked(endorsement.award)


def endorsing_orgs(user: User | None) -> list[Organization]:
    """Organizations the user may endorse in the name of: those they may award for."""
    if user is None:
        return []
    memberships = Membership.objects.filter(user=user).select_related("org").order_by("org__slug")
    return [m.org for m in memberships if m.can("award")]


@dataclass(frozen=True)
class Given:
    """What the endorser wrote. ``as_org`` is an organization on Laurel endorsing with its key."""

    comment_ko: str = ""
    comment_en: str = ""
    name: str = ""
    url: str = ""
    kind: str = Endorsement.Kind.PERSON
    as_org: Organization | None = None


def _clean(given: Given, user: User | None) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    ko, en = given.comment_ko.strip(), given.comment_en.strip()
    if not ko and not en:
        errors["comment_ko"] = [_("Write the endorsement in Korean, English or both.")]
    for field, text in (("comment_ko", ko), ("comment_en", en)):
        if len(text) > MAX_COMMENT:
            errors[field] = [
                _("The comment is %(n)s characters long; the limit is %(max)s.")
                % {"n": len(text), "max": MAX_COMMENT}
            ]
    if given.kind not in Endorsement.Kind.values:
        errors["kind"] = [_("Choose who is endorsing.")]
    name = given.name.strip()
    if given.kind == Endorsement.Kind.ORGANIZATION:
        if given.as_org is None or given.as_org not in endorsing_orgs(user):
            errors["kind"] = [_("You may endorse only in the name of an organization you award badges for.")]
    elif not name:
        errors["name"] = [_("Give the name the endorsement is shown under.")]
    if errors:
        raise ValidationError(errors)
    return {"comment_ko": ko, "comment_en": en, "name": name[:200]}


@transaction.atomic
def endorse(actor: Actor, endorsement: Endorsement, given: Given, user: User | None) -> Endorsement:
    """Write the endorser's words and issue the signed ``EndorsementCredential``; the link is spent.

    An organization on Laurel signs with its own key; a person or an organization that is not
    on Laurel is vouched for by the organization that asked, which signs on their behalf.
    """
    endorsement = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    if endorsement.award_id is not None:
        Award.objects.select_for_update().filter(pk=endorsement.award_id).first()
    check_open(endorsement, user)
    cleaned = _clean(given, user)
    signer_org = given.as_org if given.kind == Endorsement.Kind.ORGANIZATION else endorsement.org
    assert signer_org is not None
    now = timezone.now()
    endorsement.kind = given.kind
    endorsement.comment_ko, endorsement.comment_en = cleaned["comment_ko"], cleaned["comment_en"]
    endorsement.endorser_name = (
        pick(signer_org, "name", credential.language_of(endorsement)) if given.as_org else cleaned["name"]
    )
    endorsement.endorser_url = given.url.strip()[:200]
    endorsement.endorser_user = user
    endorsement.signer_org = signer_org
    signer = issuers.signer(signer_org)
    lst, index = status.allocate(signer_org, signer.issuer)
    unsigned = credential.unsigned(endorsement, signer_org, signer.issuer, status.entry(lst, index), now)
    signed, _suite = prove(unsigned, signer, created=xsd_now(now))
    # The OB 3.0 schema types proof as an array; one proof in a list is the same graph.
    signed["proof"] = [signed["proof"]]
    endorsement.credential = signed
    endorsement.status_list, endorsement.status_index = lst, index
    endorsement.status, endorsement.issued_at = Endorsement.Status.ISSUED, now
    endorsement.save()
    record(
        actor,
        endorsement.org,
        "endorsements.issue",
        endorsement,
        object_id=endorsement.public_id,
        summary=endorsement.endorser_name,
        after={"kind": endorsement.kind, "signer": signer_org.slug},
    )
    return endorsement


@transaction.atomic
def withdraw(actor: Actor, endorsement: Endorsement, reason: str = "") -> Endorsement:
    """Withdraw for good: an issued endorsement's revocation bit is set; a request stops working."""
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {
                "reason": [
                    _("The reason is %(n)s characters long; the limit is %(max)s.")
                    % {"n": len(reason), "max": MAX_REASON}
                ]
            }
        )
    endorsement = (
        Endorsement.objects.select_for_update(of=("self",))
        .select_related("status_list")
        .get(pk=endorsement.pk)
    )
    if endorsement.status == Endorsement.Status.WITHDRAWN:
        return endorsement
    if endorsement.status_list is not None and endorsement.status_index is not None:
        status.revoke(endorsement.status_list, endorsement.status_index)
    endorsement.status, endorsement.withdrawn_at = Endorsement.Status.WITHDRAWN, timezone.now()
    endorsement.withdrawal_reason = reason
    endorsement.save(update_fields=["status", "withdrawn_at", "withdrawal_reason"])
    record(
        actor,
        endorsement.org,
        "endorsements.withdraw",
        endorsement,
        object_id=endorsement.public_id,
        summary=reason,
    )
    return endorsement
