from django.db import transaction
from django.utils.translation import gettext as _

from laurel.accounts.models import User
from laurel.achievements.images import store_image
from laurel.audit.actions import record
from laurel.core.actor import Actor
from laurel.core.text import canonical_email
from laurel.orgs.images import CheckedPng
from laurel.orgs.models import Membership, Organization, Role

# Fields an owner edits on the settings page; the audit log keeps before and after.
SETTINGS_FIELDS = (
    "name_ko",
    "name_en",
    "description_ko",
    "description_en",
    "url",
    "email",
    "default_language",
    "public_base_url",
)


class ActionRefused(Exception):
    """A change the rules do not allow; the message is shown to the person as is."""


@transaction.atomic
def create_org(
    actor: Actor,
    *,
    slug: str,
    name_ko: str = "",
    name_en: str = "",
    owner_email: str | None = None,
    default_language: str = "ko",
    **fields: object,
) -> tuple[Organization, User | None]:
    """Create an organization, and its owner account when an email is given."""
    org = Organization.objects.create(
        slug=slug, name_ko=name_ko, name_en=name_en, default_language=default_language, **fields
    )
    owner = None
    if owner_email:
        email = canonical_email(owner_email)
        owner = User.objects.filter(email=email).first() or User.objects.create_user(email, None)
        Membership.objects.create(org=org, user=owner, role=Role.OWNER)
    record(actor, org, "org.create", org, summary=slug, after={"name_ko": name_ko, "name_en": name_en})
    return org, owner


@transaction.atomic
def update_org(
    actor: Actor,
    org: Organization,
    values: dict[str, str],
    *,
    logo: CheckedPng | None = None,
    remove_logo: bool = False,
) -> Organization:
    """Save the settings page; only fields that changed reach the audit log."""
    org = Organization.objects.select_for_update(of=("self",)).select_related("logo").get(pk=org.pk)
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for field in SETTINGS_FIELDS:
        if field in values and getattr(org, field) != values[field]:
            before[field], after[field] = getattr(org, field), values[field]
            setattr(org, field, values[field])
    old_logo = org.logo.sha256 if org.logo else ""
    if logo is not None:
        org.logo = store_image(logo.data, "image/png", logo.width, logo.height)
    elif remove_logo:
        org.logo = None
    new_logo = org.logo.sha256 if org.logo else ""
    if new_logo != old_logo:
        before["logo_sha256"], after["logo_sha256"] = old_logo, new_logo
    if after:
        org.save()
        record(actor, org, "org.update", org, summary=", ".join(sorted(after)), before=before, after=after)
    return org


def _owner_ids(org: Organization) -> list[int]:
    # Locking every owner row serializes concurrent demotions, so two owners
    # cannot demote each other at the same moment and leave nobody in charge.
    return list(
        Membership.objects.select_for_update().filter(org=org, role=Role.OWNER).values_list("pk", flat=True)
    )


@transaction.atomic
def change_role(actor: Actor, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ActionRefused(_("Choose a valid role."))
    owners = _owner_ids(membership.org)
    membership = Membership.objects.select_for_update().select_related("user", "org").get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == Role.OWNER and owners == [membership.pk]:
        raise ActionRefused(
            _("%(email)s is the last owner. Make another member an owner first.")
            % {"email": membership.user.email}
        )
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        actor,
        membership.org,
        "member.role",
        membership,
        summary=f"{membership.user.email}: {before} → {role}",
        before={"role": before},
        after={"role": role},
    )
    return membership


@transaction.atomic
def remove_member(actor: Actor, membership: Membership) -> None:
    owners = _owner_ids(membership.org)
    membership = Membership.objects.select_for_update().select_related("user", "org").get(pk=membership.pk)
    if membership.role == Role.OWNER and owners == [membership.pk]:
        raise ActionRefused(
            _("%(email)s is the last owner and cannot be removed. Make another member an owner first.")
            % {"email": membership.user.email}
        )
    record(
        actor,
        membership.org,
        "member.remove",
        membership,
        summary=membership.user.email,
        before={"email": membership.user.email, "role": membership.role},
    )
    membership.delete()
