"""The JSON API under /api/v1/: bearer tokens, problem-details errors, OpenAPI.

The OpenAPI document is at /api/v1/openapi.json; /api/v1/docs shows it with
Swagger UI served from this site (see docs.py), so the CSP needs no exception.
"""

from ninja import NinjaAPI

from laurel.api import achievements, awards, bulk, errors, orgs, recipients, verify
from laurel.api.auth import RATE, BearerToken, TokenThrottle
from laurel.api.docs import LocalSwagger
from laurel.hooks import api as hooks_api
from laurel.ingest import api as ingest_api
from laurel.ingest.lti import api as lti_api
from laurel.rules import api as rules_api
from laurel.rules import evidence_api

api = NinjaAPI(
    title="Laurel API",
    version="1",
    description=(
        "Organization-scoped API for Laurel. Authenticate with `Authorization: Bearer <token>`; "
        "a token works only on its own organization's URLs. Errors are RFC 9457 problem details."
    ),
    urls_namespace="api",
    auth=BearerToken(),
    throttle=[TokenThrottle(RATE)],
    docs=LocalSwagger(),
)
errors.install(api)
for module in (
    orgs,
    achievements,
    recipients,
    bulk,
    awards,
    verify,
    ingest_api,
    lti_api,
    rules_api,
    evidence_api,
    hooks_api,
):
    api.add_router("", module.router)
