"""Writes for pathways: design, publish (the milestone's rule), delete; each audited."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laurel.achievements.models import Achievement
from laurel.audit.actions import record
from laurel.core.actor import Actor
from laurel.orgs.models import Organization
from laurel.pathways.models import Pathway, PathwayGroup
from laurel.rules.actions import save_rule
from laurel.rules.models import Rule


@dataclass(frozen=True)
class GroupSpec:
    """A level as designed: its badges (public ids), ``n`` (None for all) and earlier levels it needs."""

    badges: tuple[str, ...]
    n: int | None = None
    name_ko: str = ""
    name_en: str = ""
    requires: tuple[int, ...] = ()  # positions (0-based) of earlier groups


def _check(org: Organization, milestone: Achievement, groups: list[GroupSpec]) -> dict[str, Achievement]:
    """Every problem with the design at once, or the badges by public id."""
    problems: list[str] = []
    wanted = {b for g in groups for b in g.badges}
    found = {str(a.public_id): a for a in Achievement.objects.filter(org=org, public_id__in=wanted)}
    if not groups:
        problems.append(_("A pathway needs at least one level."))
    seen: dict[str, int] = {}
    for i, group in enumerate(groups, start=1):
        if not group.badges:
            problems.append(_("Level %(n)s has no badges.") % {"n": i})
        for badge in group.badges:
            if badge not in found:
                problems.append(
                    _("Level %(n)s: no badge “%(id)s” in this organization.") % {"n": i, "id": badge}
                )
            if badge == str(milestone.public_id):
                problems.append(
                    _("Level %(n)s: the milestone badge cannot be part of its own pathway.") % {"n": i}
                )
            if badge in seen:
                problems.append(
                    _("Level %(n)s: a badge is already in level %(m)s.") % {"n": i, "m": seen[badge]}
                )
            seen.setdefault(badge, i)
        if group.n is not None and not 1 <= group.n <= len(group.badges):
            problems.append(
                _("Level %(n)s: %(k)s of %(m)s badges is not possible.")
                % {"n": i, "k": group.n, "m": len(group.badges)}
            )
        for earlier in group.requires:
            if not 0 <= earlier < i - 1:
                problems.append(_("Level %(n)s can only require earlier levels.") % {"n": i})
    if milestone.org_id != org.pk:
        problems.append(_("The milestone badge belongs to another organization."))
    if problems:
        raise ValidationError(problems, code="invalid")
    return found


def definition(pathway: Pathway) -> dict[str, object]:
    """The milestone's criteria: every level met, as ``badges`` and ``n_of`` clauses."""
    parts: list[dict[str, object]] = []
    for group in pathway.groups.prefetch_related("badges"):
        ids = sorted(str(b.public_id) for b in group.badges.all())
        if group.n is None or group.n == len(ids):
            parts.append({"badges": {"achievements": ids}})
        else:
            parts.append({"n_of": {"n": group.n, "of": [{"badges": {"achievements": [b]}} for b in ids]}})
    criteria = parts[0] if len(parts) == 1 else {"all": parts}
    return {"criteria": criteria}


def _write_groups(pathway: Pathway, groups: list[GroupSpec], found: dict[str, Achievement]) -> None:
    pathway.groups.all().delete()
    made: list[PathwayGroup] = []
    for i, spec in enumerate(groups):
        group = PathwayGroup.objects.create(
            pathway=pathway, position=i, name_ko=spec.name_ko, name_en=spec.name_en, n=spec.n
        )
        group.badges.set([found[b] for b in spec.badges])
        group.requires.set([made[j] for j in spec.requires])
        made.append(group)


def create(
    actor: Actor,
    org: Organization,
    *,
    slug: str,
    milestone: Achievement,
    groups: list[GroupSpec],
    name_ko: str = "",
    name_en: str = "",
    description_ko: str = "",
    description_en: str = "",
) -> Pathway:
    found = _check(org, milestone, groups)
    if not (name_ko or name_en):
        raise ValidationError(_("A pathway needs a name in Korean or English."), code="invalid")
    if Pathway.objects.filter(org=org, slug=slug).exists():
        raise ValidationError(_("Another pathway already uses this address."), code="invalid")
    with transaction.atomic():
        pathway = Pathway.objects.create(
            org=org,
            slug=slug,
            milestone=milestone,
            name_ko=name_ko,
            name_en=name_en,
            description_ko=description_ko,
            description_en=description_en,
            created_by=actor.user,
        )
        _write_groups(pathway, groups, found)
        record(actor, org, "pathways.create", pathway, summary=slug, after={"groups": len(groups)})
    return pathway


def update_groups(actor: Actor, pathway: Pathway, groups: list[GroupSpec]) -> Pathway:
    """Redesign the levels; a published pathway's milestone rule is rewritten to match."""
    found = _check(pathway.org, pathway.milestone, groups)
    with transaction.atomic():
        _write_groups(pathway, groups, found)
        record(
            actor,
            pathway.org,
            "pathways.update",
            pathway,
            summary=pathway.slug,
            after={"groups": len(groups)},
        )
        if pathway.published:
            _write_rule(actor, pathway)
    return pathway


def _write_rule(actor: Actor, pathway: Pathway) -> Rule:
    others = Rule.objects.filter(achievement=pathway.milestone).exclude(pk__in=pathway.made_rules)
    if others.exists():
        raise ValidationError(
            _(
                "The milestone badge “%(slug)s” already has criteria of its own; "
                "choose another milestone badge."
            )
            % {"slug": pathway.milestone.slug},
            code="taken",
        )
    rule = save_rule(actor, pathway.milestone, definition(pathway), live=True)
    pathway.made_rules = [*pathway.made_rules, rule.pk]
    pathway.save(update_fields=["made_rules"])
    return rule


def publish(actor: Actor, pathway: Pathway) -> Pathway:
    """Make the pathway public and its milestone earned by the engine, with no one awarding it."""
    with transaction.atomic():
        pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
        _write_rule(actor, pathway)
        pathway.published = True
        pathway.save(update_fields=["published"])
        record(actor, pathway.org, "pathways.publish", pathway, summary=pathway.slug)
    return pathway


def delete(actor: Actor, pathway: Pathway) -> None:
    """Remove the design; the milestone's rule stays, so awards already earned keep provenance."""
    with transaction.atomic():
        record(actor, pathway.org, "pathways.delete", pathway, summary=pathway.slug)
        pathway.delete()
