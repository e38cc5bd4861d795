import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.core.text import canonical_email


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        user = self.model(email=canonical_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email=canonical_email(username or ""))


class User(AbstractBaseUser, PermissionsMixin):
    """Staff, mentors and learners alike; what a person may do comes from memberships."""

    LANGUAGES = [("ko", "한국어"), ("en", "English")]

    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="ko")
    email_verified_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Identifier(models.Model):
    """An identity a learner has proven: an email address or a student id.

    Student ids mean something only inside one organization, so they carry it.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        STUDENT_ID = "student_id", _("Student id")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(max_length=254)
    org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.CASCADE)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # A verified identifier belongs to one person only.
            models.UniqueConstraint(
                fields=["kind", "value"],
                condition=models.Q(verified_at__isnull=False, org__isnull=True),
                name="identifier_verified_global_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "value", "org"],
                condition=models.Q(verified_at__isnull=False, org__isnull=False),
                name="identifier_verified_org_unique",
            ),
        ]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for one organization, stored only as a hash."""

    PREFIX = "lrl_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    # The first characters are kept in clear so people can tell tokens apart.
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def generate() -> str:
        return ApiToken.PREFIX + secrets.token_urlsafe(32)
