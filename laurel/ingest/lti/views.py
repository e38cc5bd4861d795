"""The LTI 1.3 tool endpoints: OIDC login initiation, launch (and deep linking), JWKS."""

import base64
import hashlib
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.contrib.django.request import DjangoRequest
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException

from laurel.awards.models import Award
from laurel.ingest.lti import claims, keys, setup, storage
from laurel.ingest.lti.actions import Launch, record_launch
from laurel.ingest.lti.config import DatabaseStorage, ToolConf, purge_expired
from laurel.ingest.lti.models import Platform
from laurel.ingest.lti.setup import tool_url
from laurel.ingest.lti.tasks import request_sync
from laurel.ingest.lti.transport import PlatformFetchError, http_session
from laurel.ingest.models import Source
from laurel.ingest.sources import touch

# The deep linking response posts itself to the platform; the CSP allows exactly this script.
AUTO_SUBMIT = "document.getElementById('deep-link-response').submit();"
_AUTO_SUBMIT_HASH = base64.b64encode(hashlib.sha256(AUTO_SUBMIT.encode()).digest()).decode()


def _source(public_id: str) -> Source | None:
    return (
        Source.objects.select_related("org")
        .filter(public_id=public_id, kind=Source.Kind.LTI, is_active=True)
        .first()
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def _framed_by(response: HttpResponse, platform: Platform, form_target: str = "") -> HttpResponse:
    """Let the platform show this page in its iframe, and nobody else."""
    known = {_origin(platform.issuer), _origin(platform.auth_login_url), *platform.frame_origins}
    ancestors = " ".join(sorted(filter(None, known)))
    form_action = " ".join(filter(None, ["'self'", _origin(form_target)]))
    script = f"'sha256-{_AUTO_SUBMIT_HASH}'" if form_target else "'self'"
    ancestors = ancestors or "'none'"
    response["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        f"script-src {script}; object-src 'none'; base-uri 'none'; "
        f"frame-ancestors {ancestors}; form-action {form_action}"
    )
    return response


def _error(request: HttpRequest, status: int, message: str, platform: Platform | None = None) -> HttpResponse:
    page = render(request, "ingest/lti/error.html", {"message": message}, status=status)
    # Shown inside the platform's iframe, where it is known: a refusal people can read there.
    return _framed_by(page, platform) if platform is not None else page


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest, public_id: str) -> HttpResponse:
    """Third-party initiated login (LTI Core §5.1.1): redirect to the platform's authorization endpoint.

    When the platform offers a storage frame (``lti_storage_target``), a small page first keeps
    state and nonce there, for browsers that refuse the state cookie in the platform's iframe.
    """
    source = _source(public_id)
    if source is None:
        return _error(request, 404, _("There is no active LTI source at this address."))
    conf = ToolConf(source)
    if conf.platform is None:
        return _error(request, 404, _("This LTI source has no platform registered yet."))
    purge_expired()  # one indexed delete per login keeps the table at a few hours of logins
    oidc = DjangoOIDCLogin(request, conf, launch_data_storage=DatabaseStorage())
    target = storage.storage_target(request)
    try:
        # The redirect URI is always our own launch URL, never the target_link_uri sent to us.
        redirect = oidc.redirect(tool_url(source, "launch"))
    except (OIDCException, LtiException) as error:
        return _error(
            request, 400, _("The login request was refused: %(reason)s") % {"reason": error}, conf.platform
        )
    if not target:
        return redirect
    auth_url = redirect["Location"]
    state, nonce = storage.auth_params(auth_url)
    storage.remember_login(state, nonce, target)
    config = {
        "mode": "put",
        "target": target,
        "platform_origin": _origin(conf.platform.auth_login_url),
        "state": state,
        "nonce": nonce,
        "auth_url": auth_url,
    }
    page = render(request, "ingest/lti/storage_login.html", {"config": config})
    page.cookies = redirect.cookies  # the state cookie too: where the browser keeps it, it is enough
    return _framed_by(page, conf.platform)


