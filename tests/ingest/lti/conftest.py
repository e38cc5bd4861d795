from collections.abc import Iterator

import pytest

from laurel.ingest.lti import keys
from tests.ingest.lti.keypool import next_tool_key


@pytest.fixture(autouse=True, scope="session")
def _tool_keys_from_the_pool() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keys, "make_private_key", next_tool_key)
        yield
