"""Staff pages for a badge's rule (revisions, live rule, dry run, flagged awards) and the
learner's own progress page.

Issuers and owners write rules ("define"); anyone on the staff reads them ("view").
"""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from laurel.achievements.models import Achievement
from laurel.core.actor import Actor
from laurel.ingest.models import PendingEvaluation
from laurel.orgs.access import org_view
from laurel.orgs.models import Membership
from laurel.rules import explain
from laurel.rules.actions import make_live, save_rule
from laurel.rules.dryrun import dry_run
from laurel.rules.evaluate import evaluate
from laurel.rules.forms import RuleForm
from laurel.rules.models import AwardState, Rule
from laurel.rules.queries import badge_names, criteria_of, facts_for, held_badges

DEFINE = "define"
FLAGGED_SHOWN = 100


def _badge(membership: Membership, public_id: str) -> Achievement:
    return get_object_or_404(
        Achievement.objects.select_related("current_version"), org=membership.org, public_id=public_id
    )


@org_view("view")
def rule_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    rules = Rule.objects.filter(org=membership.org, state=Rule.State.LIVE).select_related(
        "achievement__current_version"
    )
    flagged = AwardState.objects.filter(org=membership.org, flagged_at__isnull=False).count()
    return render(request, "rules/list.html", {"rules": rules, "flagged": flagged})


def _badge_context(membership: Membership, badge: Achievement, form: RuleForm) -> dict[str, object]:
    rules = list(badge.rules.order_by("-number"))
    live = next((r for r in rules if r.state == Rule.State.LIVE), None)
    states = AwardState.objects.filter(achievement=badge)
    counts = dict(states.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    flagged = (
        states.filter(flagged_at__isnull=False)
        .select_related("recipient", "award", "issued_rule")
        .order_by("-flagged_at")[:FLAGGED_SHOWN]
    )
    return {
        "badge": badge,
        "rules": rules,
        "live": live,
        "live_json": json.dumps(live.definition, ensure_ascii=False, indent=2) if live else "",
        "counts": [(label, counts.get(value, 0)) for value, label in AwardState.State.choices],
        "flagged": flagged,
        "form": form,
        "can_define": membership.can(DEFINE),
        # The back-fill after going live runs through the queue: what is left of it.
        "waiting": PendingEvaluation.objects.filter(achievement=badge).count(),
    }


@org_view("view")
@require_http_methods(["GET", "POST"])
def badge_rules(request: HttpRequest, membership: Membership, public_id: str) -> HttpResponse:
    badge = _badge(membership, public_id)
    form = RuleForm(request.POST or None)
    if request.method == "POST":
        if not membership.can(DEFINE):
            raise PermissionDenied
        if form.is_valid():
            try:
                save_rule(
                    Actor.from_request(request),
                    badge,
                    form.cleaned_data["definition"],
                    allow_unseen=form.cleaned_data["allow_unseen"],
                    live=form.cleaned_data["live"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("definition", message)
            else:
                return redirect("rules:badge", slug=membership.org.slug, public_id=badge.public_id)
    context = _badge_context(membership, badge, form)
    return render(request, "rules/badge.html", context, status=400 if form.errors else 200)


@org_view(DEFINE)
@require_POST
def go_live(request: HttpRequest, membership: Membership, public_id: str, number: int) -> HttpResponse:
    badge = _badge(membership, public_id)
    rule = get_object_or_404(Rule, achievement=badge, number=number)
    try:
        make_live(Actor.from_request(request), rule)
    except ValidationError as error:
        form = RuleForm()
        form.add_error(None, error)
        return render(request, "rules/badge.html", _badge_context(membership, badge, form), status=400)
    return redirect("rules:badge", slug=membership.org.slug, public_id=badge.public_id)


@org_view(DEFINE)
def dry_run_page(request: HttpRequest, membership: Membership, public_id: str, number: int) -> HttpResponse:
    badge = _badge(membership, public_id)
    rule = get_object_or_404(Rule, achievement=badge, number=number)
    result = dry_run(rule)
    names = badge_names(membership.org.pk)
    earners = [(e, explain.summary(e.decision.progress, names)) for e in result.earners]
    return render(request, "rules/dry_run.html", {"badge": badge, "result": result, "earners": earners})


@login_required
def my_progress(request: HttpRequest) -> HttpResponse:
    """The signed-in learner's progress on every badge with a live rule they have activity for."""
    states = (
        AwardState.objects.filter(recipient__user=request.user)
        .select_related("achievement__current_version", "achievement__org", "recipient", "award")
        .order_by("achievement__org__slug", "achievement__slug", "-cycle")
    )
    rows = []
    seen: set[tuple[int, int]] = set()
    for state in states:
        key = (state.recipient_id, state.achievement_id)
        if key in seen:
            continue  # an earlier cycle
        seen.add(key)
        rows.append({"state": state, "lines": _lines(state)})
    return render(request, "rules/progress.html", {"rows": rows})


def _lines(state: AwardState) -> list[explain.Line]:
    # Evaluated afresh so the page says where the learner stands now, in the page's language.
    rule = Rule.objects.filter(achievement_id=state.achievement_id, state=Rule.State.LIVE).first()
    if rule is None:
        return []
    criteria = criteria_of(rule)
    held = held_badges(state.recipient_id)
    held.pop(str(state.achievement.public_id), None)
    decision = evaluate(criteria, facts_for(state.recipient_id, criteria), held, timezone.now())
    return explain.lines(decision.progress, badge_names(state.org_id))
