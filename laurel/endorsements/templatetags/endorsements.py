from typing import Any

from django import template

from laurel.endorsements.queries import shown_for

register = template.Library()


@register.simple_tag
def endorsements_shown(achievement: Any = None, award: Any = None) -> list[Any]:
    """For the include on the public badge and award pages, which other apps' views render."""
    return list(shown_for(achievement=achievement or None, award=award or None))
