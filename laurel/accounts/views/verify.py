from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from laurel.accounts import actions, limits, verification
from laurel.accounts.decorators import signed_in
from laurel.accounts.models import Identifier, User
from laurel.core.actor import Actor


def _problem(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "accounts/verify_problem.html", {"message": message}, status=status)


def _link_problem(request: HttpRequest, exc: verification.LinkInvalid) -> HttpResponse:
    if isinstance(exc, verification.LinkExpired):
        message = _("This link has expired. Links work for three days; ask for a new one below.")
    else:
        message = _("This link is not valid. Check that you copied all of it, or ask for a new one below.")
    return _problem(request, message, 400)


def _wrong_account(request: HttpRequest) -> HttpResponse:
    message = _(
        "This link was sent for a different account. Sign out, then open it again "
        "and sign in as the account that asked for it."
    )
    return _problem(request, message, 403)


def _linked_message(request: HttpRequest, identifier: Identifier) -> None:
    count = identifier.user.recipients.count()
    messages.success(
        request,
        ngettext(
            "Confirmed %(value)s. %(count)d record from issuers is now linked to your account.",
            "Confirmed %(value)s. %(count)d records from issuers are now linked to your account.",
            count,
        )
        % {"value": identifier.value, "count": count},
    )


@signed_in
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = verification.read_email_link(token)
    except verification.LinkInvalid as exc:
        return _link_problem(request, exc)
    if claim.user_id != request.user.pk:
        return _wrong_account(request)
    user: User = request.user  # type: ignore[assignment]
    try:
        identifier = actions.verify_email(Actor.from_request(request), user, claim.email)
    except actions.IdentifierTaken:
        message = _("Another account has already confirmed %(email)s.") % {"email": claim.email}
        return _problem(request, message, 409)
    _linked_message(request, identifier)
    return redirect("accounts:identifiers")


@signed_in
def verify_student_id(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = verification.read_student_id_link(token)
        if claim.user_id != request.user.pk:
            return _wrong_account(request)
        user: User = request.user  # type: ignore[assignment]
        identifier = actions.verify_student_id(Actor.from_request(request), user, claim)
    except verification.LinkInvalid as exc:
        return _link_problem(request, exc)
    except actions.IdentifierTaken:
        return _problem(request, _("Another account has already confirmed this student id."), 409)
    _linked_message(request, identifier)
    return redirect("accounts:identifiers")


@signed_in
def verify_email_status(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/verify_email.html")


@signed_in
@require_POST
def verify_email_resend(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.email_verified_at is not None:
        messages.info(request, _("Your email address is already confirmed."))
        return redirect("accounts:verify_email_status")
    if not limits.allow("verify-mail", str(user.pk), limits.VERIFY_MAIL_PER_USER):
        messages.error(request, _("We have sent several links already. Wait an hour before asking again."))
        return render(request, "accounts/verify_email.html", status=429)
    actions.send_email_verification(user, user.email)
    messages.success(request, _("We sent a new link to %(email)s.") % {"email": user.email})
    return redirect("accounts:verify_email_status")
