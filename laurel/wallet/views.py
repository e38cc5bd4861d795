from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from laurel.accounts.actions import verified_emails
from laurel.accounts.models import User
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.wallet.actions import AlreadyClaimed, claim_award
from laurel.wallet.models import AwardClaim
from laurel.wallet.queries import held_awards
from laurel.wallet.tokens import ClaimLinkExpired, ClaimLinkInvalid, read_claim_token


def _refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "wallet/claim_refused.html", {"message": message}, status=status)


def _invalid(request: HttpRequest) -> HttpResponse:
    return _refuse(request, _("This claim link is not valid. Check that you copied all of it."), 400)


def _used(request: HttpRequest) -> HttpResponse:
    return _refuse(request, _("This claim link has already been used."), 410)


def _wrong_person(user: User | None, award: Award, email: str) -> str:
    """Why the visitor may not claim this award, or "" when they may.

    Someone signed in may claim only for an address already theirs, so a forwarded email
    cannot move a badge into a stranger's account; an award already linked to an account
    is claimed from inside that account.
    """
    owner = award.recipient.user
    if user is not None and (owner not in (None, user) or email not in verified_emails(user) | {user.email}):
        return _("This badge was sent to another person. Sign out and open the link again.")
    if user is None and owner is not None:
        return _("This badge is already in an account. Sign in to it and open the link again.")
    return ""


@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, token: str) -> HttpResponse:
    try:
        public_id, email = read_claim_token(token)
    except ClaimLinkExpired:
        return _refuse(
            request, _("This claim link has expired. Ask the institution to send the badge again."), 410
        )
    except ClaimLinkInvalid:
        return _invalid(request)
    award = (
        Award.objects.select_related("org", "version", "recipient__user").filter(public_id=public_id).first()
    )
    if award is None or award.recipient.email != email:
        return _invalid(request)
    if AwardClaim.objects.filter(award=award).exists():
        return _used(request)
    user = request.user if request.user.is_authenticated else None
    refusal = _wrong_person(user, award, email)  # type: ignore[arg-type]
    if refusal:
        return _refuse(request, refusal, 403)
    if request.method == "GET":  # mail scanners follow links; only the form's POST changes anything
        return render(request, "wallet/claim.html", {"award": award, "email": email})
    declined = request.POST.get("answer") == "decline"
    state = AwardClaim.State.DECLINED if declined else AwardClaim.State.ACCEPTED
    try:
        claimed_by = claim_award(Actor.from_request(request), award, email, user, state)  # type: ignore[arg-type]
    except AlreadyClaimed:
        return _used(request)
    if user is None:
        login(request, claimed_by, backend=settings.AUTHENTICATION_BACKENDS[0])
    return redirect("wallet:index")


@login_required
def wallet(request: HttpRequest) -> HttpResponse:
    return render(request, "wallet/index.html", {"awards": held_awards(request.user)})  # type: ignore[arg-type]
