from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laurel.audit import actions, export, queries
from laurel.audit.diff import diff
from laurel.audit.forms import AuditFilterForm
from laurel.core.actor import Actor
from laurel.orgs.access import org_view
from laurel.orgs.models import Membership

PAGE_SIZE = 50
FORMATS = {
    "csv": ("text/csv; charset=utf-8", export.csv_chunks),
    "jsonl": ("application/x-ndjson; charset=utf-8", export.jsonl_chunks),
}


def filtered(request: HttpRequest) -> tuple[AuditFilterForm, dict[str, object]]:
    """The filter form and its valid values; a field with an error filters nothing."""
    form = AuditFilterForm(request.GET)
    form.is_valid()
    cleaned = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    return form, cleaned


@org_view("manage_org")
def event_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    form, filters = filtered(request)
    events = queries.search(queries.org_events(membership.org), filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    action_options, actor_options = queries.suggestions(membership.org)
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "action_options": action_options,
            "actor_options": actor_options,
            "filtered": any(filters.values()),
        },
    )


@org_view("manage_org")
def event_detail(request: HttpRequest, membership: Membership, event_id: int) -> HttpResponse:
    event = get_object_or_404(queries.org_events(membership.org), id=event_id)
    return render(request, "audit/detail.html", {"event": event, "rows": diff(event.before, event.after)})


# Access first, so outsiders get 404 whatever the method.
@org_view("manage_org")
@require_POST
def event_export(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.org
    back = f"{reverse('audit:list', kwargs={'slug': org.slug})}?{request.GET.urlencode()}"
    fmt = request.POST.get("format", "")
    if fmt not in FORMATS:
        messages.error(request, _("Choose CSV or JSON Lines for the export."))
        return redirect(back)
    form, filters = filtered(request)
    if form.errors:
        # The copy must be exactly what was asked for, so a bad filter stops it.
        messages.error(request, _("Nothing was exported: correct the filters first."))
        return redirect(back)
    actions.record_export(Actor.from_request(request), org, fmt, filters)
    content_type, chunks = FORMATS[fmt]
    response = StreamingHttpResponse(
        chunks(queries.search(queries.org_events(org), filters)), content_type=content_type
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{org.slug}-{stamp}.{fmt}"'
    return response
