"""Staff pages for sources: list, create (credentials shown once), detail with recent facts and
parked people, rotate and deactivate; CSV imports previewed, confirmed and rolled back.

Issuers see sources and import files; only owners create sources and handle their credentials.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laurel.core.actor import Actor
from laurel.core.csvio import CsvError
from laurel.ingest import sources as actions
from laurel.ingest.csvimport import actions as imports
from laurel.ingest.csvimport.common import Options
from laurel.ingest.csvimport.formats import LABELS
from laurel.ingest.facts import link_identity, link_known_identities
from laurel.ingest.forms import ConfirmForm, ImportForm, LinkForm, PlatformForm, SourceForm
from laurel.ingest.lti import setup as lti_setup
from laurel.ingest.lti.actions import register_platform, remove_platform
from laurel.ingest.lti.models import Platform
from laurel.ingest.models import Fact, ImportBatch, Source, SourceIdentity
from laurel.orgs.access import org_view
from laurel.orgs.models import Membership

VIEW = "award"
MANAGE = "manage_org"
RECENT = 50


def _source(membership: Membership, public_id: str) -> Source:
    return get_object_or_404(Source.objects.select_related("org"), org=membership.org, public_id=public_id)


def _credentials_page(
    request: HttpRequest, source: Source, lines: dict[str, str], title: str
) -> HttpResponse:
    # The clear secret exists only in this response; no cache may keep it.
    response = render(request, "ingest/credentials.html", {"source": source, "lines": lines, "title": title})
    response["Cache-Control"] = "no-store"
    return response


@org_view(VIEW)
def source_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    sources = actions.sources_of(membership.org)
    return render(request, "ingest/list.html", {"sources": sources, "can_manage": membership.can(MANAGE)})


@org_view(MANAGE)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source, lines = actions.create_source(
                Actor.from_request(request),
                membership.org,
                form.cleaned_data["kind"],
                form.cleaned_data["name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _credentials_page(request, source, lines, _("Source created"))
    return render(request, "ingest/new.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(membership: Membership, source: Source) -> dict[str, object]:
    facts = (
        Fact.objects.filter(org=membership.org, source=source)
        .select_related("identity", "recipient")
        .order_by("-id")[:RECENT]
    )
    parked = (
        SourceIdentity.objects.filter(org=membership.org, recipient=None, facts__source=source)
        .annotate(fact_count=Count("facts", filter=Q(facts__source=source)))
        .order_by("-created_at")[:100]
    )
    batches = ImportBatch.objects.filter(source=source).defer("rows").order_by("-created_at")[:20]
    return {
        "source": source,
        "endpoint": actions.endpoint(source),
        # LTI tool URLs are configuration, not secrets: always shown.
        "lines": actions.describe(source) if source.kind == Source.Kind.LTI else {},
        "facts": facts,
        "parked": parked,
        "batches": batches,
        "labels": LABELS,
        "can_manage": membership.can(MANAGE),
        "import_form": ImportForm() if source.kind == Source.Kind.CSV and source.is_active else None,
        **(_lti_context(source) if source.kind == Source.Kind.LTI else {}),
    }


def _lti_context(source: Source) -> dict[str, object]:
    platform = Platform.objects.filter(source=source).prefetch_related("deployments").first()
    return {
        "lines": {},
        "tool_urls": lti_setup.labelled(source),
        "canvas_json": lti_setup.canvas_json(source),
        "canvas_configuration_url": lti_setup.tool_url(source, "canvas_configuration"),
        "platform": platform,
    }


@org_view(VIEW)
def detail(request: HttpRequest, membership: Membership, public_id: str) -> HttpResponse:
    source = _source(membership, public_id)
    return render(request, "ingest/detail.html", _detail_context(membership, source))


@org_view(MANAGE)
@require_POST
def rotate(request: HttpRequest, membership: Membership, public_id: str) -> HttpResponse:
    source = _source(membership, public_id)
    try:
        lines = actions.rotate_secret(Actor.from_request(request), source)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("ingest:detail", slug=membership.org.slug, public_id=source.public_id)
    return _credentials_page(request, source, lines, _("New credentials"))


@org_view(MANAGE)
@require_POST
def deactivate(request: HttpRequest, membership: Membership, public_id: str) -> HttpResponse:
    source = _source(membership, public_id)
    if actions.deactivate_source(Actor.from_request(request), source):
        messages.success(request, _("The source “%(name)s” was deactivated.") % {"name": source.name})
    return redirect("ingest:detail", slug=membership.org.slug, public_id=source.public_id)


@org_view(VIEW)
@require_POST
def match(request: HttpRequest, membership: Membership, public_id: str) -> HttpResponse:
    source = _source(membership, public_id)
    attached = link_known_identities(membership.org)
    messages.success(request, _("%(count)s parked facts found their recipient.") % {"count": attached})
    return redirect("ingest:detail", slug=membership.org.slug, public_id=source.public_id)


@org_view(VIEW)
@require_POST
def link(request: HttpRequest, membership: Membership, public_id: str, identity_id: int) -> HttpResponse:
    source = _source(membership, public_id)
    identity = get_object_or_404(SourceIdentity, org=membership.org, pk=identity_id)
    form = LinkForm(membership.org, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, f"{identity.value}: {message}")
        return redirect("ingest:detail", slug=membership.org.slug, public_id=source.public_id)
    recipient = form.cleaned_data["recipient"]
    moved = link_identity(Actor.from_request(request), identity, recipient)
    messages.success(
        request,
        _("%(who)s is now %(recipient)s; %(count)s facts attached.")
        % {"who": identity.value, "recipient": recipient.email, "count": moved},
    )
    return redirect("ingest:detail", slug=membership.org.slug, public_id=source.public_id)


@org_view(VIEW)
@require_POST
def upload(request: HttpRequest, membership: Membership, public_id: str) -> HttpResponse:
    source = _source(membership, public_id)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        main, extra = form.cleaned_data["file"], form.cleaned_data["line_items"]
        options = Options(
            course=form.cleaned_data["course"].strip(), occurred_at=form.cleaned_data["occurred_at"]
        )
        try:
            batch = imports.preview_import(
                Actor.from_request(request),
                source,
                main.read(),
                filename=main.name or "",
                extra=extra.read() if extra else None,
                options=options,
            )
        except (CsvError, ValidationError) as error:
            form.add_error("file", str(error) if isinstance(error, CsvError) else " ".join(error.messages))
        else:
            return redirect(
                "ingest:batch", slug=membership.org.slug, public_id=source.public_id, batch_id=batch.public_id
            )
    context = {**_detail_context(membership, source), "import_form": form}
    return render(request, "ingest/detail.html", context, status=400)


@org_view(VIEW)
@require_http_methods(["GET", "POST"])
def batch(request: HttpRequest, membership: Membership, public_id: str, batch_id: str) -> HttpResponse:
    source = _source(membership, public_id)
    found = get_object_or_404(
        ImportBatch.objects.select_related("source__org"), source=source, public_id=batch_id
    )
    form = ConfirmForm(request.POST or None)
    if request.method == "POST":
        done = _batch_action(request, found, form)
        if done is not None:
            return done
    context = {
        "source": source,
        "batch": found,
        "label": LABELS.get(found.format, found.format),
        "form": form,
        "unknown_count": sum(1 for row in found.rows if row["unknown"] and not row["errors"]),
        "ready_count": sum(1 for row in found.rows if not row["errors"] and not row["unknown"]),
    }
    return render(request, "ingest/batch.html", context, status=400 if form.errors else 200)


def _batch_action(request: HttpRequest, found: ImportBatch, form: ConfirmForm) -> HttpResponse | None:
    actor = Actor.from_request(request)
    action = request.POST.get("action")
    here = redirect(
        "ingest:batch", slug=found.org.slug, public_id=found.source.public_id, batch_id=found.public_id
    )
    try:
        if action == "confirm" and form.is_valid():
            result = imports.confirm_import(actor, found, park_unknown=form.cleaned_data["park_unknown"])
            messages.success(
                request,
                _("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
                % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            )
            return here
        if action == "rollback":
            count = imports.rollback_import(actor, found)
            messages.success(request, _("Rolled back: %(count)s facts voided.") % {"count": count})
            return here
        if action == "discard":
            imports.discard_preview(found)
            messages.success(request, _("The preview was discarded; nothing was imported."))
            return redirect("ingest:detail", slug=found.org.slug, public_id=found.source.public_id)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return here
    return None


def _lti_source(membership: Membership, public_id: str) -> Source:
    source = _source(membership, public_id)
    if source.kind != Source.Kind.LTI:
        raise Http404
    return source


@org_view(MANAGE)
@require_http_methods(["GET", "POST"])
def platform(request: HttpRequest, membership: Membership, public_id: str) -> HttpResponse:
    """Register the LMS an LTI source is installed in, or change its registration."""
    source = _lti_source(membership, public_id)
    existing = Platform.objects.filter(source=source).first()
    form = PlatformForm(request.POST or None, initial=PlatformForm.initial_for(existing))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            register_platform(
                Actor.from_request(request),
                source,
                issuer=data["issuer"],
                client_id=data["client_id"],
                auth_login_url=data["auth_login_url"],
                auth_token_url=data["auth_token_url"],
                jwks_url=data["jwks_url"],
                deployment_ids=data["deployment_ids"],
                auth_audience=data["auth_audience"],
                frame_origins=data["frame_origins"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = (
                _("The platform registration was saved.") if existing else _("The platform was registered.")
            )
            messages.success(request, message)
            return redirect("ingest:detail", slug=membership.org.slug, public_id=source.public_id)
    context = {"source": source, "form": form, "existing": existing, "tool_urls": lti_setup.labelled(source)}
    return render(request, "ingest/platform.html", context, status=400 if form.errors else 200)


@org_view(MANAGE)
@require_POST
def unregister_platform(request: HttpRequest, membership: Membership, public_id: str) -> HttpResponse:
    source = _lti_source(membership, public_id)
    if remove_platform(Actor.from_request(request), source):
        messages.success(
            request, _("The platform registration was removed; its launches are refused from now on.")
        )
    return redirect("ingest:detail", slug=membership.org.slug, public_id=source.public_id)
