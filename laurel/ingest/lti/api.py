"""An LTI source's registration in the JSON API: the tool's configuration, and the platform."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema
from pydantic import Field

from laurel.api.auth import org_access
from laurel.api.errors import django_errors, not_found, validation_problem
from laurel.api.schemas import In, Problem
from laurel.ingest.lti import setup
from laurel.ingest.lti.actions import register_platform, remove_platform
from laurel.ingest.lti.models import Platform
from laurel.ingest.models import Source
from laurel.orgs.models import Organization

router = Router(tags=["sources"])
VIEW = "award"
MANAGE = "manage_org"


class PlatformIn(In):
    issuer: str = Field(max_length=255, description="The platform's issuer (an https URL)")
    client_id: str = Field(max_length=255)
    deployment_ids: list[str] = Field(min_length=1, max_length=100)
    auth_login_url: str = Field(max_length=500, description="The OIDC authorization endpoint")
    auth_token_url: str = Field(max_length=500, description="The OAuth2 access token URL")
    jwks_url: str = Field(max_length=500, description="The platform's public keyset")
    auth_audience: str = Field("", max_length=500, description="Only when it is not the token URL")
    frame_origins: list[str] = Field(
        [], max_length=20, description="Origins of the LMS's pages, when not the issuer's (Canvas cloud)"
    )


class PlatformOut(Schema):
    issuer: str
    client_id: str
    deployment_ids: list[str]
    auth_login_url: str
    auth_token_url: str
    jwks_url: str
    auth_audience: str
    frame_origins: list[str]
    service_error: str = Field(description="The last failed roster sync or grade write-back, or empty")
    service_error_at: datetime | None


class ToolOut(Schema):
    login_url: str
    launch_url: str
    redirect_urls: list[str]
    deep_linking_url: str
    jwks_url: str
    canvas_configuration_url: str
    platform: PlatformOut | None = Field(description="null until a platform is registered")


def _lti_source(org: Organization, public_id: str) -> Source:
    source = Source.objects.select_related("org").filter(org=org, public_id=public_id, kind="lti").first()
    if source is None:
        raise not_found()
    return source


def _platform_out(platform: Platform | None) -> PlatformOut | None:
    if platform is None:
        return None
    return PlatformOut(
        issuer=platform.issuer,
        client_id=platform.client_id,
        deployment_ids=sorted(platform.deployments.values_list("deployment_id", flat=True)),
        auth_login_url=platform.auth_login_url,
        auth_token_url=platform.auth_token_url,
        jwks_url=platform.jwks_url,
        auth_audience=platform.auth_audience,
        frame_origins=platform.frame_origins,
        service_error=platform.service_error,
        service_error_at=platform.service_error_at,
    )


def _tool_out(source: Source) -> ToolOut:
    urls = setup.describe(source)
    return ToolOut(
        login_url=urls["login_url"],
        launch_url=urls["launch_url"],
        redirect_urls=[urls["redirect_url"]],
        deep_linking_url=urls["deep_linking_url"],
        jwks_url=urls["jwks_url"],
        canvas_configuration_url=urls["canvas_configuration_url"],
        platform=_platform_out(Platform.objects.filter(source=source).first()),
    )


@router.get(
    "/orgs/{slug}/sources/{public_id}/lti",
    response={200: ToolOut, 404: Problem},
    summary="An LTI source's tool URLs for the LMS, and the platform registered with it",
)
def lti_setup(request: HttpRequest, slug: str, public_id: str) -> ToolOut:
    return _tool_out(_lti_source(org_access(request, slug, VIEW).org, public_id))


@router.put(
    "/orgs/{slug}/sources/{public_id}/lti/platform",
    response={200: ToolOut, 201: ToolOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Register the LMS an LTI source is installed in, or replace its registration",
)
def put_platform(request: HttpRequest, slug: str, public_id: str, payload: PlatformIn) -> JsonResponse:
    access = org_access(request, slug, MANAGE)
    source = _lti_source(access.org, public_id)
    existed = Platform.objects.filter(source=source).exists()
    try:
        register_platform(access.actor, source, **payload.model_dump())
    except ValidationError as error:
        raise validation_problem(django_errors(error, {})) from None
    body = _tool_out(source).model_dump(mode="json")
    return JsonResponse(body, status=200 if existed else 201, json_dumps_params={"ensure_ascii": False})


@router.delete(
    "/orgs/{slug}/sources/{public_id}/lti/platform",
    response={204: None, 403: Problem, 404: Problem},
    summary="Remove the registration: the platform's launches are refused from now on",
)
def delete_platform(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    access = org_access(request, slug, MANAGE)
    if not remove_platform(access.actor, _lti_source(access.org, public_id)):
        raise not_found()
    return HttpResponse(status=204)
