from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from laurel.accounts import actions, limits
from laurel.accounts.decorators import signed_in
from laurel.accounts.forms import AddEmailForm, AddStudentIdForm
from laurel.accounts.models import Identifier, User
from laurel.core.actor import Actor

SENT_STUDENT_ID = gettext_noop(
    "If %(org)s has a record with this student id, we sent a link to the email address on that "
    "record. Open it while signed in here to confirm."
)


def _page(
    request: HttpRequest,
    email_form: AddEmailForm | None = None,
    student_form: AddStudentIdForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # The sign-in address is listed on its own line above, not twice.
    rows = (
        Identifier.objects.filter(user=user)
        .exclude(Q(kind=Identifier.Kind.EMAIL, value=user.email, org=None))
        .select_related("org")
        .order_by("kind", "value")
    )
    context = {
        "identifiers": rows,
        "email_form": email_form or AddEmailForm(),
        "student_form": student_form or AddStudentIdForm(),
        "recipient_count": user.recipients.count(),
    }
    return render(request, "accounts/identifiers.html", context, status=status)


def _mail_allowed(user: User) -> bool:
    return limits.allow("verify-mail", str(user.pk), limits.VERIFY_MAIL_PER_USER)


TOO_MANY_MAILS = gettext_noop("We have sent several links already. Wait an hour before asking again.")


@signed_in
def identifiers(request: HttpRequest) -> HttpResponse:
    return _page(request)


@signed_in
@require_POST
def add_email(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = AddEmailForm(request.POST)
    if not form.is_valid():
        return _page(request, email_form=form, status=400)
    email = form.cleaned_data["email"]
    if not _mail_allowed(user):
        form.add_error(None, _(TOO_MANY_MAILS))
        return _page(request, email_form=form, status=429)
    try:
        actions.add_email(Actor.from_request(request), user, email)
    except actions.AlreadyYours:
        form.add_error("email", _("You have already confirmed this address."))
        return _page(request, email_form=form, status=400)
    except actions.IdentifierTaken:
        form.add_error(
            "email", _("Another account already uses this address. Sign in to that account instead.")
        )
        return _page(request, email_form=form, status=409)
    messages.success(
        request, _("We sent a link to %(email)s. Open it while signed in here to confirm.") % {"email": email}
    )
    return redirect("accounts:identifiers")


@signed_in
@require_POST
def add_student_id(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = AddStudentIdForm(request.POST)
    if not form.is_valid():
        return _page(request, student_form=form, status=400)
    org = form.cleaned_data["org"]
    if not _mail_allowed(user):
        form.add_error(None, _(TOO_MANY_MAILS))
        return _page(request, student_form=form, status=429)
    try:
        identifier = actions.add_student_id(
            Actor.from_request(request), user, org, form.cleaned_data["student_id"]
        )
    except actions.AlreadyYours:
        form.add_error("student_id", _("You have already confirmed this student id."))
        return _page(request, student_form=form, status=400)
    except actions.IdentifierTaken:
        form.add_error(
            "student_id",
            _("Another account has already confirmed this student id. Contact %(org)s.") % {"org": org.name},
        )
        return _page(request, student_form=form, status=409)
    if identifier.verified_at is not None:
        messages.success(
            request, _("Confirmed: your email address matches %(org)s's record.") % {"org": org.name}
        )
    else:
        messages.info(request, _(SENT_STUDENT_ID) % {"org": org.name})
    return redirect("accounts:identifiers")


@signed_in
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    identifier = get_object_or_404(Identifier, pk=pk, user=request.user, verified_at=None)
    if not _mail_allowed(request.user):  # type: ignore[arg-type]
        messages.error(request, _(TOO_MANY_MAILS))
        return _page(request, status=429)
    actions.resend_verification(identifier)
    if identifier.kind == Identifier.Kind.EMAIL:
        messages.success(request, _("We sent a new link to %(email)s.") % {"email": identifier.value})
    else:
        messages.info(request, _(SENT_STUDENT_ID) % {"org": identifier.org.name if identifier.org else ""})
    return redirect("accounts:identifiers")


@signed_in
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    identifier = get_object_or_404(Identifier, pk=pk, user=request.user, verified_at=None)
    actions.remove_pending_identifier(Actor.from_request(request), identifier)
    messages.success(request, _("Removed %(value)s.") % {"value": identifier.value})
    return redirect("accounts:identifiers")
