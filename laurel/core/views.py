from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from laurel.orgs.models import Membership


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        memberships = Membership.objects.filter(user=request.user).select_related("org").order_by("org__slug")
        if len(memberships) == 1:
            return redirect("orgs:dashboard", slug=memberships[0].org.slug)
        return render(request, "core/home.html", {"memberships": memberships})
    return render(request, "core/welcome.html")
