"""The public page of one award, which is also its verification page, and its machine endpoints.

Never shows the recipient's email. ``?lang=ko|en`` picks both the page's language and the
credential shown; without it the visitor's explicit language choice (the language cookie),
then their browser's languages, else the organization's language.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET, require_POST, require_safe

from laurel.accounts.limits import allow, client_ip, refill_seconds
from laurel.achievements.markdown import render_markdown
from laurel.achievements.models import ImageAsset
from laurel.achievements.public_views import SVG_CSP
from laurel.awards.models import Award
from laurel.core.cors import public_cors
from laurel.core.fetching import local_fetcher
from laurel.core.problems import problem
from laurel.core.qr import qr_svg
from laurel.credentials import formats
from laurel.credentials.actions import credential_for, jwt_of, public_status
from laurel.credentials.models import Credential
from laurel.events.actions import qr_link, record_event, record_page_view
from laurel.events.models import Kind
from laurel.orgs.models import pick
from laurel.vc.baking import BakingError
from laurel.vc.verify import verify
from laurel.vc.verify_report import Check, Report

EXTENSIONS = {"image/png": "png", "image/svg+xml": "svg", "image/jpeg": "jpg", "image/webp": "webp"}
LANGUAGES = ("ko", "en")
# Verifying fetches status lists and DID documents, so strangers get a modest allowance.
VERIFY_PER_IP = (20, timedelta(minutes=1))
# A stored credential never changes: once its URL names its language it may be cached for good.
IMMUTABLE = "public, max-age=31536000, immutable"
# Without an explicit language the answer follows the organization's setting, which may change.
SHORT = "public, max-age=300"
# OB 3.0 §8.2 VC-JWTs carry `typ: JWT`, so the registered JWT media type (RFC 7519) fits;
# application/vc+jwt belongs to VC-JOSE-COSE tokens, which are shaped differently.
JWT_TYPE = "application/jwt"
FORMATS = ("json", "jwt", "png", "svg")

STEP_LABELS = {
    "input": gettext_lazy("Reading the credential"),
    "structure": gettext_lazy("Open Badges structure"),
    "jsonld": gettext_lazy("Vocabulary (JSON-LD)"),
    "proof": gettext_lazy("Digital signature"),
    "issuer": gettext_lazy("Issuer's signing key"),
    "validity": gettext_lazy("Validity period"),
    "status": gettext_lazy("Revocation"),
    "suspension": gettext_lazy("Suspension"),
}
SYMBOLS = {"pass": "✓", "fail": "✗", "warning": "!", "skipped": "–"}
STATUS_LABELS = {
    "pass": gettext_lazy("Passed"),
    "fail": gettext_lazy("Failed"),
    "warning": gettext_lazy("Warning"),
    "skipped": gettext_lazy("Skipped"),
}
NOT_SUSPENDED = gettext_noop("The issuer has not suspended this badge.")
SUSPENDED = gettext_noop("The issuer suspended this badge on %(date)s.")


def image_path(asset: ImageAsset | None) -> str:
    """Where the achievements app serves an image: /i/image/<sha256>.<ext>."""
    if asset is None:
        return ""
    extension = EXTENSIONS.get(asset.content_type, asset.content_type.rsplit("/", 1)[-1].split("+")[0])
    return f"/i/image/{asset.sha256}.{extension}"


# -- languages --------------------------------------------------------------------------------


def page_language(request: HttpRequest, award: Award) -> str:
    """?lang, else the visitor's choice on this site (the cookie), else what their browser asks
    for (an employer abroad reads English), else the organization's language."""
    for asked in (request.GET.get("lang"), request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
        if asked in LANGUAGES:
            return asked
    if request.headers.get("Accept-Language"):
        browser = translation.get_language_from_request(request)[:2]
        if browser in LANGUAGES:
            return browser
    return award.org.default_language


def credential_language(award: Award, asked: str | None) -> str:
    """The language of the credential to serve.

    The asked language when the badge has it; otherwise (not asked, unknown, or missing from
    the badge) the organization's language when the badge has it; otherwise the badge's one
    language.
    """
    languages = award.version.languages
    for code in (asked, award.org.default_language):
        if code is not None and code in languages:
            return code
    return languages[0]


def stored_credential(award: Award, language: str) -> Credential:
    """The stored credential, signing the award first when the worker has not yet done so."""
    found = Credential.objects.filter(award=award, language=language).first()
    return found or credential_for(award, language)


def get_award(public_id: str) -> Award:
    return get_object_or_404(
        Award.objects.select_related(
            "org", "recipient", "achievement", "version__image", "version__image_png"
        ),
        public_id=public_id,
    )


# -- the page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One verification check as the page shows it, in the page's language."""

    id: str
    status: str
    label: str
    symbol: str
    status_label: str
    message: str
    note: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "status": self.status,
            "label": self.label,
            "status_label": self.status_label,
            "message": self.message,
            "note": self.note,
        }


