from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, path, re_path

from laurel.api import docs
from laurel.api.api import api
from laurel.api.errors import method_not_allowed, not_found


def _problem_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)  # keeps ninja's csrf_exempt flag: the API has no cookie auth to protect
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return method_not_allowed(response)
        return response

    return wrapper


def _unknown(request: HttpRequest, rest: str) -> HttpResponse:
    return not_found().response()


_unknown.csrf_exempt = True  # type: ignore[attr-defined]

# Not named app_name: include() would read that as this module's own namespace.
_patterns, _app, _namespace = api.urls
for pattern in _patterns:
    if isinstance(pattern, URLPattern):
        pattern.callback = _problem_405(pattern.callback)

urlpatterns = [
    path("docs/assets/<str:name>", docs.asset, name="api_docs_asset"),
    path("", (_patterns, _app, _namespace)),
    re_path(r"^(?P<rest>.*)$", _unknown),
]
