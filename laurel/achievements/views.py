"""Staff pages for badge definitions: list, detail, editor with preview, archive."""

from types import SimpleNamespace
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laurel.achievements import actions
from laurel.achievements import design as designs
from laurel.achievements.forms import (
    ACHIEVEMENT_TYPES,
    OTHER_TYPE,
    VERSION_FIELDS,
    AchievementEditor,
    DesignForm,
    contrast_warning,
)
from laurel.achievements.images import store_prepared
from laurel.achievements.models import Achievement, AchievementVersion
from laurel.achievements.presenters import data_uri, describe, image_url, localized, svg_data_uri
from laurel.core.actor import Actor
from laurel.orgs.access import org_view
from laurel.orgs.models import Membership

FILTERS = ("active", "archived", "all")


def org_achievements(membership: Membership) -> QuerySet[Achievement]:
    return Achievement.objects.filter(org=membership.org, current_version__isnull=False)


def get_achievement(membership: Membership, public_id: UUID) -> Achievement:
    return get_object_or_404(
        org_achievements(membership).select_related("current_version__image", "current_version__image_png"),
        public_id=public_id,
    )


@org_view("view")
def achievement_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    show = request.GET.get("show", "active")
    show = show if show in FILTERS else "active"
    achievements = (
        org_achievements(membership)
        .select_related("current_version__image", "current_version__image_png")
        .annotate(award_count=Count("awards"))
        .order_by("-created_at")
    )
    if show == "active":
        achievements = achievements.filter(archived_at__isnull=True)
    elif show == "archived":
        achievements = achievements.filter(archived_at__isnull=False)
    rows = [
        {
            "achievement": a,
            "name": localized(a.current_version, "name"),
            "alt_text": localized(a.current_version, "alt_text"),
            "thumbnail": image_url(a.current_version.image_png or a.current_version.image),
        }
        for a in achievements
    ]
    return render(request, "achievements/list.html", {"rows": rows, "show": show, "filters": FILTERS})


@org_view("view")
def achievement_detail(request: HttpRequest, membership: Membership, public_id: UUID) -> HttpResponse:
    achievement = get_achievement(membership, public_id)
    versions = achievement.versions.annotate(award_count=Count("awards")).order_by("-number")
    context = {
        "achievement": achievement,
        "version": achievement.current_version,
        "shown": describe(achievement.current_version),  # type: ignore[arg-type]
        "versions": versions,
    }
    return render(request, "achievements/detail.html", context)


def initial_for(version: AchievementVersion) -> dict[str, Any]:
    form: dict[str, Any] = {name: getattr(version, name) for name in VERSION_FIELDS if name != "alignments"}
    form["slug"] = version.achievement.slug
    if version.achievement_type not in ACHIEVEMENT_TYPES:
        form["achievement_type"] = OTHER_TYPE
        form["custom_type"] = version.achievement_type.removeprefix("ext:")
    form["image_source"] = "design" if version.design else "upload"
    form["image_sha256"] = version.image.sha256 if version.image and not version.design else ""
    return {"form": form, "alignments": version.alignments, "design": version.design or None}


def editor_page(
    request: HttpRequest, membership: Membership, achievement: Achievement | None
) -> HttpResponse:
    org = membership.org
    current = achievement.current_version if achievement else None
    if request.method != "POST":
        initial = initial_for(current) if current else None
        editor = AchievementEditor(None, org=org, achievement=achievement, initial=initial)
        return render_editor(request, editor, achievement, preview=None)
    post = request.POST.copy()
    editor = AchievementEditor(post, request.FILES, org=org, achievement=achievement)
    valid = editor.is_valid()
    if valid and "preview" not in request.POST:
        assert editor.data is not None
        actor = Actor.from_request(request)
        if achievement is None:
            achievement = actions.create_achievement(actor, org, editor.data)
            messages.success(request, _("The badge was created."))
        else:
            version = actions.update_achievement(actor, achievement, editor.data)
            messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})
        for warning in editor.data.warnings:
            messages.warning(request, warning)
        return redirect("achievements:detail", slug=org.slug, public_id=achievement.public_id)
    if editor.form.upload is not None:
        # Keep a checked upload so the next submit need not send the file again.
        asset, _png = store_prepared(editor.form.upload)
        post["image_sha256"] = asset.sha256
    return render_editor(request, editor, achievement, preview=preview_of(editor))


def preview_of(editor: AchievementEditor) -> dict[str, Any]:
    raw = editor.form.data
    names = SimpleNamespace(
        **{f: raw.get(f, "") for f in ("name_ko", "name_en", "description_ko", "description_en")}
    )
    preview: dict[str, Any] = {
        "name": localized(names, "name"),
        "description": localized(names, "description"),
        "image": data_uri(editor.data.image) if editor.data and editor.data.image else "",
        "warnings": editor.data.warnings if editor.data else [],
    }
    if not preview["image"] and editor.design.is_valid():
        design = editor.design.design()
        preview["image"] = svg_data_uri(designs.build_svg(design))
        warning = contrast_warning(design)
        preview["warnings"] = [warning] if warning else []
    return preview


def render_editor(
    request: HttpRequest,
    editor: AchievementEditor,
    achievement: Achievement | None,
    preview: dict[str, Any] | None,
) -> HttpResponse:
    current = achievement.current_version if achievement else None
    if preview is None and current is not None:
        preview = {
            "name": localized(current, "name"),
            "description": localized(current, "description"),
            "image": image_url(current.image),
            "warnings": [],
        }
    context = {
        "editor": editor,
        "form": editor.form,
        "alignments": editor.alignments,
        "design": editor.design,
        "achievement": achievement,
        "awarded": bool(current and current.awards.exists()),
        "preview": preview,
        "has_errors": bool(editor.form.is_bound and editor.errors()),
    }
    return render(request, "achievements/edit.html", context)


@org_view("define")
def achievement_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    return editor_page(request, membership, None)


@org_view("define")
def achievement_edit(request: HttpRequest, membership: Membership, public_id: UUID) -> HttpResponse:
    return editor_page(request, membership, get_achievement(membership, public_id))


@org_view("define")
def design_preview(request: HttpRequest, membership: Membership) -> JsonResponse:
    """The designed image for the editor's live preview, as a data: URI."""
    form = DesignForm(request.GET)
    if not form.is_valid():
        errors = {name: list(messages) for name, messages in form.errors.items()}
        return JsonResponse({"image": "", "warning": "", "errors": errors}, status=400)
    design = form.design()
    return JsonResponse(
        {"image": svg_data_uri(designs.build_svg(design)), "warning": contrast_warning(design), "errors": {}}
    )


@org_view("define")
@require_POST
def achievement_archive(request: HttpRequest, membership: Membership, public_id: UUID) -> HttpResponse:
    achievement = get_achievement(membership, public_id)
    if request.POST.get("archived") == "0":
        actions.unarchive_achievement(Actor.from_request(request), achievement)
        messages.success(request, _("The badge can be awarded again."))
    else:
        actions.archive_achievement(Actor.from_request(request), achievement)
        messages.success(request, _("The badge was archived; its pages and credentials keep working."))
    return redirect("achievements:detail", slug=membership.org.slug, public_id=achievement.public_id)
