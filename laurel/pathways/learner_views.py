"""A signed-in learner's pathways: what they hold, which level is next."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from laurel.orgs.models import Recipient
from laurel.pathways.models import Pathway
from laurel.pathways.standing import standing
from laurel.rules.queries import held_badges


@login_required
def my_pathways(request: HttpRequest) -> HttpResponse:
    recipients = list(Recipient.objects.filter(user=request.user).values_list("pk", "org_id"))
    held_by_org: dict[int, set[str]] = {}
    for recipient_id, org_id in recipients:
        held_by_org.setdefault(org_id, set()).update(held_badges(recipient_id))
    pathways = Pathway.objects.filter(published=True, org_id__in=held_by_org).select_related(
        "org", "milestone__current_version"
    )
    standings = [standing(p, held_by_org[p.org_id]) for p in pathways.order_by("org__slug", "slug")]
    return render(request, "pathways/mine.html", {"standings": standings})
