"""The endorser's page, reached by the emailed single-use link, signed in or not."""

from typing import cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from laurel.accounts.models import User
from laurel.core.actor import Actor
from laurel.endorsements import actions, credential
from laurel.endorsements.models import Endorsement


def _render(
    request: HttpRequest,
    endorsement: Endorsement | None,
    user: User | None,
    status: int = 200,
    **extra: object,
) -> HttpResponse:
    context: dict[str, object] = {"endorsement": endorsement, "orgs": actions.endorsing_orgs(user), **extra}
    if endorsement is not None:
        context["target"] = credential.target_name(endorsement, request.LANGUAGE_CODE[:2])
    return render(request, "endorsements/endorse.html", context, status=status)


def _given(request: HttpRequest, user: User | None) -> actions.Given:
    kind = request.POST.get("kind", "")
    as_org = None
    if kind.startswith("org:"):
        slug = kind[4:]
        as_org = next((org for org in actions.endorsing_orgs(user) if org.slug == slug), None)
        kind = Endorsement.Kind.ORGANIZATION
    return actions.Given(
        comment_ko=request.POST.get("comment_ko", ""),
        comment_en=request.POST.get("comment_en", ""),
        name=request.POST.get("name", ""),
        url=request.POST.get("url", ""),
        kind=kind,
        as_org=as_org,
    )


@never_cache
def endorse(request: HttpRequest, token: str) -> HttpResponse:
    user = cast(User, request.user) if request.user.is_authenticated else None
    found = actions.find(token)
    if found is None:
        return _render(
            request,
            None,
            user,
            404,
            refusal=_("This endorsement link is not valid. Check that it was copied whole."),
        )
    try:
        actions.check_open(found, user)
    except actions.EndorsementRefused as error:
        return _render(request, found, user, error.status, refusal=str(error))
    if request.method != "POST":
        return _render(request, found, user, values={"kind": Endorsement.Kind.PERSON})
    try:
        done = actions.endorse(Actor.from_request(request), found, _given(request, user), user)
    except ValidationError as error:
        return _render(request, found, user, 400, errors=error.message_dict, values=request.POST)
    except actions.EndorsementRefused as error:
        return _render(request, found, user, error.status, refusal=str(error))
    return redirect("endorsements_public:page", public_id=done.public_id)
