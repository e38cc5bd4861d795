"""Staff pages for outgoing webhooks, under the organization's settings: endpoints (added with
their secret shown once, rotated, disabled), the delivery log with attempts, and replays.

Only those who manage the organization see them: the log holds learners' data.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laurel.core.actor import Actor
from laurel.hooks import actions, queries
from laurel.hooks.forms import EndpointForm, LogFilterForm, LrsForm, ReplayForm
from laurel.hooks.models import Delivery, Endpoint
from laurel.orgs.access import org_view
from laurel.orgs.models import Membership

MANAGE = "manage_org"


def _endpoint(membership: Membership, endpoint_id: str) -> Endpoint:
    return get_object_or_404(
        Endpoint.objects.select_related("org"), org=membership.org, public_id=endpoint_id
    )


def _delivery(endpoint: Endpoint, delivery_id: str) -> Delivery:
    return get_object_or_404(
        Delivery.objects.select_related("endpoint__org", "message"), endpoint=endpoint, public_id=delivery_id
    )


def _secret_page(request: HttpRequest, endpoint: Endpoint, secret: str, title: str) -> HttpResponse:
    # The clear secret exists only in this response; no cache may keep it.
    response = render(request, "hooks/secret.html", {"endpoint": endpoint, "secret": secret, "title": title})
    response["Cache-Control"] = "no-store"
    return response


@org_view(MANAGE)
def endpoint_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(request, "hooks/list.html", {"endpoints": queries.endpoints_of(membership.org)})


@org_view(MANAGE)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = actions.create_endpoint(
                Actor.from_request(request),
                membership.org,
                url=form.cleaned_data["url"],
                event_types=form.cleaned_data["event_types"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _secret_page(request, endpoint, secret, _("Endpoint added"))
    return render(request, "hooks/new.html", {"form": form}, status=400 if form.errors else 200)


@org_view(MANAGE)
@require_http_methods(["GET", "POST"])
def create_lrs(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = LrsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = actions.create_lrs(
                Actor.from_request(request),
                membership.org,
                url=form.cleaned_data["url"],
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Every new award now sends an xAPI statement to this LRS."))
            return redirect("hooks:detail", slug=membership.org.slug, endpoint_id=endpoint.public_id)
    return render(request, "hooks/new_lrs.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request: HttpRequest, endpoint: Endpoint, form: ReplayForm, status: int = 200) -> HttpResponse:
    filters = LogFilterForm(request.GET)
    log: list[Delivery] = []
    more = False
    if filters.is_valid():
        before = None
        if cursor := filters.cleaned_data["before"]:
            before = Delivery.objects.filter(endpoint=endpoint, public_id=cursor).first()
            if before is None:
                filters.add_error("before", _("That page of the log does not exist; start from the newest."))
    if filters.is_valid():
        log, more = queries.log_page(endpoint, filters.cleaned_data["status"], before)
    else:
        status = 400
    context = {
        "endpoint": endpoint,
        "deliveries": log,
        "more": more,
        "filters": filters,
        "replay_form": form,
        "limit": queries.LOG_LIMIT,
    }
    return render(request, "hooks/detail.html", context, status=status)


@org_view(MANAGE)
def detail(request: HttpRequest, membership: Membership, endpoint_id: str) -> HttpResponse:
    return _detail(request, _endpoint(membership, endpoint_id), ReplayForm())


@org_view(MANAGE)
@require_POST
def rotate(request: HttpRequest, membership: Membership, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(membership, endpoint_id)
    try:
        secret = actions.rotate_secret(Actor.from_request(request), endpoint)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("hooks:detail", slug=membership.org.slug, endpoint_id=endpoint.public_id)
    endpoint.refresh_from_db()
    return _secret_page(request, endpoint, secret, _("New secret"))


@org_view(MANAGE)
@require_POST
def disable(request: HttpRequest, membership: Membership, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(membership, endpoint_id)
    if actions.disable_endpoint(Actor.from_request(request), endpoint):
        messages.success(request, _("The endpoint was disabled; nothing more is sent to it."))
    return redirect("hooks:detail", slug=membership.org.slug, endpoint_id=endpoint.public_id)


@org_view(MANAGE)
@require_POST
def replay_range(request: HttpRequest, membership: Membership, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(membership, endpoint_id)
    form = ReplayForm(request.POST)
    if form.is_valid():
        try:
            count = actions.replay_range(
                Actor.from_request(request),
                endpoint,
                form.cleaned_data["since"],
                form.cleaned_data["until"],
                failed_only=form.cleaned_data["failed_only"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(count)s deliveries will be sent again.") % {"count": count})
            return redirect("hooks:detail", slug=membership.org.slug, endpoint_id=endpoint.public_id)
    return _detail(request, endpoint, form, status=400)


@org_view(MANAGE)
def delivery(
    request: HttpRequest, membership: Membership, endpoint_id: str, delivery_id: str
) -> HttpResponse:
    found = _delivery(_endpoint(membership, endpoint_id), delivery_id)
    attempts = found.attempts.order_by("-attempted_at", "-id")
    context = {
        "endpoint": found.endpoint,
        "delivery": found,
        "attempts": attempts,
        "status": queries.status_of(found),
    }
    return render(request, "hooks/delivery.html", context)


@org_view(MANAGE)
@require_POST
def replay(request: HttpRequest, membership: Membership, endpoint_id: str, delivery_id: str) -> HttpResponse:
    found = _delivery(_endpoint(membership, endpoint_id), delivery_id)
    try:
        actions.replay_delivery(Actor.from_request(request), found)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The delivery will be sent again with the same webhook-id."))
    return redirect(
        "hooks:delivery", slug=membership.org.slug, endpoint_id=endpoint_id, delivery_id=delivery_id
    )