def _in_both(message: str, **params: str) -> tuple[str, str]:
    texts = []
    for code in ("en", "ko"):
        with translation.override(code):
            texts.append(_(message) % params)
    return texts[0], texts[1]


def suspension_check(state: dict[str, Any]) -> Check:
    """The issuer's own record of a suspension.

    The credential carries only its revocation entry (OB 3.0 allows one status object), so
    the verifier cannot see a suspension; the issuer's record is the authority here.
    """
    if state["status"] != "suspended":
        en, ko = _in_both(NOT_SUSPENDED)
        return Check("suspension", "pass", en, ko)
    en, ko = _in_both(SUSPENDED, date=state["since"].date().isoformat())
    return Check("suspension", "fail", en, ko, {"reason": state["reason"]})


def steps(report: Report, state: dict[str, Any], language: str) -> list[Step]:
    # The page's language, not the request's: a Korean browser may be reading ?lang=en.
    with translation.override(language):
        return [_step(check, state, language) for check in (*report.checks, suspension_check(state))]


def _step(check: Check, state: dict[str, Any], language: str) -> Step:
    note = ""
    if check.status == "fail" and check.id in ("status", "suspension") and state["reason"]:
        note = _("Reason given by the issuer: %(reason)s") % {"reason": state["reason"]}
    return Step(
        id=check.id,
        status=check.status,
        label=str(STEP_LABELS.get(check.id, check.id)),
        symbol=SYMBOLS[check.status],
        status_label=str(STATUS_LABELS[check.status]),
        message=check.message(language),
        note=note,
    )


def downloads(award: Award) -> list[dict[str, Any]]:
    """Per language of the badge: the download links that exist for it."""
    version = award.version
    base = f"/a/{award.public_id}/credential"
    has_png = formats.bake_source(award.version, "png") is not None
    has_svg = formats.bake_source(award.version, "svg") is not None
    rows = []
    for code in version.languages:
        links = [("json", _("Credential (JSON)")), ("jwt", _("Credential (JWT)"))]
        if has_png:
            links.append(("png", _("Badge image with credential (PNG)")))
        if has_svg:
            links.append(("svg", _("Badge image with credential (SVG)")))
        label = "한국어" if code == "ko" else "English"
        rows.append(
            {"lang": code, "label": label, "links": [(f"{base}.{f}?lang={code}", text) for f, text in links]}
        )
    return rows


def page_context(request: HttpRequest, award: Award, language: str) -> dict[str, Any]:
    version, org = award.version, award.org
    shown = credential_language(award, language)
    page_url = f"{award.public_url}?lang={language}"
    share_image = image_path(version.image_png or version.image)
    criteria = pick(version, "criteria", shown)
    state = public_status(award)
    return {
        "award": award,
        "version": version,
        "issuer": org,
        "issuer_name": pick(org, "name", language),
        "lang": language,
        "content_lang": shown,
        "other_lang": "en" if language == "ko" else "ko",
        "name": pick(version, "name", shown),
        "description": pick(version, "description", shown),
        "alt_text": pick(version, "alt_text", shown) or pick(version, "name", shown),
        "criteria": criteria,
        "criteria_html": render_markdown(criteria),
        # OB 3.0 narratives are Markdown, the learner's as much as the issuer's.
        "evidence_html": render_markdown(award.evidence_narrative),
        "recipient_name": award.recipient.name,
        "state": state,
        "image_src": image_path(version.image),
        "og_image": f"{org.base_url}{share_image}" if share_image else "",
        "og_url": award.public_url,
        "og_locale": "ko_KR" if language == "ko" else "en_US",
        "qr": mark_safe(qr_svg(qr_link(page_url), _("QR code for this page"))),  # noqa: S308 (segno's SVG)
        "downloads": downloads(award),
        "credential_json": f"/a/{award.public_id}/credential.json?lang={shown}",
    }


