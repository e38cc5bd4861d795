"""Public machine endpoints: DID documents and status list credentials.

Verifiers on other sites fetch these from browsers too, hence CORS for everyone. They change
rarely but must not stay stale for long (a revocation must show within minutes): a short
max-age with an ETag lets caches revalidate cheaply.
"""

import hashlib
import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from laurel.credentials import issuers
from laurel.credentials.models import StatusList
from laurel.orgs.models import Organization

MAX_AGE = 300


def json_response(request: HttpRequest, document: Any, etag: str = "") -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    tag = f'"{etag or hashlib.sha256(body).hexdigest()[:32]}"'
    if tag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = tag
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _document_for(org: Organization, *, well_known: bool) -> dict[str, Any]:
    # Each DID is served at exactly one address: the one its did:web name resolves to.
    if issuers.owns_host(org) != well_known:
        raise Http404
    document = issuers.did_document(org)
    if document is None:  # a did:key issuer needs no document
        raise Http404
    return document


@require_safe
def org_did_document(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(Organization, slug=slug)
    return json_response(request, _document_for(org, well_known=False))


@require_safe
def well_known_did_document(request: HttpRequest) -> HttpResponse:
    """``/.well-known/did.json`` of an organization that owns the host it is asked for on."""
    host = request.get_host().lower()
    candidates = Organization.objects.filter(public_base_url__istartswith=f"https://{host}")
    org = next(
        (o for o in candidates if issuers.owns_host(o) and o.base_url.lower() == f"https://{host}"), None
    )
    if org is None:
        raise Http404
    return json_response(request, _document_for(org, well_known=True))


@require_safe
def status_list_credential(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    lst = get_object_or_404(StatusList.objects.select_related("org"), org__slug=slug, public_id=public_id)
    if lst.credential is None:
        raise Http404
    return json_response(request, lst.credential, lst.etag)
