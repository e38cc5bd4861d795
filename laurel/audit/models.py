from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

VIA_LABELS = {"web": _("web"), "api": _("API"), "cli": _("command line"), "worker": _("worker")}


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditEvent(models.Model):
    """Who did what, when and from where. Rows are only ever added."""

    # Organizations are never deleted in this product; if someone tries, the
    # history must make it fail loudly rather than vanish with it.
    org = models.ForeignKey(
        "orgs.Organization", null=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    # Not SET_NULL: that is an UPDATE, which the database trigger refuses. The id
    # may outlive its account, so there is no foreign-key constraint, and pages
    # show actor_label (the email at the time) instead of following this link.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)  # kept when the account goes
    via = models.CharField(max_length=20, default="web")  # web, api, cli, worker
    action = models.CharField(max_length=60)  # e.g. "achievement.update"
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["org", "-created_at"])]

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")

    @property
    def via_label(self) -> str:
        return str(VIA_LABELS.get(self.via, self.via))
