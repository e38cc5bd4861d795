from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies.

    With LAUREL_TRUSTED_PROXIES=N, the N right-most X-Forwarded-For entries were
    added by our proxies; the one before them is the client. Anything further left
    is whatever the client sent and is ignored.
    """
    hops = settings.TRUSTED_PROXIES
    if hops:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None
