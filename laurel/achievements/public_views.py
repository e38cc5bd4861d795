"""Public badge pages and images: no login, stable addresses that credentials point at.

A version's page is the ``id`` of the Achievement inside its credentials, one per language
(``?lang=ko|en``); asked for JSON (``Accept`` or ``?format=json``) it answers with exactly
that Achievement as a standalone document.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from laurel.achievements.images import EXTENSIONS, PNG, SVG
from laurel.achievements.models import Achievement, AchievementVersion, ImageAsset
from laurel.achievements.presenters import describe, localized
from laurel.core.cors import public_cors
from laurel.orgs.models import Organization
from laurel.vc import ob3

# Uploaded SVG is shown as a document only under a policy that lets nothing run or load.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


def image_response(asset: ImageAsset, cache_control: str) -> HttpResponse:
    response = HttpResponse(bytes(asset.data), content_type=asset.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    response["ETag"] = f'"{asset.sha256}"'
    # Wallets and verifiers on other sites fetch badge images too.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    if asset.content_type == SVG:
        response["Content-Security-Policy"] = SVG_CSP
    return response


def public_achievement(public_id: UUID) -> Achievement:
    # Archived badges still resolve: issued credentials keep pointing at them.
    return get_object_or_404(
        Achievement.objects.select_related("org", "current_version__image", "current_version__image_png"),
        public_id=public_id,
        current_version__isnull=False,
    )


def get_version(achievement: Achievement, number: int) -> AchievementVersion:
    return get_object_or_404(
        AchievementVersion.objects.select_related("image", "image_png"),
        achievement=achievement,
        number=number,
    )


LANGUAGES = ("ko", "en")
JSON_TYPES = ("application/json", "application/ld+json")


def wants_json(request: HttpRequest) -> bool:
    if request.GET.get("format") == "json":
        return True
    accept = request.headers.get("Accept", "")
    return any(kind in accept for kind in JSON_TYPES) and "text/html" not in accept


def asked_language(request: HttpRequest) -> str | None:
    asked = request.GET.get("lang")
    return asked if asked in LANGUAGES else None


@dataclass(frozen=True)
class VersionOf:
    """What the credential builder reads from an award: the organization, badge and version."""

    org: Organization
    achievement: Achievement
    version: AchievementVersion


def document_language(version: AchievementVersion, asked: str | None, org: Organization) -> str:
    """The asked language when the version has it, else the organization's, else the only one."""
    languages = version.languages
    for code in (asked, org.default_language):
        if code is not None and code in languages:
            return code
    return languages[0]


def achievement_document(
    achievement: Achievement, version: AchievementVersion, language: str
) -> dict[str, Any]:
    """The Achievement as credentials of this version carry it in ``language``.

    Built by the signing code itself, so the page and the credentials can never disagree.
    """
    from laurel.awards.models import Award
    from laurel.credentials.signing import achievement_info

    source = cast(Award, VersionOf(achievement.org, achievement, version))
    return ob3.build_achievement_document(achievement_info(source, language, version.languages))


def json_document(request: HttpRequest, document: dict[str, Any], language: str) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    tag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    accept = request.headers.get("Accept", "")
    kind = "application/ld+json" if "application/ld+json" in accept else "application/json"
    if tag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=kind)
    response["ETag"] = tag
    response["Cache-Control"] = SHORT
    response["Content-Language"] = language
    response["Vary"] = "Accept"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def page(request: HttpRequest, achievement: Achievement, version: AchievementVersion) -> HttpResponse:
    asked = asked_language(request)
    if wants_json(request):
        language = document_language(version, asked, achievement.org)
        return json_document(request, achievement_document(achievement, version, language), language)
    language = asked or (translation.get_language() or "ko")[:2]
    with translation.override(language):
        context = {
            "achievement": achievement,
            "version": version,
            "issuer": localized(achievement.org, "name"),
            "shown": describe(version),
            "is_current": version.pk == achievement.current_version_id,
            "lang": language,
            "other_lang": "en" if language == "ko" else "ko",
        }
        response = render(request, "achievements/public.html", context)
    response["Content-Language"] = language
    response["Vary"] = "Accept, Accept-Language, Cookie"
    return response


@public_cors
def achievement_page(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    achievement = public_achievement(public_id)
    return page(request, achievement, achievement.current_version)  # type: ignore[arg-type]


@public_cors
def version_page(request: HttpRequest, public_id: UUID, number: int) -> HttpResponseBase:
    achievement = public_achievement(public_id)
    return page(request, achievement, get_version(achievement, number))


def current_image(request: HttpRequest, public_id: UUID) -> HttpResponse:
    version = public_achievement(public_id).current_version
    assert version is not None
    asset = version.image_png if request.GET.get("format") == "png" else version.image
    if asset is None:
        raise Http404
    # The badge may get a new version, so this address is only briefly cacheable.
    return image_response(asset, SHORT)


def version_image(request: HttpRequest, public_id: UUID, number: int, ext: str) -> HttpResponse:
    if ext not in ("svg", "png"):
        raise Http404
    version = get_version(public_achievement(public_id), number)
    asset = version.image_png if ext == "png" else version.image
    if asset is None or asset.content_type != (PNG if ext == "png" else SVG):
        raise Http404
    # Until a version is awarded it is still edited in place; after that it never changes.
    return image_response(asset, IMMUTABLE if version.awards.exists() else SHORT)


def image_by_hash(request: HttpRequest, sha256: str, ext: str) -> HttpResponse:
    asset = get_object_or_404(ImageAsset, sha256=sha256)
    if EXTENSIONS.get(asset.content_type) != ext:
        raise Http404
    return image_response(asset, IMMUTABLE)
