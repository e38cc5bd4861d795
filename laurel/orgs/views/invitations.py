"""Accepting an invitation from the emailed link, signed in or not."""

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from laurel.accounts.links import password_set_url
from laurel.accounts.models import User
from laurel.core.actor import Actor
from laurel.core.text import canonical_email
from laurel.orgs import invitations
from laurel.orgs.actions import ActionRefused
from laurel.orgs.models import Invitation


def _refused(request: HttpRequest, invitation: Invitation | None, reason: str, status: int) -> HttpResponse:
    return render(
        request, "orgs/invitation.html", {"invitation": invitation, "refusal": reason}, status=status
    )


@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = invitations.find_invitation(token)
    if found is None:
        return _refused(
            request, None, _("This invitation link is not valid. Check that it was copied whole."), 404
        )
    user = cast(User, request.user) if request.user.is_authenticated else None
    try:
        invitations.check_acceptable(found, user)
    except ActionRefused as exc:
        wrong_account = user is not None and canonical_email(user.email) != found.email
        return _refused(request, found, str(exc), 403 if wrong_account else 410)
    if user is None:
        existing = User.objects.filter(email=found.email).first()
        if existing is not None and existing.has_usable_password():
            login_url = reverse("accounts:login") + "?" + urlencode({"next": request.path})
            return render(request, "orgs/invitation.html", {"invitation": found, "login_url": login_url})
    if request.method != "POST":
        return render(request, "orgs/invitation.html", {"invitation": found, "can_accept": True})
    actor = Actor.from_request(request)
    try:
        if user is None:
            new_user = invitations.accept_invitation_with_new_account(actor, found)
            return redirect(password_set_url(new_user))
        invitations.accept_invitation(actor, found, user)
    except ActionRefused as exc:
        return _refused(request, found, str(exc), 409)
    messages.success(request, _("Welcome to %(org)s.") % {"org": found.org.name})
    return redirect("orgs:dashboard", slug=found.org.slug)
