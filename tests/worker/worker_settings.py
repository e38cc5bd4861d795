"""The project's settings with an outbox lease short enough for a test to wait out."""

from laurel.settings import *  # noqa: F403

OUTBOX_LEASE_SECONDS = 2
