"""The public page of one award: what a recipient shares. Never shows their email."""

import importlib

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from laurel.achievements.models import ImageAsset
from laurel.awards.models import Award

EXTENSIONS = {"image/png": "png", "image/svg+xml": "svg", "image/jpeg": "jpg", "image/webp": "webp"}


def image_path(asset: ImageAsset | None) -> str:
    """Where the achievements app serves an image: /i/image/<sha256>.<ext>."""
    if asset is None:
        return ""
    extension = EXTENSIONS.get(asset.content_type, asset.content_type.rsplit("/", 1)[-1].split("+")[0])
    return f"/i/image/{asset.sha256}.{extension}"


def criteria_html(text: str) -> SafeString | None:
    """Criteria rendered by the achievements app's Markdown renderer, when it is there.

    None tells the template to show the text escaped, with its line breaks.
    """
    try:
        module = importlib.import_module("laurel.achievements.markdown")
    except ImportError:
        return None
    # render_markdown sanitizes its output, which is what makes marking it safe sound.
    return mark_safe(module.render_markdown(text))  # noqa: S308


@require_GET
def award_page(request: HttpRequest, public_id: str) -> HttpResponse:
    award = get_object_or_404(
        Award.objects.select_related("org", "recipient", "version__image", "version__image_png"),
        public_id=public_id,
    )
    version, org = award.version, award.org
    share_image = image_path(version.image_png or version.image)
    context = {
        "award": award,
        "version": version,
        "issuer": org,
        "recipient_name": award.recipient.name,
        "image_src": image_path(version.image),
        "og_image": f"{org.base_url}{share_image}" if share_image else "",
        "og_url": award.public_url,
        "criteria_html": criteria_html(version.criteria) if version.criteria else None,
    }
    return render(request, "awards/public.html", context)
