"""Worker settings for the two-worker crash test: batches of 20 pairs and a short watch."""

from tests.worker.worker_settings import *  # noqa: F403

RULES_DRAIN_BATCH = 20
RULES_WATCH_SECONDS = 2
