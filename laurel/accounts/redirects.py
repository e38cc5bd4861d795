from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """The `next` parameter when it is a path on this site, else `default`.

    Only relative paths are accepted, so `//evil.example` and `https://evil.example`
    (and their backslash and control-character disguises) fall back to `default`.
    """
    value = request.POST.get("next") or request.GET.get("next") or ""
    if not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    if any(ord(c) < 32 or c == "\\" for c in value):
        return default
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=set()):
        return default
    return value
