from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laurel.core.actor import Actor
from laurel.orgs import actions, invitations
from laurel.orgs.access import org_view
from laurel.orgs.forms import InviteForm, RoleForm
from laurel.orgs.models import Invitation, Membership


def _page(
    request: HttpRequest, membership: Membership, form: InviteForm | None = None, status: int = 200
) -> HttpResponse:
    org = membership.org
    members = org.memberships.select_related("user").order_by("user__email")
    manage = membership.can("manage_members")
    roles = RoleForm.base_fields["role"].choices  # type: ignore[attr-defined]
    context: dict[str, object] = {"members": members, "roles": roles, "manage": manage}
    if manage:
        context["invite_form"] = form or InviteForm()
        context["invitations"] = (
            org.invitations.filter(accepted_at=None, revoked_at=None)
            .select_related("invited_by")
            .order_by("-created_at")
        )
        context["now"] = timezone.now()
    return render(request, "orgs/members.html", context, status=status)


@org_view("view")
def members(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _page(request, membership)


@org_view("manage_members")
@require_POST
def invite(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _page(request, membership, form, status=400)
    try:
        invitations.invite(Actor.from_request(request), membership.org, **form.cleaned_data)
    except actions.ActionRefused as exc:
        form.add_error("email", str(exc))
        return _page(request, membership, form, status=400)
    messages.success(request, _("An invitation was sent to %(email)s.") % form.cleaned_data)
    return redirect("orgs:members", slug=membership.org.slug)


@org_view("manage_members")
@require_POST
def change_role(request: HttpRequest, membership: Membership, member_id: str) -> HttpResponse:
    target = get_object_or_404(membership.org.memberships.select_related("user"), public_id=member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
    else:
        try:
            actions.change_role(Actor.from_request(request), target, form.cleaned_data["role"])
        except actions.ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The role of %(email)s was changed.") % {"email": target.user.email})
    return redirect("orgs:members", slug=membership.org.slug)


@org_view("manage_members")
@require_POST
def remove(request: HttpRequest, membership: Membership, member_id: str) -> HttpResponse:
    target = get_object_or_404(membership.org.memberships.select_related("user"), public_id=member_id)
    try:
        actions.remove_member(Actor.from_request(request), target)
    except actions.ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("orgs:members", slug=membership.org.slug)
    messages.success(
        request, _("%(email)s was removed from the organization.") % {"email": target.user.email}
    )
    if target.pk == membership.pk:
        return redirect("home")
    return redirect("orgs:members", slug=membership.org.slug)


def _invitation(membership: Membership, invitation_id: str) -> Invitation:
    return get_object_or_404(Invitation, org=membership.org, public_id=invitation_id)


@org_view("manage_members")
@require_POST
def resend(request: HttpRequest, membership: Membership, invitation_id: str) -> HttpResponse:
    invitation = _invitation(membership, invitation_id)
    try:
        invitations.resend_invitation(Actor.from_request(request), invitation)
    except actions.ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("A new invitation link was sent to %(email)s.") % {"email": invitation.email}
        )
    return redirect("orgs:members", slug=membership.org.slug)


@org_view("manage_members")
@require_POST
def revoke(request: HttpRequest, membership: Membership, invitation_id: str) -> HttpResponse:
    invitation = _invitation(membership, invitation_id)
    try:
        invitations.revoke_invitation(Actor.from_request(request), invitation)
    except actions.ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email})
    return redirect("orgs:members", slug=membership.org.slug)
