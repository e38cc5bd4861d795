"""API bearer tokens: shown once, stored as a SHA-256 hash, revocable."""

import hmac

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.accounts.models import ApiToken, User, hash_token
from laurel.audit.actions import record
from laurel.core.actor import Actor
from laurel.core.touch import touch
from laurel.orgs.models import Membership, Organization

PREFIX_LENGTH = 12  # "lrl_" and eight characters, enough to tell tokens apart
MAX_RAW_LENGTH = 100
MAX_NAME_LENGTH = 100  # ApiToken.name


@transaction.atomic
def create_api_token(actor: Actor, user: User, org: Organization, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user` in `org`; returns it with the clear text, which is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name so you can recognise it later.")})
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError({"name": _("The name may have at most 100 characters.")})
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, org=org, name=name, prefix=raw[:PREFIX_LENGTH], token_hash=hash_token(raw)
    )
    record(actor, org, "api_token.create", token, summary=f"{name} ({token.prefix}…) for {user.email}")
    return token, raw


@transaction.atomic
def revoke_api_token(actor: Actor, token: ApiToken) -> None:
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    if updated:
        record(actor, token.org, "api_token.revoke", token, summary=f"{token.name} ({token.prefix}…)")


def authenticate_token(raw: str) -> ApiToken | None:
    """The live token for a bearer string, or None.

    The lookup is by SHA-256 digest, so response timing can at most reveal
    something about a digest, never about a stored token. The final comparison
    is constant-time anyway. A token stops working when revoked, when its user
    is deactivated, or when the user is no longer a member of its organization.
    """
    if not raw.startswith(ApiToken.PREFIX) or len(raw) > MAX_RAW_LENGTH:
        return None
    digest = hash_token(raw)
    token = ApiToken.objects.select_related("user", "org").filter(token_hash=digest).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.revoked_at is not None or not token.user.is_active:
        return None
    if not Membership.objects.filter(org_id=token.org_id, user_id=token.user_id).exists():
        return None
    touch(token, "last_used_at")
    return token