def _render_page(
    request: HttpRequest, award: Award, language: str, extra: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    with translation.override(language):
        context = {**page_context(request, award, language), **(extra or {})}
        response = render(request, "awards/public.html", context, status=status)
    response["Content-Language"] = language
    return response


def asks_for_json(request: HttpRequest) -> bool:
    """A client that wants the credential id dereferenced to the credential, not the page."""
    if request.GET.get("format") == "json":
        return True
    accept = request.headers.get("Accept", "")
    return ("application/ld+json" in accept or "application/json" in accept) and "text/html" not in accept


@require_GET
def award_page(request: HttpRequest, public_id: str) -> HttpResponseBase:
    if asks_for_json(request):
        return download(request, public_id, "json")
    award = get_award(public_id)
    record_page_view(request, org=award.org, award=award, achievement=award.achievement)
    return _render_page(request, award, page_language(request, award))


# -- verification -----------------------------------------------------------------------------


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _rate_limited(request: HttpRequest, award: Award, language: str) -> HttpResponse:
    with translation.override(language):
        detail = _("Too many verifications from this address; wait a minute and try again.")
        if wants_json(request):
            response: HttpResponse = problem(429, _("Too many requests"), detail)
        else:
            response = _render_page(request, award, language, {"verify_error": detail}, status=429)
    response["Retry-After"] = str(refill_seconds(VERIFY_PER_IP))
    return response


def run_verification(award: Award, language: str) -> tuple[Report, list[Step], dict[str, Any]]:
    """Every check, run again now on the stored credential, plus the issuer's suspension record."""
    credential = stored_credential(award, credential_language(award, language))
    report = verify(credential.json, fetcher=local_fetcher())
    state = public_status(award)
    shown = steps(report, state, language)
    return report, shown, state


@require_POST
def verify_award(request: HttpRequest, public_id: str) -> HttpResponse:
    award = get_award(public_id)
    asked = request.POST.get("lang") or request.GET.get("lang")
    language = asked if asked in LANGUAGES else page_language(request, award)
    if not allow("award-verify", client_ip(request), VERIFY_PER_IP):
        return _rate_limited(request, award, language)
    _report, shown, state = run_verification(award, language)
    valid = all(step.status != "fail" for step in shown)
    record_event(
        Kind.VERIFICATION, org=award.org, award=award, detail="valid" if valid else "invalid", request=request
    )
    context = {"verification": {"valid": valid, "steps": shown}}
    if not wants_json(request):
        return _render_page(request, award, language, context)
    with translation.override(language):
        html = render_to_string("awards/_verify_results.html", context, request=request)
    body = {
        "valid": valid,
        "language": language,
        "status": {**state, "since": state["since"].isoformat() if state["since"] else None},
        "checks": [step.to_dict() for step in shown],
        "html": html,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    return response


# -- machine endpoints ------------------------------------------------------------------------


def _not_found(detail: str) -> HttpResponse:
    return problem(404, _("Not found"), detail)


def _body(credential: Credential, fmt: str, award: Award) -> tuple[bytes, str] | HttpResponse:
    if fmt == "jwt":
        return jwt_of(credential).encode("ascii"), JWT_TYPE
    if fmt == "json":
        return formats.json_bytes(credential), "application/ld+json"
    source = formats.bake_source(award.version, fmt)
    if source is None:
        return _not_found(
            _("This badge has no %(format)s image to bake the credential into.") % {"format": fmt.upper()}
        )
    try:
        return formats.baked(credential, source), source.content_type
    except BakingError as error:
        return _not_found(_("The badge image cannot carry the credential: %(reason)s") % {"reason": error})


def _filename(award: Award, language: str, fmt: str) -> str:
    return f"{award.achievement.slug}-{award.public_id}-{language}.{fmt}"


@public_cors
@require_safe
def download(request: HttpRequest, public_id: str, fmt: str) -> HttpResponseBase:
    award = (
        Award.objects.select_related("org", "achievement", "version__image", "version__image_png")
        .filter(public_id=public_id)
        .first()
    )
    if award is None or fmt not in FORMATS:
        return _not_found(_("There is no credential at this address."))
    asked = request.GET.get("lang")
    language = credential_language(award, asked)
    made = _body(stored_credential(award, language), fmt, award)
    if isinstance(made, HttpResponse):
        return made
    body, content_type = made
    if fmt == "json" and "application/ld+json" not in request.headers.get("Accept", ""):
        # Browsers and most clients expect the plain JSON type; JSON-LD clients ask for theirs.
        content_type = "application/json"
    tag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    if tag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
        if request.method == "GET":
            record_event(Kind.DOWNLOAD, org=award.org, award=award, detail=fmt, request=request)
    response["ETag"] = tag
    response["Cache-Control"] = IMMUTABLE if asked == language else SHORT
    response["Content-Language"] = language
    response["Content-Disposition"] = f'attachment; filename="{_filename(award, language, fmt)}"'
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["X-Content-Type-Options"] = "nosniff"
    response["Vary"] = "Accept"
    if content_type == "image/svg+xml":
        response["Content-Security-Policy"] = SVG_CSP
    return response
