"""Last-seen timestamps that a busy caller does not turn into a write per request."""

from datetime import timedelta

from django.db.models import Model, Q
from django.utils import timezone

# Once a minute is precise enough for "last used" and keeps reads from becoming writes.
TOUCH_INTERVAL = timedelta(minutes=1)


def touch(obj: Model, field: str, interval: timedelta = TOUCH_INTERVAL) -> None:
    """Set ``obj.<field>`` to now, writing it at most once per ``interval``.

    The conditional update makes concurrent requests write once between them.
    """
    now = timezone.now()
    last = getattr(obj, field)
    if last is not None and now - last < interval:
        return
    stale = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": now - interval})
    type(obj)._default_manager.filter(stale, pk=obj.pk).update(**{field: now})
    setattr(obj, field, now)
