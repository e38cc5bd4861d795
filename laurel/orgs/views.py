from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from laurel.orgs.access import org_view
from laurel.orgs.models import Membership


@org_view("view")
def dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(request, "orgs/dashboard.html", {"org": membership.org, "membership": membership})
