"""A pathway: badges in ordered levels (groups) leading to a milestone badge.

Each group is met by holding all of its badges, or ``n`` of them. Completing every group
earns the milestone, which the criteria engine awards through a rule the pathway writes
when it is published (see ``laurel.pathways.actions.publish``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.achievements.models import Achievement
from laurel.orgs.models import Organization, pick


class Pathway(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="pathways")
    slug = models.SlugField(max_length=80)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    milestone = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="milestone_of")
    published = models.BooleanField(default=False)
    # Primary keys of the milestone rules this pathway wrote: any other rule on the
    # milestone belongs to someone else, and publishing must not replace it.
    made_rules = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "slug"], name="pathway_slug_unique")]

    def __str__(self) -> str:
        return self.slug

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def description(self) -> str:
        return pick(self, "description")


class PathwayGroup(models.Model):
    """One level: ``n`` of its badges (all of them when ``n`` is null)."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveIntegerField()
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    n = models.PositiveIntegerField(null=True, blank=True)
    badges = models.ManyToManyField(Achievement, related_name="+")
    # Earlier groups a learner should complete before this one (for "what comes next").
    requires = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="+")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "position"], name="pathway_group_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pathway.slug} level {self.position}"

    @property
    def name(self) -> str:
        return pick(self, "name")
