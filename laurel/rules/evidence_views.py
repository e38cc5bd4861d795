"""Evidence pages: the learner's page for one badge (send evidence, see the answers) and the
reviewers' queue and decision page ("review": mentors, issuers and owners)."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from laurel.achievements.markdown import render_markdown
from laurel.achievements.presenters import localized
from laurel.core.actor import Actor
from laurel.orgs.access import org_view
from laurel.orgs.models import Membership
from laurel.rules.evidence_actions import decide, submit_evidence
from laurel.rules.evidence_files import read_attachment
from laurel.rules.models import AwardState, EvidenceFile, EvidenceSubmission

REVIEW = "review"
QUEUE_SHOWN = 200
State = AwardState.State


class EvidenceForm(forms.Form):
    url = forms.CharField(label=gettext_lazy("Link to your work"), required=False)
    narrative = forms.CharField(
        label=gettext_lazy("What you did (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    file = forms.FileField(
        label=gettext_lazy("Or attach a file (PDF, PNG or JPEG, up to 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "accept"), ("return", "return"), ("reject", "reject"), ("approve", "approve")]
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment for the learner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    submission = forms.CharField(required=False, widget=forms.HiddenInput)


def _apply_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def _history(state: AwardState) -> list[dict[str, object]]:
    submissions = state.submissions.select_related("reviewed_by").order_by("-submitted_at", "-pk")
    return [{"submission": s, "narrative_html": render_markdown(s.narrative)} for s in submissions]


def _states(queryset: QuerySet[AwardState]) -> QuerySet[AwardState]:
    return queryset.select_related("recipient", "achievement__current_version", "org")


# --- the learner ----------------------------------------------------------------------------------


def own_state(request: HttpRequest, state_id: str) -> AwardState:
    """The signed-in learner's own award state; anyone else's is a 404."""
    return get_object_or_404(_states(AwardState.objects), public_id=state_id, recipient__user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def learner_evidence(request: HttpRequest, state_id: str) -> HttpResponse:
    state = own_state(request, state_id)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and not form.is_valid():
        status = 400
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data["file"]
            attachment = read_attachment(upload, upload.name, upload.size) if upload else None
            submit_evidence(
                Actor.from_request(request),
                state,
                url=form.cleaned_data["url"],
                narrative=form.cleaned_data["narrative"],
                attachment=attachment,
            )
        except ValidationError as error:
            _apply_errors(form, error)
            status = 409 if getattr(error, "code", None) == "conflict" else 400
        else:
            messages.success(request, _("Your evidence was sent. A mentor will look at it."))
            return redirect("rules_learner:evidence", state_id=state.public_id)
    version = state.achievement.current_version
    waiting = state.submissions.filter(status=EvidenceSubmission.Status.PENDING).exists()
    context = {
        "state": state,
        "version": version,
        "description": localized(version, "evidence_description") if version else None,
        "form": form,
        "can_submit": state.state == State.AWAITING_EVIDENCE and state.rejected_at is None and not waiting,
        "waiting": waiting,
        "history": _history(state),
    }
    return render(request, "rules/evidence.html", context, status=status)


# --- reviewers ------------------------------------------------------------------------------------


@org_view(REVIEW)
def review_queue(request: HttpRequest, membership: Membership) -> HttpResponse:
    pending = (
        EvidenceSubmission.objects.filter(org=membership.org, status=EvidenceSubmission.Status.PENDING)
        .select_related("state__recipient", "state__achievement__current_version")
        .order_by("submitted_at")[:QUEUE_SHOWN]
    )
    approvals = _states(
        AwardState.objects.filter(org=membership.org, state=State.AWAITING_APPROVAL, rejected_at=None)
    ).order_by("updated_at")[:QUEUE_SHOWN]
    return render(request, "rules/reviews.html", {"pending": pending, "approvals": approvals})


@org_view(REVIEW)
@require_http_methods(["GET", "POST"])
def review_state(request: HttpRequest, membership: Membership, state_id: str) -> HttpResponse:
    state = get_object_or_404(_states(AwardState.objects), org=membership.org, public_id=state_id)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                decide(
                    Actor.from_request(request),
                    state,
                    form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                    submission_id=form.cleaned_data["submission"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
                status = 409 if getattr(error, "code", None) == "conflict" else 400
            else:
                messages.success(request, _("Your decision was saved."))
                return redirect("rules:reviews", slug=membership.org.slug)
        else:
            status = 400
        state.refresh_from_db()
    latest = state.submissions.order_by("-submitted_at", "-pk").first()
    context = {
        "state": state,
        "version": state.achievement.current_version,
        "latest": latest,
        "pending": latest if latest and latest.status == EvidenceSubmission.Status.PENDING else None,
        "returnable": latest
        if latest
        and latest.status == EvidenceSubmission.Status.ACCEPTED
        and state.state == State.AWAITING_APPROVAL
        else None,
        "approvable": state.state == State.AWAITING_APPROVAL and state.rejected_at is None,
        "form": form,
        "history": _history(state),
    }
    context["decidable"] = bool(context["pending"] or context["returnable"] or context["approvable"])
    return render(request, "rules/review.html", context, status=status)


# --- attached files -------------------------------------------------------------------------------


def _may_see_file(request: HttpRequest, submission: EvidenceSubmission) -> bool:
    state = submission.state
    award = state.award
    if submission.status == EvidenceSubmission.Status.ACCEPTED and award and award.revoked_at is None:
        return True  # the evidence of a badge held: as public as the credential pointing at it
    user = request.user
    if not user.is_authenticated:
        return False
    if state.recipient.user_id == user.pk:
        return True
    return Membership.objects.filter(org_id=submission.org_id, user=user).exists()


def evidence_file(request: HttpRequest, public_id: str) -> HttpResponse:
    """An attached file, as a download a browser will not run or sniff; 404 for anyone not allowed."""
    submission = get_object_or_404(
        EvidenceSubmission.objects.select_related("state__award", "state__recipient"),
        public_id=public_id,
        file_size__gt=0,
    )
    if not _may_see_file(request, submission):
        raise Http404
    stored = get_object_or_404(EvidenceFile, submission=submission)
    response = HttpResponse(bytes(stored.data), content_type=submission.file_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(submission.file_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
