import re

# Lower-case words joined by single hyphens: stable, readable URLs.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 60
# Paths under /orgs/ that are not organizations.
RESERVED_SLUGS = frozenset({"invitations", "new"})


def slug_problem(slug: str) -> str | None:
    """Why this slug cannot name a new organization, or None when it can (ignoring taken ones)."""
    if not SLUG_RE.match(slug) or len(slug) > SLUG_MAX_LENGTH:
        return (
            f"slug {slug!r} is not valid: use 1-{SLUG_MAX_LENGTH} lower-case letters, digits "
            "and single hyphens, such as hanbit-univ"
        )
    if slug in RESERVED_SLUGS:
        return f"slug {slug!r} is reserved; choose another"
    return None
