from django.db import models
from django.db.models import Q

from laurel.ingest.models import Source
from laurel.orgs.models import Organization


class Statement(models.Model):
    """One xAPI statement as the LRS stored it: immutable, unique per organization and id."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="statements", db_index=False)
    statement_id = models.UUIDField()
    # The statement exactly as GET returns it (id, stored, authority, timestamp and version
    # filled in, contextActivities as lists), kept as text so it is served byte for byte.
    # A statement sent again under a stored id is compared with this body
    # (laurel.ingest.xapi.canonical.comparison_hash): the same is accepted, another is a conflict.
    body = models.TextField()
    stored = models.DateTimeField()
    # For a voiding statement, the id of the statement it voids.
    voids = models.UUIDField(null=True, blank=True)
    voided = models.BooleanField(default=False)
    # The facts this statement made (none for verbs that mean nothing to badges).
    fact_ids = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "statement_id"], name="xapi_statement_unique"),
        ]
        indexes = [
            # Voiding statements by target, for a voided statement that arrives after its voider.
            models.Index(
                fields=["org", "voids"], condition=Q(voids__isnull=False), name="xapi_statement_voids"
            ),
            models.Index(fields=["source", "-stored"], name="xapi_statement_source_recent"),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)
