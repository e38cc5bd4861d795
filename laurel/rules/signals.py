"""What the criteria engine announces to apps built on it, which it never imports."""

from django.dispatch import Signal

# Sent inside the transaction of an evaluation that changed a learner's outcome or per-clause
# progress for a badge, with ``states`` (the AwardStates, saved: one from evaluate_pair, many
# from a batch, so listeners can do their work once per batch). Outgoing webhooks listen.
progress_changed = Signal()

# Sent inside the evaluation's transaction when a learner's state first becomes "awaiting
# approval", with ``state``; the reviewers are emailed (laurel.rules.evidence_actions).
approval_awaited = Signal()
