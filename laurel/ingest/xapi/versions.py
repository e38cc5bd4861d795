"""Which xAPI version a request speaks, from its X-Experience-API-Version header.

Laurel conforms to xAPI 1.0.3 and 2.0.0. Every response carries the latest patch version of
the major version the request used; a request with no usable header is answered as 2.0.0
(the newest), which is also what the conformance suite expects in that case.
"""

import re
from dataclasses import dataclass

HEADER = "X-Experience-API-Version"
_ACCEPTED = re.compile(r"(1|2)\.0(?:\.(\d{1,6}))?\Z")


@dataclass(frozen=True)
class Version:
    major: int  # 1 or 2
    response: str  # the header value Laurel answers with
    statement: str  # the "version" a statement gets when it has none

    @property
    def v2(self) -> bool:
        return self.major == 2


V1 = Version(1, "1.0.3", "1.0.0")
V2 = Version(2, "2.0.0", "2.0.0")
SUPPORTED = ["1.0.3", "2.0.0"]


def negotiate(header: str | None) -> Version | None:
    """The version of a request, or None when the header is missing or names one not supported.

    1.0, 1.0.0 … 1.0.x and 2.0, 2.0.0 … 2.0.x are accepted (a later patch of the same minor
    version only clarifies); 0.9x, 1.1 and 2.1 or later are not.
    """
    if header is None:
        return None
    found = _ACCEPTED.match(header.strip())
    if found is None:
        return None
    return V1 if found.group(1) == "1" else V2
