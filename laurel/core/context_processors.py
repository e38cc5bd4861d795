from django.conf import settings
from django.http import HttpRequest

from laurel.orgs.models import CAPABILITIES


def site(request: HttpRequest) -> dict[str, object]:
    context: dict[str, object] = {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "language_switch_next": _without_lang(request),
    }
    # org_view puts the member's membership on the request; pages use it for navigation.
    membership = getattr(request, "membership", None)
    if membership is not None:
        context.update(membership=membership, org=membership.org, capabilities=CAPABILITIES[membership.role])
    return context


def _without_lang(request: HttpRequest) -> str:
    """Where the language buttons return to: this page, minus a ?lang= that would override them."""
    query = request.GET.copy()
    query.pop("lang", None)
    return f"{request.path}?{query.urlencode()}" if query else request.path
