"""Where a learner stands on a pathway: held badges per level, the next level, the milestone."""

from dataclasses import dataclass

from laurel.achievements.models import AchievementVersion
from laurel.pathways.models import Pathway, PathwayGroup


@dataclass(frozen=True)
class LevelStanding:
    group: PathwayGroup
    held: list[AchievementVersion]
    missing: list[AchievementVersion]
    needed: int  # badges the level asks for
    complete: bool
    open: bool  # every level it requires is complete


@dataclass(frozen=True)
class Standing:
    pathway: Pathway
    levels: list[LevelStanding]
    next_level: LevelStanding | None
    milestone_held: bool


def standing(pathway: Pathway, held: set[str]) -> Standing:
    """``held``: public ids of the badges the learner holds today."""
    levels: list[LevelStanding] = []
    done: set[int] = set()
    for group in pathway.groups.prefetch_related("badges__current_version", "requires"):
        versions = sorted((b.current_version for b in group.badges.all()), key=lambda v: v.achievement.slug)
        have = [v for v in versions if str(v.achievement.public_id) in held]
        needed = group.n or len(versions)
        complete = len(have) >= needed
        if complete:
            done.add(group.pk)
        levels.append(
            LevelStanding(
                group=group,
                held=have,
                missing=[v for v in versions if v not in have],
                needed=needed,
                complete=complete,
                open=all(r.pk in done for r in group.requires.all()),
            )
        )
    upcoming = [level for level in levels if not level.complete]
    next_level = next((level for level in upcoming if level.open), upcoming[0] if upcoming else None)
    return Standing(
        pathway=pathway,
        levels=levels,
        next_level=next_level,
        milestone_held=str(pathway.milestone.public_id) in held,
    )
