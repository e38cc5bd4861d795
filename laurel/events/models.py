"""Anonymous, aggregated counts of what happens to public credentials.

One row per (organization, award, achievement, kind, detail, day) holding a counter:
no row is ever about a person. No address, user agent or cookie is stored, so the
table needs no consent banner and nothing in it can identify a visitor.
"""

from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from laurel.achievements.models import Achievement
from laurel.awards.models import Award
from laurel.orgs.models import Organization


class Kind(models.TextChoices):
    PAGE_VIEW = "page_view", _("Page view")
    VERIFICATION = "verification", _("Verification")
    QR_SCAN = "qr_scan", _("QR code scan")
    DOWNLOAD = "download", _("Download")
    SHARE_CLICK = "share_click", _("Share")


class DailyCount(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    achievement = models.ForeignKey(
        Achievement, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The verification result, the download format or the share channel; "" for the rest.
    detail = models.CharField(max_length=40, blank=True)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # NULLs never collide in a plain unique constraint (SQL treats them as distinct),
            # and NULLS NOT DISTINCT is PostgreSQL 15+ only: compare the keys through
            # COALESCE so a counter without an award is unique too, on SQLite and PostgreSQL.
            models.UniqueConstraint(
                "org",
                Coalesce("award", models.Value(0)),
                Coalesce("achievement", models.Value(0)),
                "kind",
                "detail",
                "day",
                name="events_dailycount_unique",
            ),
        ]
        indexes = [models.Index(fields=["org", "day"], name="events_org_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}:{self.detail} ×{self.count}"
