"""Worker settings for the crash test: the rules app, small drains and a short watch."""

from tests.worker.worker_settings import *  # noqa: F403

RULES_DRAIN_BATCH = 5
RULES_WATCH_SECONDS = 2
