from django.conf import settings
from django.http import HttpRequest

from laurel.orgs.models import CAPABILITIES


def site(request: HttpRequest) -> dict[str, object]:
    context: dict[str, object] = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
    # org_view puts the member's membership on the request; pages use it for navigation.
    membership = getattr(request, "membership", None)
    if membership is not None:
        context.update(membership=membership, org=membership.org, capabilities=CAPABILITIES[membership.role])
    return context
