"""What a platform administrator enters on the LMS side for an LTI source."""

import json
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from laurel.ingest.models import Source

# The services the tool uses: roster (NRPS) and the "badge earned" column and its scores (AGS).
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]


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
        "canvas_configuration_url": tool_url(source, "canvas_configuration"),
    }


def labelled(source: Source) -> list[tuple[str, str, str]]:
    """The tool's URLs with what each LMS calls the field they go into: (label, where, value)."""
    urls = describe(source)
    return [
        (
            _("Login initiation URL"),
            _(
                "Canvas: OpenID Connect Initiation Url · Moodle: Initiate login URL · "
                "Blackboard: Login Initiation URL"
            ),
            urls["login_url"],
        ),
        (
            _("Redirect and launch URL"),
            _(
                "Canvas: Redirect URIs and Target Link URI · Moodle: Tool URL and Redirection URI(s) · "
                "Blackboard: Tool Redirect URL(s)"
            ),
            urls["launch_url"],
        ),
        (
            _("Deep linking URL"),
            _(
                "Moodle: Content Selection URL (with “Supports Deep Linking” on) · "
                "Canvas: the link selection placement"
            ),
            urls["deep_linking_url"],
        ),
        (
            _("Public keyset (JWKS) URL"),
            _(
                "Canvas: Public JWK URL · Moodle: Public keyset, with key type “Keyset URL” · "
                "Blackboard: Tool JWKS URL"
            ),
            urls["jwks_url"],
        ),
    ]


def canvas_configuration(source: Source, title: str = "") -> dict[str, Any]:
    """The LTI 1.3 developer key JSON Canvas takes ("Paste JSON" or "Enter URL")."""
    urls = describe(source)
    launch = urls["launch_url"]
    return {
        "title": title or source.name,
        "description": (
            "Laurel badges: the learner's badges in the course, roster sync "
            "and a “badge earned” grade column."
        ),
        "oidc_initiation_url": urls["login_url"],
        "target_link_uri": launch,
        "public_jwk_url": urls["jwks_url"],
        "scopes": SCOPES,
        "extensions": [
            {
                "platform": "canvas.instructure.com",
                # Names and emails are what link launches to the organization's recipients.
                "privacy_level": "public",
                "settings": {
                    "placements": [
                        {
                            "placement": "course_navigation",
                            "message_type": "LtiResourceLinkRequest",
                            "target_link_uri": launch,
                        },
                        {
                            "placement": "link_selection",
                            "message_type": "LtiDeepLinkingRequest",
                            "target_link_uri": launch,
                        },
                    ]
                },
            }
        ],
        "custom_fields": {},
    }


def canvas_json(source: Source) -> str:
    return json.dumps(canvas_configuration(source), indent=2, ensure_ascii=False)
