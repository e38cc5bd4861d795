from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from laurel.core.actor import Actor
from laurel.orgs.access import org_view
from laurel.orgs.actions import SETTINGS_FIELDS, update_org
from laurel.orgs.forms import OrgSettingsForm
from laurel.orgs.models import Membership


@org_view("manage_org")
def org_settings(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.org
    if request.method != "POST":
        form = OrgSettingsForm(initial=model_to_dict(org, fields=SETTINGS_FIELDS))
        return render(request, "orgs/settings.html", {"form": form})
    form = OrgSettingsForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "orgs/settings.html", {"form": form}, status=400)
    update_org(
        Actor.from_request(request),
        org,
        form.values(),
        logo=form.checked_logo,
        remove_logo=form.cleaned_data["remove_logo"],
    )
    messages.success(request, _("The organization settings were saved."))
    return redirect("orgs:settings", slug=org.slug)
