from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from laurel.orgs.access import org_view
from laurel.orgs.models import Membership
from laurel.orgs.queries import dashboard_counts, latest_awards


@org_view("view")
def dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.org
    context = {"counts": dashboard_counts(org), "awards": latest_awards(org)}
    return render(request, "orgs/dashboard.html", context)
