from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laurel.awards import actions
from laurel.awards.forms import AwardForm, BulkUploadForm, HistoryFilterForm
from laurel.awards.models import Award, AwardBatch, AwardChunk, local_today
from laurel.awards.pipeline import Progress
from laurel.awards.queries import filter_awards, org_awards
from laurel.awards.rows import COLUMNS
from laurel.core.actor import Actor
from laurel.credentials import actions as status_actions
from laurel.credentials.actions import public_status
from laurel.credentials.models import Credential
from laurel.credentials.status import MAX_REASON
from laurel.orgs.access import org_view
from laurel.orgs.models import Membership

PAGE_SIZE = 50
PREVIEW_ROWS = 200


def _filtered(request: HttpRequest, membership: Membership) -> tuple[HistoryFilterForm, list[str]]:
    form = HistoryFilterForm(membership.org, request.GET or None)
    problems: list[str] = []
    if form.is_bound and not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            problems.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return form, problems


def _filters(form: HistoryFilterForm) -> dict:
    # An invalid field is left out of cleaned_data, so only the valid filters apply.
    return getattr(form, "cleaned_data", {}) if form.is_bound else {}


@org_view("view")
def history(request: HttpRequest, membership: Membership) -> HttpResponse:
    form, problems = _filtered(request, membership)
    awards = filter_awards(org_awards(membership.org), _filters(form))
    page = Paginator(awards, PAGE_SIZE).get_page(request.GET.get("page"))
    today = local_today()
    for item in page:
        item.current_status = item.status_on(today)  # type: ignore[attr-defined]
    return render(request, "awards/history.html", {"form": form, "problems": problems, "page": page})


