import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from laurel.core.ids import new_public_id

LANGUAGES = [("ko", "한국어"), ("en", "English")]


def pick(obj: object, field: str, lang: str | None = None) -> str:
    """The field in the wanted language, falling back to the other one."""
    lang = (lang or get_language() or "ko")[:2]
    order = [lang, "en" if lang == "ko" else "ko"]
    for code in order:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""


class Organization(models.Model):
    """A tenant, and the Open Badges issuer Profile it presents."""

    slug = models.SlugField(max_length=60, unique=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    url = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    logo = models.ForeignKey(
        "achievements.ImageAsset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    default_language = models.CharField(_("default language"), max_length=2, choices=LANGUAGES, default="ko")
    # Where this issuer's public pages live; empty means the site's own URL.
    public_base_url = models.URLField(_("public base URL"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name_ko="", name_en=""), name="organization_has_a_name"
            )
        ]

    def __str__(self) -> str:
        return self.slug

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def description(self) -> str:
        return pick(self, "description")

    @property
    def base_url(self) -> str:
        return (self.public_base_url or settings.SITE_URL).rstrip("/")


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ISSUER = "issuer", _("Issuer")
    MENTOR = "mentor", _("Mentor")
    VIEWER = "viewer", _("Viewer")


# What each role may do; access helpers ask for a capability, never a role name.
CAPABILITIES: dict[str, set[str]] = {
    Role.OWNER: {"view", "award", "define", "review", "manage_members", "manage_org"},
    Role.ISSUER: {"view", "award", "define", "review"},
    Role.MENTOR: {"view", "review"},
    Role.VIEWER: {"view"},
}


class Membership(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "user"], name="membership_unique")]

    def can(self, capability: str) -> bool:
        return capability in CAPABILITIES[self.role]


class Invitation(models.Model):
    """An owner's invitation to join; the emailed token is kept only as its sha256."""

    LIFETIME = timedelta(days=7)

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def is_open(self) -> bool:
        """Neither accepted nor revoked; it may still have expired."""
        return self.accepted_at is None and self.revoked_at is None

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())


class Recipient(models.Model):
    """A person as the institution knows them; linked to a learner account once proven."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="recipients")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField()  # canonical form
    name = models.CharField(max_length=200, blank=True)
    student_id = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=2, choices=LANGUAGES, default="ko")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="recipients"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "email"], name="recipient_email_unique"),
            models.UniqueConstraint(
                fields=["org", "student_id"],
                condition=~models.Q(student_id=""),
                name="recipient_student_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email
