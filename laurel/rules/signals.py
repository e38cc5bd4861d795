"""What the criteria engine announces to apps built on it, which it never imports."""

from django.dispatch import Signal

# Sent inside the transaction of an evaluation that changed a learner's outcome or per-clause
# progress for a badge, with ``state`` (the AwardState, saved). Outgoing webhooks listen.
progress_changed = Signal()
