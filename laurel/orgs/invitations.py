"""Invitations: sent by email as a one-time link, kept only as the link's hash."""

import dataclasses
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.accounts.models import User, hash_token
from laurel.audit.actions import record
from laurel.core.actor import Actor
from laurel.core.text import canonical_email
from laurel.orgs.actions import ActionRefused
from laurel.orgs.models import Invitation, Membership, Organization, Role
from laurel.outbox.actions import enqueue_email


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("orgs:invitation", kwargs={"token": token})


def _send_invitation(invitation: Invitation, token: str, inviter: User | None) -> None:
    enqueue_email(
        to=invitation.email,
        template="orgs/email/invitation",
        context={
            "org": invitation.org,
            "invitation": invitation,
            "inviter": inviter,
            "url": invitation_url(token),
            "site_name": settings.SITE_NAME,
        },
        language=invitation.org.default_language,
        org=invitation.org,
    )


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


@transaction.atomic
def invite(actor: Actor, org: Organization, *, email: str, role: str) -> tuple[Invitation, str]:
    """Invite someone by email; returns the invitation and its one-time token."""
    email = canonical_email(email)
    if role not in Role.values:
        raise ActionRefused(_("Choose a valid role."))
    if Membership.objects.filter(org=org, user__email=email).exists():
        raise ActionRefused(_("%(email)s is already a member of this organization.") % {"email": email})
    now = timezone.now()
    pending = Invitation.objects.filter(
        org=org, email=email, accepted_at=None, revoked_at=None, expires_at__gt=now
    )
    if pending.exists():
        raise ActionRefused(
            _("%(email)s already has a pending invitation. Resend it instead.") % {"email": email}
        )
    token, token_hash = _new_token()
    invitation = Invitation.objects.create(
        org=org,
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by=actor.user,
        created_at=now,
        expires_at=now + Invitation.LIFETIME,
    )
    _send_invitation(invitation, token, actor.user)
    record(actor, org, "invitation.create", invitation, summary=email, after={"email": email, "role": role})
    return invitation, token


def _lock_open(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("org").get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ActionRefused(_("This invitation has already been accepted."))
    if invitation.revoked_at is not None:
        raise ActionRefused(_("This invitation has been revoked."))
    return invitation


@transaction.atomic
def resend_invitation(actor: Actor, invitation: Invitation) -> str:
    """Send a fresh link; the old one stops working and the week starts again."""
    invitation = _lock_open(invitation)
    token, invitation.token_hash = _new_token()
    invitation.expires_at = timezone.now() + Invitation.LIFETIME
    invitation.save(update_fields=["token_hash", "expires_at"])
    _send_invitation(invitation, token, actor.user)
    record(actor, invitation.org, "invitation.resend", invitation, summary=invitation.email)
    return token


@transaction.atomic
def revoke_invitation(actor: Actor, invitation: Invitation) -> None:
    invitation = _lock_open(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(actor, invitation.org, "invitation.revoke", invitation, summary=invitation.email)


def find_invitation(token: str) -> Invitation | None:
    return Invitation.objects.select_related("org").filter(token_hash=hash_token(token)).first()


def check_acceptable(invitation: Invitation, user: User | None) -> None:
    """Raise ActionRefused with the reason this user may not accept it now."""
    if invitation.accepted_at is not None:
        raise ActionRefused(_("This invitation has already been used."))
    if invitation.revoked_at is not None:
        raise ActionRefused(_("This invitation has been revoked. Ask the organization for a new one."))
    if invitation.is_expired():
        raise ActionRefused(_("This invitation has expired. Ask the organization to resend it."))
    if user is not None and canonical_email(user.email) != invitation.email:
        raise ActionRefused(
            _(
                "This invitation was sent to %(invited)s, but you are signed in as %(current)s. "
                "Sign out and open the link again."
            )
            % {"invited": invitation.email, "current": user.email}
        )


def _join(actor: Actor, invitation: Invitation, user: User) -> Membership:
    if Membership.objects.filter(org=invitation.org, user=user).exists():
        raise ActionRefused(_("You are already a member of this organization."))
    membership = Membership.objects.create(org=invitation.org, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    if user.email_verified_at is None:
        # Opening the emailed link proves the address.
        user.email_verified_at = invitation.accepted_at
        user.save(update_fields=["email_verified_at"])
    record(
        actor,
        invitation.org,
        "invitation.accept",
        invitation,
        summary=user.email,
        after={"email": user.email, "role": invitation.role},
    )
    return membership


@transaction.atomic
def accept_invitation(actor: Actor, invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().select_related("org").get(pk=invitation.pk)
    check_acceptable(invitation, user)
    return _join(actor, invitation, user)


@transaction.atomic
def accept_invitation_with_new_account(actor: Actor, invitation: Invitation) -> User:
    """Accept for someone who cannot sign in yet; they choose a password next.

    Used when no account exists, or when it has never had a password (made by
    an award or by `createorg`): holding the emailed token proves the address.
    """
    invitation = Invitation.objects.select_for_update().select_related("org").get(pk=invitation.pk)
    check_acceptable(invitation, None)
    user = User.objects.filter(email=invitation.email).first()
    if user is None:
        user = User.objects.create_user(invitation.email, None, language=invitation.org.default_language)
    elif user.has_usable_password():
        raise ActionRefused(_("An account with this email already exists. Sign in to accept."))
    _join(dataclasses.replace(actor, user=user), invitation, user)
    return user
