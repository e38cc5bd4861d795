"""Staff pages: ask for endorsements, see them, withdraw one."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laurel.achievements.models import Achievement
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.endorsements import actions
from laurel.endorsements.models import Endorsement
from laurel.orgs.access import org_view
from laurel.orgs.models import Membership


def _page(request: HttpRequest, membership: Membership, errors: dict, status: int = 200) -> HttpResponse:
    org = membership.org
    context = {
        "org": org,
        "membership": membership,
        "endorsements": Endorsement.objects.filter(org=org)
        .select_related("achievement__current_version", "award__recipient")
        .order_by("-requested_at")[:200],
        "badges": Achievement.objects.filter(org=org, current_version__isnull=False, archived_at__isnull=True)
        .select_related("current_version")
        .order_by("slug"),
        "errors": errors,
        "values": request.POST if request.method == "POST" else {},
    }
    return render(request, "endorsements/list.html", context, status=status)


@org_view("award")
def endorsements(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _page(request, membership, {})


def _target(membership: Membership, badge: str, award: str) -> tuple[Achievement, Award | None]:
    org = membership.org
    if award:
        found = (
            Award.objects.select_related("achievement", "recipient").filter(org=org, public_id=award).first()
        )
        if found is None:
            raise ValidationError(
                {"award": [_("There is no award %(id)s in this organization.") % {"id": award}]}
            )
        return found.achievement, found
    try:
        achievement = Achievement.objects.filter(
            org=org, public_id=badge, current_version__isnull=False
        ).first()
    except ValidationError:
        achievement = None
    if achievement is None:
        raise ValidationError({"badge": [_("Choose one of this organization's badges.")]})
    return achievement, None


@org_view("award")
@require_POST
def request_endorsement(request: HttpRequest, membership: Membership) -> HttpResponse:
    email = request.POST.get("email", "").strip()
    try:
        if not email or "@" not in email or len(email) > 254:
            raise ValidationError({"email": [_("Enter the endorser's email address.")]})
        achievement, award = _target(
            membership, request.POST.get("badge", ""), request.POST.get("award", "").strip()
        )
        actions.request_endorsement(
            Actor.from_request(request),
            membership.org,
            achievement=achievement,
            award=award,
            email=email,
            message=request.POST.get("message", "")[:2000],
        )
    except ValidationError as error:
        return _page(request, membership, error.message_dict, 400)
    except actions.EndorsementRefused as error:
        return _page(request, membership, {"award": [str(error)]}, error.status)
    return redirect("endorsements:list", slug=membership.org.slug)


@org_view("award")
@require_POST
def withdraw(request: HttpRequest, membership: Membership, public_id: str) -> HttpResponse:
    found = Endorsement.objects.filter(org=membership.org, public_id=public_id).first()
    if found is None:
        return _page(request, membership, {"withdraw": [_("There is no such endorsement.")]}, 404)
    try:
        actions.withdraw(Actor.from_request(request), found, request.POST.get("reason", ""))
    except ValidationError as error:
        return _page(request, membership, error.message_dict, 400)
    return redirect("endorsements:list", slug=membership.org.slug)
