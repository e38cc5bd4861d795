from django.db import transaction

from laurel.accounts.models import User
from laurel.audit.actions import record
from laurel.core.actor import Actor
from laurel.core.text import canonical_email
from laurel.orgs.models import Membership, Organization, Role


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
        owner, _ = User.objects.get_or_create(email=canonical_email(owner_email))
        if not owner.has_usable_password() and not owner.password:
            owner.set_unusable_password()
            owner.save(update_fields=["password"])
        Membership.objects.create(org=org, user=owner, role=Role.OWNER)
    record(actor, org, "org.create", org, summary=slug, after={"name_ko": name_ko, "name_en": name_en})
    return org, owner
