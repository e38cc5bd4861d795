from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laurel.accounts.models import ApiToken
from laurel.accounts.tokens import create_api_token, revoke_api_token
from laurel.core.actor import Actor
from laurel.orgs.access import org_view
from laurel.orgs.forms import TokenForm
from laurel.orgs.models import Membership


def _page(request: HttpRequest, membership: Membership, form: TokenForm, status: int = 200) -> HttpResponse:
    tokens = ApiToken.objects.filter(org=membership.org).select_related("user").order_by("-created_at", "-pk")
    return render(request, "orgs/tokens.html", {"tokens": tokens, "form": form}, status=status)


@org_view("manage_org")
def tokens(request: HttpRequest, membership: Membership) -> HttpResponse:
    if request.method != "POST":
        return _page(request, membership, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, membership, form, status=400)
    try:
        token, secret = create_api_token(
            Actor.from_request(request), membership.user, membership.org, form.cleaned_data["name"]
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _page(request, membership, form, status=400)
    # The clear token exists only in this response; no cache may keep it.
    response = render(request, "orgs/token_created.html", {"token": token, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@org_view("manage_org")
@require_POST
def revoke(request: HttpRequest, membership: Membership, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.select_related("org"), org=membership.org, pk=token_id)
    if token.revoked_at is None:
        revoke_api_token(Actor.from_request(request), token)
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("orgs:tokens", slug=membership.org.slug)
