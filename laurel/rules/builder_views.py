"""The rule form builder page: build or edit a badge's rule without writing JSON.

Every button is a submit button, so the page works without a script: "Add", "Remove",
"Move up" … post the whole form with an ``op`` and come back with the change made. The
script (static/laurel/rule-builder.js) does the same edits in place. Saving goes through
``save_rule`` like the JSON form; its problems are shown at the clause they concern.
"""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from laurel.achievements.models import Achievement
from laurel.core.actor import Actor
from laurel.orgs.access import org_view
from laurel.orgs.models import Membership
from laurel.rules import builder, builder_display
from laurel.rules.actions import RuleInvalid, save_rule
from laurel.rules.builder import BuilderError, Draft
from laurel.rules.definition import RuleError, parse
from laurel.rules.forms import RuleForm
from laurel.rules.models import Rule
from laurel.rules.queries import site_zone

DEFINE = "define"


def _badge(membership: Membership, public_id: str) -> Achievement:
    return get_object_or_404(
        Achievement.objects.select_related("current_version"), org=membership.org, public_id=public_id
    )


def _starting_draft(request: HttpRequest, badge: Achievement) -> tuple[Draft, Rule | None]:
    """The revision asked for (?from=N), else the latest one, else an empty rule."""
    rules = badge.rules.order_by("-number")
    number = request.GET.get("from", "")
    rule = get_object_or_404(rules, number=int(number)) if number.isdigit() else rules.first()
    if rule is None:
        return builder.empty_draft(), None
    return builder.from_definition(rule.definition), rule


def _json_of(definition: Any) -> str:
    return json.dumps(definition, ensure_ascii=False, indent=2)


@org_view(DEFINE)
@require_http_methods(["GET", "POST"])
def build(request: HttpRequest, membership: Membership, public_id: str) -> HttpResponse:
    badge = _badge(membership, public_id)
    context: dict[str, Any] = {"badge": badge, "json_errors": [], "json_open": False, "broken": ""}
    status = 200
    if request.method == "GET":
        draft, rule = _starting_draft(request, badge)
        context["started_from"] = rule
        context["allow_unseen"] = context["live"] = False
        json_text = _json_of(builder.to_definition(draft)[0])
    else:
        context["allow_unseen"] = bool(request.POST.get("allow_unseen"))
        context["live"] = bool(request.POST.get("live"))
        draft, json_text, status = _post(request, badge, context)
        if status == 302:
            return redirect("rules:badge", slug=membership.org.slug, public_id=badge.public_id)
    context["draft"] = builder_display.page(draft, builder_display.choices_for(badge))
    context["json_text"] = json_text
    context["has_errors"] = builder.has_errors(draft) or bool(context["json_errors"]) or context["broken"]
    return render(request, "rules/builder.html", context, status=status)


def _post(request: HttpRequest, badge: Achievement, context: dict[str, Any]) -> tuple[Draft, str, int]:
    """Carry out the button pressed: (the draft to show, the JSON to show, the status)."""
    op = str(request.POST.get("op", "refresh"))
    if op == "load_json":
        json_text = str(request.POST.get("json", ""))
        loaded = _load_json(json_text, context)
        if loaded is not None:
            return loaded, json_text, 200
        context["json_open"] = True
    try:
        draft = builder.from_post(request.POST)
    except BuilderError as error:
        draft = builder.empty_draft()
        if op == "load_json":  # the JSON's problems are what to show
            return draft, str(request.POST.get("json", "")), 400
        context["broken"] = str(error)
        return draft, _json_of(builder.to_definition(draft)[0]), 400
    if op == "load_json":
        return draft, str(request.POST.get("json", "")), 400
    if op == "save":
        if _save(request, badge, draft, context):
            return draft, "", 302
        return draft, _json_of(builder.to_definition(draft)[0]), 400
    builder.apply(draft, op, request.POST)
    context["json_open"] = op == "show_json"
    return draft, _json_of(builder.to_definition(draft)[0]), 200


def _save(request: HttpRequest, badge: Achievement, draft: Draft, context: dict[str, Any]) -> bool:
    definition, paths = builder.to_definition(draft)
    try:
        save_rule(
            Actor.from_request(request),
            badge,
            definition,
            allow_unseen=context["allow_unseen"],
            live=context["live"],
        )
    except RuleInvalid as error:
        builder.attach_errors(draft, paths, error.problems)
        return False
    except ValidationError as error:
        draft.errors.setdefault("", []).extend(error.messages)
        return False
    return True


def _load_json(text: str, context: dict[str, Any]) -> Draft | None:
    """The JSON box read into a draft, or None with its problems in the context."""
    form = RuleForm({"definition": text})
    if not form.is_valid():
        context["json_errors"] = form.errors.get("definition", [])
        return None
    try:
        parse(form.cleaned_data["definition"], site_zone())
    except RuleError as error:
        context["json_errors"] = error.messages
        return None
    return builder.from_definition(form.cleaned_data["definition"])
