"""The one way to reach organization data from a request. Fails closed.

An outsider gets 404 for every organization URL, whether the organization
exists or not; a member without the capability gets 403.
"""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from laurel.orgs.models import Membership, Role

P = ParamSpec("P")


def get_membership(request: HttpRequest, slug: str, capability: str = "view") -> Membership:
    user = request.user
    if not user.is_authenticated:
        raise Http404
    membership = Membership.objects.select_related("org").filter(org__slug=slug, user=user).first()
    if membership is None:
        raise Http404
    if not membership.can(capability):
        raise PermissionDenied
    return membership


def needs_second_factor(request: HttpRequest, membership: Membership) -> bool:
    """Owners must have signed in with a second factor."""
    if membership.role != Role.OWNER:
        return False
    return not request.user.is_verified()  # type: ignore[union-attr]


def org_view(
    capability: str = "view",
) -> Callable[
    [Callable[Concatenate[HttpRequest, Membership, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, str, P], HttpResponse],
]:
    """Decorate a view taking (request, membership, ...) routed with <slug:slug>."""

    def decorator(
        view: Callable[Concatenate[HttpRequest, Membership, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, str, P], HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                # Anonymous visitors learn nothing either: the login page for all.
                return redirect_to_login(request.get_full_path())
            membership = get_membership(request, slug, capability)
            if needs_second_factor(request, membership):
                return redirect(f"/accounts/two-factor/?next={request.get_full_path()}")
            request.membership = membership  # type: ignore[attr-defined]
            return view(request, membership, *args, **kwargs)

        return wrapper

    return decorator
