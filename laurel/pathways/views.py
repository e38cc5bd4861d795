"""Staff pages: list and design pathways, publish them."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from laurel.achievements.models import Achievement
from laurel.core.actor import Actor
from laurel.orgs.access import org_view
from laurel.orgs.models import Membership
from laurel.pathways import actions
from laurel.pathways.forms import PathwayForm
from laurel.pathways.models import Pathway

DEFINE = "define"


def _pathway(membership: Membership, slug: str) -> Pathway:
    """The one access helper for pathways: only the member's own organization's."""
    return get_object_or_404(Pathway, org=membership.org, slug=slug)


def _badges(membership: Membership) -> list[Achievement]:
    return list(
        Achievement.objects.filter(org=membership.org, current_version__isnull=False)
        .select_related("current_version")
        .order_by("slug")
    )


@org_view(DEFINE)
@require_http_methods(["GET", "POST"])
def pathway_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    badges = _badges(membership)
    form = PathwayForm(badges, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            by_id = {str(b.public_id): b for b in badges}
            try:
                actions.create(
                    Actor.from_request(request),
                    membership.org,
                    slug=form.cleaned_data["slug"],
                    milestone=by_id[form.cleaned_data["milestone"]],
                    groups=form.groups(),
                    name_ko=form.cleaned_data["name_ko"],
                    name_en=form.cleaned_data["name_en"],
                    description_ko=form.cleaned_data["description_ko"],
                    description_en=form.cleaned_data["description_en"],
                )
                return redirect("pathways:list", slug=membership.org.slug)
            except ValidationError as error:
                form.add_error(None, error)
        status = 400
    pathways = Pathway.objects.filter(org=membership.org).order_by("slug")
    return render(
        request,
        "pathways/list.html",
        {"form": form, "pathways": pathways, "org": membership.org, "membership": membership},
        status=status,
    )


@org_view(DEFINE)
@require_POST
def publish(request: HttpRequest, membership: Membership, pathway_slug: str) -> HttpResponse:
    pathway = _pathway(membership, pathway_slug)
    try:
        actions.publish(Actor.from_request(request), pathway)
    except ValidationError as error:
        pathways = Pathway.objects.filter(org=membership.org).order_by("slug")
        context = {"form": PathwayForm(_badges(membership)), "pathways": pathways, "errors": error.messages}
        context |= {"org": membership.org, "membership": membership}
        return render(request, "pathways/list.html", context, status=400)
    return redirect("pathways:list", slug=membership.org.slug)