@org_view("view")
def export(request: HttpRequest, membership: Membership) -> HttpResponse:
    form, problems = _filtered(request, membership)
    if problems:
        for problem in problems:
            messages.error(request, problem)
        return redirect(
            f"{reverse('awards:history', kwargs={'slug': membership.org.slug})}?{request.GET.urlencode()}"
        )
    awards = filter_awards(org_awards(membership.org), _filters(form))
    body = actions.export_awards(
        Actor.from_request(request), membership.org, awards, query=request.GET.urlencode()
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = f"awards-{membership.org.slug}-{local_today().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _org_award(membership: Membership, public_id: str) -> Award:
    return get_object_or_404(
        Award.objects.select_related("org", "recipient", "version", "achievement", "awarded_by", "batch"),
        org=membership.org,
        public_id=public_id,
    )


@org_view("view")
def detail(request: HttpRequest, membership: Membership, public_id: str) -> HttpResponse:
    award = _org_award(membership, public_id)
    stored = {c.language: c for c in Credential.objects.filter(award=award)}
    credentials = [
        {
            "lang": code,
            "signed": code in stored,
            "json": f"/a/{award.public_id}/credential.json?lang={code}",
            "jwt": f"/a/{award.public_id}/credential.jwt?lang={code}",
            "page": f"/a/{award.public_id}/?lang={code}",
        }
        for code in award.version.languages
    ]
    context = {
        "award": award,
        "state": public_status(award),
        "credentials": credentials,
        "can_change_status": membership.can("award"),
        "reason_limit": MAX_REASON,
    }
    return render(request, "awards/detail.html", context)


STATUS_ACTIONS = ("revoke", "suspend", "reinstate")


def _status_reason(request: HttpRequest, action: str) -> tuple[str, str]:
    """The reason typed in, and the problem with it ("" when there is none)."""
    reason = request.POST.get("reason", "").strip()
    if action != "reinstate" and not reason:
        return reason, _("Give a reason; it is shown on the badge's public page.")
    if len(reason) > MAX_REASON:
        return reason, _("The reason is %(n)s characters long; the limit is %(max)s.") % {
            "n": len(reason),
            "max": MAX_REASON,
        }
    return reason, ""


def _apply_status(request: HttpRequest, award: Award, action: str, reason: str) -> None:
    actor = Actor.from_request(request)
    if action == "revoke":
        status_actions.revoke(actor, award, reason)
        messages.success(request, _("The badge was revoked."))
    elif action == "suspend":
        status_actions.suspend(actor, award, reason)
        messages.success(request, _("The badge was suspended."))
    else:
        status_actions.reinstate(actor, award)
        messages.success(request, _("The badge was reinstated."))


@org_view("award")
@require_POST
def change_status(request: HttpRequest, membership: Membership, public_id: str) -> HttpResponse:
    """Revoke, suspend or reinstate: the first post asks to confirm, the second one acts."""
    award = _org_award(membership, public_id)
    action = request.POST.get("action", "")
    if action not in STATUS_ACTIONS:
        messages.error(request, _("Choose revoke, suspend or reinstate."))
        return redirect("awards:detail", slug=membership.org.slug, public_id=award.public_id)
    reason, problem = _status_reason(request, action)
    if problem or request.POST.get("confirmed") != "yes":
        context = {"award": award, "action": action, "reason": reason, "problem": problem}
        return render(request, "awards/status_confirm.html", context, status=400 if problem else 200)
    try:
        _apply_status(request, award, action, reason)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("awards:detail", slug=membership.org.slug, public_id=award.public_id)


@org_view("award")
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.org
    form = AwardForm(org, request.POST or None)
    duplicate: Award | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            award = actions.award(
                Actor.from_request(request),
                org,
                data["achievement"],
                email=data["email"],
                name=data["name"],
                student_id=data["student_id"],
                evidence_url=data["evidence_url"],
                evidence_narrative=data["evidence_narrative"],
                issued_on=data["issued_on"],
                allow_duplicate=data["allow_duplicate"],
                language=data["language"] or None,
            )
        except actions.DuplicateAward as error:
            duplicate = error.existing
            form.add_error(None, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Awarded “%(badge)s” to %(name)s. The email is on its way.")
                % {"badge": award.version.name, "name": award.recipient.name or award.recipient.email},
            )
            return redirect("awards:detail", slug=org.slug, public_id=award.public_id)
    show_allow_duplicate = duplicate is not None or bool(form.data.get("allow_duplicate"))
    context = {"form": form, "duplicate": duplicate, "show_allow_duplicate": show_allow_duplicate}
    return render(request, "awards/new.html", context, status=400 if form.errors else 200)


@org_view("award")
@require_http_methods(["GET", "POST"])
def bulk(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.org
    form = BulkUploadForm(org, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = actions.upload_batch(
                Actor.from_request(request),
                org,
                form.cleaned_data["achievement"],
                data=upload.read(),
                filename=upload.name or "",
                allow_duplicates=form.cleaned_data["allow_duplicates"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("awards:batch", slug=org.slug, public_id=batch.public_id)
    batches = AwardBatch.objects.filter(org=org).select_related("achievement__current_version").defer("rows")
    pending = batches.filter(status=AwardBatch.Status.PREVIEW).order_by("-created_at")[:10]
    issuing = batches.filter(status=AwardBatch.Status.ISSUING).order_by("-confirmed_at")[:10]
    context = {"form": form, "columns": COLUMNS, "pending": pending, "issuing": issuing}
    return render(request, "awards/bulk.html", context, status=400 if form.errors else 200)


def _org_batch(membership: Membership, public_id: str) -> AwardBatch:
    # `rows` holds every row of the file; it is read only when the preview shows them.
    batches = AwardBatch.objects.select_related("achievement__current_version", "version", "created_by")
    return get_object_or_404(batches.defer("rows"), org=membership.org, public_id=public_id)


@org_view("award")
@require_http_methods(["GET", "POST"])
def batch(request: HttpRequest, membership: Membership, public_id: str) -> HttpResponse:
    batch = _org_batch(membership, public_id)
    if request.method == "POST":
        return _batch_action(request, membership, batch)
    if batch.status != AwardBatch.Status.PREVIEW:
        return _issue_page(request, membership, batch)
    columns = [c.name for c in COLUMNS if any(c.name in row["values"] for row in batch.rows)]
    # A long file shows its first rows and every row with an error; all of them are checked.
    shown = [row for n, row in enumerate(batch.rows) if n < PREVIEW_ROWS or row.get("errors")]
    rows = [
        {
            "line": row["line"],
            "errors": row.get("errors") or {},
            "cells": [(c, row["values"].get(c, ""), (row.get("errors") or {}).get(c, [])) for c in columns],
        }
        for row in shown
    ]
    context = {"batch": batch, "columns": columns, "rows": rows, "hidden": len(batch.rows) - len(shown)}
    return render(request, "awards/batch.html", context)


def _issue_page(request: HttpRequest, membership: Membership, batch: AwardBatch) -> HttpResponse:
    """A confirmed batch: how far issuing has come, rows left out, and what failed."""
    chunks = batch.chunks.order_by("number")
    context = {
        "batch": batch,
        "progress": _progress(batch),
        "skipped": [row for skipped in chunks.values_list("skipped", flat=True) for row in skipped],
        "errors": list(chunks.filter(state=AwardChunk.State.FAILED).values_list("error", flat=True)),
        "progress_url": reverse(
            "awards:batch_progress", kwargs={"slug": membership.org.slug, "public_id": batch.public_id}
        ),
    }
    return render(request, "awards/batch_issue.html", context)


def _progress(batch: AwardBatch) -> dict[str, object]:
    """What the batch page shows and its script polls; texts in the reader's language."""
    totals = Progress.of(batch)
    return {
        "state": batch.status,
        "state_label": batch.get_status_display(),
        "done": batch.status != AwardBatch.Status.ISSUING,
        "rows": totals.rows,
        "awarded": totals.awarded,
        "skipped": totals.skipped,
        "credentials": totals.credentials,
        "signed": totals.signed,
        "awarded_text": _("%(awarded)s of %(rows)s rows awarded")
        % {"awarded": intcomma(totals.awarded), "rows": intcomma(totals.rows)},
        "signed_text": _("%(signed)s of %(total)s credentials signed")
        % {"signed": intcomma(totals.signed), "total": intcomma(totals.credentials)},
    }


@org_view("award")
@require_GET
def batch_progress(request: HttpRequest, membership: Membership, public_id: str) -> JsonResponse:
    batch = _org_batch(membership, public_id)
    response = JsonResponse(_progress(batch))
    response["Cache-Control"] = "no-store"
    return response


def _batch_action(request: HttpRequest, membership: Membership, batch: AwardBatch) -> HttpResponse:
    slug = membership.org.slug
    actor = Actor.from_request(request)
    action = request.POST.get("action")
    try:
        if action == "confirm":
            batch = actions.confirm_batch(actor, batch)
            messages.success(
                request,
                _("Confirmed. The badges are being issued in the background; this page shows the progress."),
            )
            return redirect("awards:batch", slug=slug, public_id=batch.public_id)
        if action == "cancel":
            actions.cancel_batch(actor, batch)
            messages.success(request, _("The upload was cancelled; nothing was awarded."))
            return redirect("awards:bulk", slug=slug)
        messages.error(request, _("Choose Confirm or Cancel."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("awards:batch", slug=slug, public_id=batch.public_id)