@csrf_exempt
@xframe_options_exempt
@require_POST
def launch(request: HttpRequest, public_id: str) -> HttpResponse:
    """The id_token posted by the platform: validated, recorded, then the page or the deep link answer."""
    source = _source(public_id)
    if source is None:
        return _error(request, 404, _("There is no active LTI source at this address."))
    conf = ToolConf(source)
    if conf.platform is None:
        return _error(request, 404, _("This LTI source has no platform registered yet."))
    state = request.POST.get("state", "")
    vouched = None
    if not storage.has_state_cookie(request, state) and (remembered := storage.login_of(state)):
        if not request.POST.get(storage.CHECKED_FIELD):
            return _storage_check(request, conf.platform, source, state, remembered)
        if not storage.from_own_page(request):
            return _error(
                request,
                400,
                _("The launch was refused: it did not come from this tool's own page."),
                conf.platform,
            )
        if not storage.take_login(state):
            return _error(
                request, 400, _("The launch was refused: this sign-in was already used."), conf.platform
            )
        vouched = storage.VouchedState(DjangoRequest(request, post_only=True), state)
    message = DjangoMessageLaunch(
        request,
        conf,
        cookie_service=vouched,
        launch_data_storage=DatabaseStorage(),
        requests_session=http_session(),
    )
    try:
        data = message.get_launch_data()
    except LtiException as error:
        if isinstance(error.__cause__, PlatformFetchError):
            # The keyset URL was refused (a private or link-local address) or did not answer.
            reason = {"url": conf.platform.jwks_url, "reason": error.__cause__}
            message_text = _(
                "The launch could not be checked: the LMS's public keyset at %(url)s "
                "could not be fetched (%(reason)s)."
            )
            return _error(request, 502, message_text % reason, conf.platform)
        return _error(
            request, 400, _("The launch was refused: %(reason)s") % {"reason": error}, conf.platform
        )
    touch(source)
    result = record_launch(conf.platform, data, timezone.now())
    if message.is_deep_link_launch():
        return _deep_link_response(request, message, conf.platform, source, data)
    staff = claims.is_staff(result.roles)
    if staff and result.context is not None:
        request_sync(result.context)
    return _framed_by(render(request, "ingest/lti/launch.html", _page(result, staff)), conf.platform)


def _storage_check(
    request: HttpRequest, platform: Platform, source: Source, state: str, remembered: dict[str, str]
) -> HttpResponse:
    """A launch without its state cookie, from a login that kept state and nonce in the platform's
    frame: a page that reads them back there and, when they match, posts the launch again."""
    id_token = request.POST.get("id_token", "")
    nonce = storage.unverified_nonce(id_token)
    if not nonce or nonce != remembered.get("nonce"):
        return _error(
            request,
            400,
            _("The launch was refused: it does not answer the sign-in this tool started."),
            platform,
        )
    config = {
        "mode": "get",
        "target": remembered.get("target", "_parent"),
        "platform_origin": _origin(platform.auth_login_url),
        "state": state,
        "nonce": nonce,
    }
    context = {"config": config, "id_token": id_token, "launch_url": tool_url(source, "launch")}
    return _framed_by(render(request, "ingest/lti/storage_check.html", context), platform)


def _page(result: Launch, staff: bool) -> dict[str, Any]:
    identity = result.identity
    recipient = identity.recipient if identity is not None else None
    awards = (
        list(
            Award.objects.filter(recipient=recipient, revoked_at=None)
            .select_related("version")
            .order_by("-created_at")[:50]
        )
        if recipient is not None
        else []
    )
    return {
        "identity": identity,
        "recipient": recipient,
        "awards": awards,
        "context": result.context,
        "staff": staff,
    }


def _deep_link_response(
    request: HttpRequest,
    message: DjangoMessageLaunch,
    platform: Platform,
    source: Source,
    data: dict[str, Any],
) -> HttpResponse:
    """Answer a deep linking request with one LtiResourceLink: the "Laurel badges" page of the course."""
    settings = claims.deep_linking(data)
    return_url = settings.get("deep_link_return_url")
    if not isinstance(return_url, str) or not _origin(return_url):
        return _error(request, 400, _("The deep linking request has no return URL."), platform)
    if "ltiResourceLink" not in (settings.get("accept_types") or []):
        return _error(request, 400, _("The platform does not accept LTI resource links here."), platform)
    resource = DeepLinkResource().set_title(_("Laurel badges")).set_url(tool_url(source, "launch"))
    token = message.get_deep_link().get_response_jwt([resource])
    page = render(
        request,
        "ingest/lti/deep_link.html",
        {"return_url": return_url, "jwt": token, "script": AUTO_SUBMIT, "title": resource.get_title()},
    )
    return _framed_by(page, platform, form_target=return_url)


@require_GET
def jwks(request: HttpRequest, public_id: str) -> HttpResponse:
    source = Source.objects.filter(public_id=public_id, kind=Source.Kind.LTI).first()
    if source is None:
        return JsonResponse({"keys": []}, status=404)
    response = JsonResponse(keys.jwks(source))
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def canvas_configuration(request: HttpRequest, public_id: str) -> HttpResponse:
    """The developer key JSON for Canvas's "Enter URL" method; tool URLs are not secrets."""
    source = _source(public_id)
    if source is None:
        return JsonResponse({"error": "no active LTI source at this address"}, status=404)
    return JsonResponse(setup.canvas_configuration(source), json_dumps_params={"ensure_ascii": False})
