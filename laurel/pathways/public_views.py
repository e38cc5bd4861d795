"""Public pathway pages: no login, no learner data, one address to share per pathway."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from laurel.pathways.models import Pathway


def pathway_page(request: HttpRequest, org_slug: str, slug: str) -> HttpResponse:
    pathway = get_object_or_404(
        Pathway.objects.select_related("org", "milestone__current_version"),
        org__slug=org_slug,
        slug=slug,
        published=True,
    )
    wanted = request.GET.get("lang", "")
    lang = wanted if wanted in ("ko", "en") else (translation.get_language() or "ko")[:2]
    with translation.override(lang):
        levels = [
            {
                "group": group,
                "name": group.name,
                "badges": [
                    b.current_version for b in group.badges.select_related("current_version").order_by("slug")
                ],
                "requires": [r.position + 1 for r in group.requires.all()],
            }
            for group in pathway.groups.all()
        ]
        context = {
            "pathway": pathway,
            "name": pathway.name,
            "description": pathway.description,
            "milestone": pathway.milestone.current_version,
            "levels": levels,
            "lang": lang,
            "other_lang": "en" if lang == "ko" else "ko",
            "page_url": request.build_absolute_uri(request.path),
        }
        return render(request, "pathways/public.html", context)
