"""What a platform administrator enters on the LMS side for an LTI source."""

from django.conf import settings
from django.urls import reverse

from laurel.ingest.models import Source


def tool_url(source: Source, name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(f"lti:{name}", args=[source.public_id])


def describe(source: Source) -> dict[str, str]:
    """The tool's URLs for this source: login initiation, launch (also the deep linking and
    redirect URL), and the JWKS. Makes the source's signing key on first use, so the JWKS is
    never empty when the platform first reads it."""
    from laurel.ingest.lti.actions import ensure_tool_key  # actions import the LTI library; setup stays light

    ensure_tool_key(source)
    return {
        "login_url": tool_url(source, "login"),
        "launch_url": tool_url(source, "launch"),
        "redirect_url": tool_url(source, "launch"),
        "deep_linking_url": tool_url(source, "launch"),
        "jwks_url": tool_url(source, "jwks"),
    }
