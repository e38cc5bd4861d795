"""pylti1p3 wired to our models: one registration per LTI source, state in the database.

The library looks registrations up by issuer and client id; a source has its own login and
launch URLs, so only that source's platform can ever be found, and a launch meant for one
organization cannot land in another.
"""

import re
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector, TServiceConnectorResponse
from pylti1p3.tool_config import ToolConfAbstract

from laurel.ingest.lti import keys
from laurel.ingest.lti.models import Deployment, LaunchValue, Platform
from laurel.ingest.lti.transport import http_session
from laurel.ingest.models import Source

_NEXT_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?next"?', re.IGNORECASE)


def registration(platform: Platform) -> Registration:
    """The library's view of a platform, with the tool's current key to sign with."""
    reg = Registration()
    reg.set_issuer(platform.issuer)
    reg.set_client_id(platform.client_id)
    reg.set_auth_login_url(platform.auth_login_url)
    reg.set_auth_token_url(platform.auth_token_url)
    reg.set_key_set_url(platform.jwks_url)
    if platform.auth_audience:
        reg.set_auth_audience(platform.auth_audience)
    key = keys.current(platform.source)
    if key is not None:
        # A key object rather than PEM text: the JWT library would parse the text on every signature.
        reg.set_tool_private_key(keys.private_key(key))  # type: ignore[arg-type]
        reg.set_tool_public_key(keys.public_pem(key))
    return reg


class ToolConf(ToolConfAbstract):  # type: ignore[type-arg]
    def __init__(self, source: Source) -> None:
        super().__init__()
        self.source = source
        self.platform = Platform.objects.filter(source=source).select_related("source").first()
        # An instance attribute: the library's default is a dict shared by every instance.
        self.issuers_relation_types = {}
        self._registration: Registration | None = None
        if self.platform is not None:
            self.set_iss_has_many_clients(self.platform.issuer)

    def _platform_registration(self) -> Registration:
        # The library asks several times per request; the private key is decrypted once.
        assert self.platform is not None
        if self._registration is None:
            self._registration = registration(self.platform)
        return self._registration

    def _matches(self, iss: str, client_id: str | None) -> bool:
        platform = self.platform
        return platform is not None and platform.issuer == iss and client_id in (None, "", platform.client_id)

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration | None:
        return self._platform_registration() if self.platform and self._matches(iss, None) else None

    def find_registration_by_params(
        self, iss: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Registration | None:
        return self._platform_registration() if self.platform and self._matches(iss, client_id) else None

    def find_deployment(self, iss: str, deployment_id: str) -> LtiDeployment | None:
        return self.find_deployment_by_params(iss, deployment_id, "")

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> LtiDeployment | None:
        if not self._matches(iss, client_id) or not deployment_id:
            return None
        if not Deployment.objects.filter(platform=self.platform, deployment_id=deployment_id).exists():
            return None
        return LtiDeployment().set_deployment_id(deployment_id)


class DatabaseStorage(LaunchDataStorage[Any]):
    """Nonces and launch data in LaunchValue rows, readable by every worker process.

    A nonce is consumed by the check that accepts it, so an id_token replayed within its
    lifetime is refused.
    """

    LIFETIME = timedelta(hours=2)

    def get_session_cookie_name(self) -> str | None:
        # Values are keyed by unguessable nonces and launch ids; the state itself is bound to
        # the browser by the library's own state cookie.
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        row = LaunchValue.objects.filter(
            key=self._prepare_key(key)[:255], expires_at__gt=timezone.now()
        ).first()
        return None if row is None else row.value

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        expires_at = timezone.now() + (timedelta(seconds=exp) if exp else self.LIFETIME)
        key = self._prepare_key(key)[:255]
        try:
            with transaction.atomic():
                LaunchValue.objects.update_or_create(
                    key=key, defaults={"value": value, "expires_at": expires_at}
                )
        except IntegrityError:  # written by a concurrent request; the same key means the same value
            pass

    def check_value(self, key: str) -> bool:
        key = self._prepare_key(key)[:255]
        live = LaunchValue.objects.filter(key=key, expires_at__gt=timezone.now())
        if "-nonce-" in key:
            return live.delete()[0] > 0  # one use only: the claim and the check are one statement
        return live.exists()


def purge_expired() -> int:
    return LaunchValue.objects.filter(expires_at__lte=timezone.now()).delete()[0]


class Connector(ServiceConnector):
    """The library's service client, with our timeouts and a case-preserving "next page" link."""

    def __init__(self, platform: Platform) -> None:
        super().__init__(registration(platform), http_session())

    def make_service_request(self, *args: Any, **kwargs: Any) -> TServiceConnectorResponse:
        response = super().make_service_request(*args, **kwargs)
        # The library lower-cases the whole Link header, which breaks page tokens such as Canvas's.
        link = next((v for k, v in response["headers"].items() if k.lower() == "link"), "")
        match = _NEXT_LINK.search(link.replace("\n", " "))
        response["next_page_url"] = match.group(1) if match else None
        return response
