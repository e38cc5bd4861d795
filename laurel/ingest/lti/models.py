from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.achievements.models import Achievement
from laurel.ingest.models import Source, SourceIdentity


class Platform(models.Model):
    """An LMS (Canvas, Moodle, Blackboard, …) registered with one LTI source of an organization."""

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="lti_platform")
    issuer = models.CharField(_("issuer"), max_length=255)
    client_id = models.CharField(_("client id"), max_length=255)
    auth_login_url = models.URLField(_("authentication request URL"), max_length=500)
    auth_token_url = models.URLField(_("access token URL"), max_length=500)
    # Some platforms (Blackboard, D2L) want another audience in the client assertion than the token URL.
    auth_audience = models.CharField(_("access token audience"), max_length=500, blank=True)
    jwks_url = models.URLField(_("public keyset URL"), max_length=500)
    # Where the LMS's own pages are, when not at the issuer's or the login URL's origin (Canvas
    # cloud: https://school.instructure.com): the tool's pages may be framed there.
    frame_origins = models.JSONField(_("frame origins"), default=list, blank=True)
    # The last roster sync or grade write-back that failed (refused address, HTTP error, timeout),
    # cleared by the next one that succeeds; shown on the source page and in the API.
    service_error = models.TextField(blank=True)
    service_error_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_issuer_client"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} ({self.client_id})"


class Deployment(models.Model):
    """A deployment id the platform launches with; launches from any other are refused."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "deployment_id"], name="lti_deployment_unique"),
        ]


class ToolKey(models.Model):
    """The tool's RSA key pair for one source: the private half only as a KEK ciphertext."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="lti_keys")
    kid = models.CharField(max_length=64, unique=True)  # RFC 7638 thumbprint of the public key
    public_jwk = models.JSONField()
    kek_id = models.CharField(max_length=20)
    private_key_encrypted = models.BinaryField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["source", "-created_at"])]


class Context(models.Model):
    """A course (LTI context) seen in a launch, with the service URLs its launches carried."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(max_length=255)
    deployment_id = models.CharField(max_length=255)
    title = models.CharField(max_length=500, blank=True)
    memberships_url = models.URLField(max_length=1000, blank=True)  # NRPS
    lineitems_url = models.URLField(max_length=1000, blank=True)  # AGS
    ags_scopes = models.JSONField(default=list, blank=True)
    roster_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "context_id"], name="lti_context_unique"),
        ]


class Member(models.Model):
    """Someone in a context, from a launch or a roster sync, with their LTI roles there."""

    context = models.ForeignKey(Context, on_delete=models.CASCADE, related_name="members")
    identity = models.ForeignKey(SourceIdentity, on_delete=models.CASCADE, related_name="lti_memberships")
    roles = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["context", "identity"], name="lti_member_unique"),
        ]


class LineItem(models.Model):
    """The platform's gradebook column for "badge earned" of one achievement in one context."""

    context = models.ForeignKey(Context, on_delete=models.CASCADE, related_name="line_items")
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["context", "achievement"], name="lti_line_item_unique"),
        ]


class LaunchValue(models.Model):
    """Short-lived OIDC state: nonces, launch data; kept in the database so any worker can read it."""

    key = models.CharField(max_length=255, unique=True)
    value = models.JSONField()
    expires_at = models.DateTimeField(db_index=True)
