"""Public badge pages and images: no login, stable addresses that credentials point at."""

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from laurel.achievements.images import EXTENSIONS, PNG, SVG
from laurel.achievements.models import Achievement, AchievementVersion, ImageAsset
from laurel.achievements.presenters import describe, localized

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


def page(request: HttpRequest, achievement: Achievement, version: AchievementVersion) -> HttpResponse:
    context = {
        "achievement": achievement,
        "version": version,
        "issuer": localized(achievement.org, "name"),
        "shown": describe(version),
        "is_current": version.pk == achievement.current_version_id,
    }
    return render(request, "achievements/public.html", context)


def achievement_page(request: HttpRequest, public_id: UUID) -> HttpResponse:
    achievement = public_achievement(public_id)
    return page(request, achievement, achievement.current_version)  # type: ignore[arg-type]


def version_page(request: HttpRequest, public_id: UUID, number: int) -> HttpResponse:
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
