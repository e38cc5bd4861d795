"""Claim links: signed, timestamped tokens naming an award and the address it was sent to.

Nothing is stored when the email is written; the link is single-use because claiming
creates the award's AwardClaim row, and a link for an award with one is refused.
"""

from django.conf import settings
from django.core import signing

SALT = "laurel.wallet.claim"


class ClaimLinkInvalid(Exception):
    pass


class ClaimLinkExpired(Exception):
    pass


def make_claim_token(award_public_id: str, email: str) -> str:
    return signing.dumps({"a": award_public_id, "e": email}, salt=SALT, compress=True)


def read_claim_token(token: str) -> tuple[str, str]:
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.LAUREL_CLAIM_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ClaimLinkExpired from exc
    except signing.BadSignature as exc:
        raise ClaimLinkInvalid from exc
    return data["a"], data["e"]


def claim_url(award_public_id: str, email: str) -> str:
    return f"{settings.SITE_URL}/wallet/claim/{make_claim_token(award_public_id, email)}/"
