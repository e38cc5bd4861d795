"""Public endorsement addresses: the signed credential's JSON (its id) and a page that verifies it."""

import hashlib
import json
from datetime import timedelta

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from laurel.accounts.limits import allow, client_ip, refill_seconds
from laurel.core.cors import public_cors
from laurel.core.fetching import local_fetcher
from laurel.endorsements import credential
from laurel.endorsements.queries import public_endorsement
from laurel.vc.verify import verify

# Verifying fetches status lists and DID documents, so strangers get a modest allowance.
VERIFY_PER_IP = (20, timedelta(minutes=1))


@public_cors
@require_safe
def credential_json(request: HttpRequest, public_id: str) -> HttpResponseBase:
    endorsement = public_endorsement(public_id)
    body = json.dumps(endorsement.credential, ensure_ascii=False, indent=2).encode("utf-8")
    tag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    if tag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        wanted = "application/ld+json" in request.headers.get("Accept", "")
        response = HttpResponse(body, content_type="application/ld+json" if wanted else "application/json")
    # A signed credential never changes; its withdrawal is told by the status list.
    response["ETag"] = tag
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _page(request: HttpRequest, public_id: str, status: int = 200, **extra: object) -> HttpResponse:
    endorsement = public_endorsement(public_id)
    language = request.LANGUAGE_CODE[:2]
    context = {
        "endorsement": endorsement,
        "target": credential.target_name(endorsement, language),
        "comment": credential.comment(endorsement),
        "comment_lang": credential.language_of(endorsement),
        "target_url": endorsement.credential["credentialSubject"]["id"] if endorsement.credential else "",
        **extra,
    }
    return render(request, "endorsements/public.html", context, status=status)


@require_safe
def page(request: HttpRequest, public_id: str) -> HttpResponse:
    return _page(request, public_id)


@require_POST
def verify_page(request: HttpRequest, public_id: str) -> HttpResponse:
    endorsement = public_endorsement(public_id)
    if not allow("endorsement-verify", client_ip(request), VERIFY_PER_IP):
        detail = _("Too many verifications from this address; wait a minute and try again.")
        response = _page(request, public_id, 429, verify_error=detail)
        response["Retry-After"] = str(refill_seconds(VERIFY_PER_IP))
        return response
    report = verify(endorsement.credential or {}, fetcher=local_fetcher())
    language = request.LANGUAGE_CODE[:2]
    checks = [{"status": c.status, "message": c.message(language), "id": c.id} for c in report.checks]
    return _page(request, public_id, verification={"valid": report.valid, "checks": checks})
