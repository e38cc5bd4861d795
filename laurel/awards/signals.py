"""What the awards app announces to apps built on it, which it never imports."""

from django.dispatch import Signal

# Sent inside the transaction that creates awards, however they were made (one by one, in bulk,
# by a rule), with ``org`` and ``awards`` (a list). The criteria engine listens, to re-check
# badges that require the ones just awarded.
awards_created = Signal()
# Sent inside the transaction that revokes an award, with ``award``; the criteria engine mirrors
# the revocation on the record that issued it.
award_revoked = Signal()
