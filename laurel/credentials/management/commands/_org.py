"""Shared by the key commands: find the organization or fail with one clear line."""

from django.core.management.base import CommandError

from laurel.orgs.models import Organization


def get_org(slug: str | None) -> Organization:
    slug = (slug or "").strip()
    if not slug:
        raise CommandError("give the organization with --org SLUG")
    org = Organization.objects.filter(slug=slug).first()
    if org is None:
        raise CommandError(f"no organization with slug {slug!r}")
    return org
