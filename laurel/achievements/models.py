import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.orgs.models import Organization, pick


class ImageAsset(models.Model):
    """Image bytes kept in the database, addressed by content hash.

    Keeping them in the database keeps web processes stateless and backups whole.
    """

    sha256 = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=40)  # image/png or image/svg+xml
    data = models.BinaryField()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


# Open Badges 3.0 AchievementType vocabulary; anything else is written as "ext:Name".
ACHIEVEMENT_TYPES = [
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
]


class Achievement(models.Model):
    """A badge definition. Its content lives in versions; awards point at one version."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="achievements")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=80)
    current_version = models.ForeignKey(
        "AchievementVersion", null=True, on_delete=models.PROTECT, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "slug"], name="achievement_slug_unique")]

    def __str__(self) -> str:
        return self.slug


class AchievementVersion(models.Model):
    """One immutable-once-awarded snapshot of a badge definition."""

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    criteria_ko = models.TextField(_("criteria (Korean, Markdown)"), blank=True)
    criteria_en = models.TextField(_("criteria (English, Markdown)"), blank=True)
    achievement_type = models.CharField(_("achievement type"), max_length=80, default="Badge")
    image = models.ForeignKey(ImageAsset, null=True, on_delete=models.PROTECT, related_name="+")
    # The rendered PNG of the image (designs and SVG uploads), for baking and sharing.
    image_png = models.ForeignKey(ImageAsset, null=True, on_delete=models.PROTECT, related_name="+")
    # Template parameters when the image was designed here; empty for uploads.
    design = models.JSONField(default=dict, blank=True)
    alt_text_ko = models.CharField(_("image description (Korean)"), max_length=300, blank=True)
    alt_text_en = models.CharField(_("image description (English)"), max_length=300, blank=True)
    tags = models.JSONField(default=list, blank=True)
    skills = models.JSONField(default=list, blank=True)
    # [{"targetName", "targetUrl", "targetFramework", "targetCode", "targetType", "targetDescription"}]
    alignments = models.JSONField(default=list, blank=True)
    validity_days = models.PositiveIntegerField(_("valid for (days)"), null=True, blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    evidence_description_ko = models.TextField(blank=True)
    evidence_description_en = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["achievement", "number"], name="achievement_version_unique"),
            models.CheckConstraint(
                condition=~models.Q(name_ko="", name_en=""), name="achievement_version_has_a_name"
            ),
        ]

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def description(self) -> str:
        return pick(self, "description")

    @property
    def criteria(self) -> str:
        return pick(self, "criteria")

    @property
    def alt_text(self) -> str:
        return pick(self, "alt_text")

    @property
    def languages(self) -> list[str]:
        return [code for code in ("ko", "en") if getattr(self, f"name_{code}")]
