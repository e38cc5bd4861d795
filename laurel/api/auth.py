"""Bearer tokens, each scoped to one organization; every org URL is checked against it.

There is no session or cookie authentication on the API, so no CSRF either.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from laurel.accounts.models import ApiToken
from laurel.accounts.tokens import authenticate_token
from laurel.api.errors import forbidden, not_found
from laurel.core.actor import Actor
from laurel.core.http import client_ip
from laurel.orgs.models import Membership, Organization

# Per token; kept in the cache (Redis when configured, else per process).
RATE = "1200/m"


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return authenticate_token(token.strip())


class TokenThrottle(SimpleRateThrottle):
    scope = "api-token"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token: ApiToken | None = getattr(request, "auth", None)
        if token is None:
            return None
        # The stored hash, not the pk: pks can be reused, hashes are never shared.
        return self.cache_format % {"scope": self.scope, "ident": token.token_hash[:40]}


@dataclass(frozen=True)
class Access:
    org: Organization
    membership: Membership
    actor: Actor


def org_access(request: HttpRequest, slug: str, capability: str) -> Access:
    """The token's organization if `slug` names it and its user may do `capability` there.

    Any other organization, existing or not, is a 404: a token only ever sees its own.
    """
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if token.org.slug != slug:
        raise not_found()
    membership = Membership.objects.filter(org_id=token.org_id, user_id=token.user_id).first()
    if membership is None:
        raise not_found()
    if not membership.can(capability):
        raise forbidden(capability)
    membership.org = token.org
    actor = Actor(
        user=token.user,
        via="api",
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    return Access(org=token.org, membership=membership, actor=actor)
