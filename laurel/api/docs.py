"""The interactive API docs, served entirely from this site so the CSP holds.

Ninja's Swagger page would load its scripts from a CDN, or from the `ninja`
app's static files; neither is allowed or installed here, so the page and the
three files it needs (shipped inside the ninja package) are served from /api/v1/docs.
"""

from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from ninja.openapi.docs import DocsBase

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "swagger-ui.css": "text/css",
}


class LocalSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: "ninja.NinjaAPI", **kwargs: Any) -> HttpResponse:
        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": settings})


@require_safe
@cache_control(max_age=86400, public=True)
def asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSETS:
        raise Http404
    return FileResponse((ASSET_DIR / name).open("rb"), content_type=ASSETS[name])
