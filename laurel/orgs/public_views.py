"""An organization's public page: the ``url`` of the issuer Profile in its credentials.

HTML for people; the OB 3.0 ``Profile`` document when asked for JSON (``Accept`` or
``?format=json``), the same Profile its new credentials carry as ``issuer``.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from laurel.achievements.models import Achievement
from laurel.achievements.presenters import image_url, localized
from laurel.achievements.public_views import json_document, wants_json
from laurel.core.cors import public_cors
from laurel.orgs.models import Organization, pick
from laurel.vc import ob3

LANGUAGES = ("ko", "en")


def page_language(request: HttpRequest, org: Organization) -> str:
    asked = request.GET.get("lang")
    if asked in LANGUAGES:
        return asked
    return (translation.get_language() or org.default_language)[:2]


def profile_document(org: Organization, language: str) -> dict[str, Any]:
    """The issuer Profile as the signing code builds it for a credential in ``language``."""
    from laurel.credentials import issuers
    from laurel.credentials.signing import issuer_profile

    return ob3.build_profile(issuer_profile(org, issuers.issuer_id(org), language))


def public_badges(org: Organization) -> list[dict[str, Any]]:
    achievements = (
        Achievement.objects.filter(org=org, archived_at=None, current_version__isnull=False)
        .select_related("current_version__image", "current_version__image_png")
        .order_by("slug")
    )
    badges = []
    for achievement in achievements:
        version = achievement.current_version
        assert version is not None
        badges.append(
            {
                "public_id": achievement.public_id,
                "name": localized(version, "name"),
                "description": localized(version, "description"),
                "alt_text": localized(version, "alt_text"),
                "image_url": image_url(version.image_png or version.image),
            }
        )
    return badges


@public_cors
def profile(request: HttpRequest, slug: str) -> HttpResponseBase:
    org = get_object_or_404(Organization.objects.select_related("logo"), slug=slug)
    if wants_json(request):
        asked = request.GET.get("lang")
        language = asked if asked in LANGUAGES else org.default_language
        return json_document(request, profile_document(org, language), language)
    language = page_language(request, org)
    with translation.override(language):
        context = {
            "issuer": org,
            "name": localized(org, "name"),
            "description": localized(org, "description"),
            "logo_url": image_url(org.logo),
            "badges": public_badges(org),
            "lang": language,
            "other_lang": "en" if language == "ko" else "ko",
            "title": pick(org, "name", language),
        }
        response: HttpResponse = render(request, "orgs/public.html", context)
    response["Content-Language"] = language
    response["Vary"] = "Accept, Accept-Language, Cookie"
    return response
