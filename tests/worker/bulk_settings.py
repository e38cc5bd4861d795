"""Worker settings with small chunks and a lease short enough for a test to wait out."""

from tests.worker.worker_settings import *  # noqa: F403

AWARD_CHUNK_ROWS = 20
AWARD_CHUNK_LEASE_SECONDS = 3
AWARD_CHUNK_RETRY_SECONDS = 1
