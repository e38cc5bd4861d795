from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.achievements.models import Achievement
from laurel.core.ids import new_public_id
from laurel.orgs.models import Organization, Recipient

# Facts carry values such as 87.5 of 100 or a scaled score of 0.875; six places keep
# xAPI's scaled scores exact, fourteen integer digits are more than any gradebook needs.
VALUE_DIGITS = 20
VALUE_PLACES = 6


class Source(models.Model):
    """Where activity comes from: one LMS, class tool or CSV drop, with its own credentials.

    xAPI sources sign in with HTTP Basic (``key`` is the username, the password is kept as a
    hash); Caliper sources send a Bearer token (``key`` is its clear prefix, the token is kept
    as a hash); webhook sources share a secret that must stay readable to compute HMACs, so it
    is stored encrypted with the KEK. LTI and CSV sources hold no credential here.
    """

    class Kind(models.TextChoices):
        XAPI = "xapi", _("xAPI")
        CALIPER = "caliper", _("Caliper")
        WEBHOOK = "webhook", _("Signed webhook")
        LTI = "lti", _("LTI 1.3")
        CSV = "csv", _("CSV import")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="sources")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    secret_hash = models.CharField(max_length=128, blank=True)
    secret_encrypted = models.BinaryField(null=True, blank=True)
    # Which KEK sealed secret_encrypted (see laurel.credentials.kek).
    secret_kek_id = models.CharField(max_length=20, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["org", "kind"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class SourceIdentity(models.Model):
    """How a source names a person, linked to a recipient once known."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        MBOX_SHA1 = "mbox_sha1", _("Email SHA-1")
        ACCOUNT = "account", _("Account")
        LTI = "lti", _("LTI user")
        STUDENT_ID = "student_id", _("Student id")
        OPENID = "openid", _("OpenID")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Normalized (see laurel.ingest.identities): emails canonical, account "homePage|name",
    # lti "issuer|sub", mbox_sha1 lower-case hex.
    value = models.CharField(max_length=500)
    name = models.CharField(max_length=200, blank=True)  # the display name last seen
    # None while nobody knows who this is: the identity and its facts are "parked".
    recipient = models.ForeignKey(
        Recipient, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_identities"
    )
    created_at = models.DateTimeField(default=timezone.now)
    linked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "kind", "value"], name="source_identity_unique"),
        ]
        indexes = [
            models.Index(
                fields=["org", "created_at"], condition=Q(recipient=None), name="source_identity_parked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class ImportBatch(models.Model):
    """A CSV file read into a preview, then confirmed into facts, and possibly rolled back."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        CONFIRMED = "confirmed", _("Imported")
        ROLLED_BACK = "rolled_back", _("Rolled back")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="import_batches")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    format = models.CharField(max_length=30)
    filename = models.CharField(max_length=255, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    # Options the user chose: {"course": "...", "occurred_at": "...", "park_unknown": false}.
    options = models.JSONField(default=dict, blank=True)
    # [{"line": 2, "facts": [FactInput as JSON], "errors": [message], "unknown": bool}].
    rows = models.JSONField(default=list)
    warnings = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREVIEW)
    # RecordResult counts once confirmed: {"created": .., "unchanged": .., "updated": .., "parked": ..}.
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    rolled_back_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["source", "-created_at"])]

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.get("errors"))

    @property
    def fact_count(self) -> int:
        return sum(len(row.get("facts", [])) for row in self.rows if not row.get("errors"))


class Fact(models.Model):
    """One normalized piece of learning activity, unique per (organization, source, event key)."""

    class Type(models.TextChoices):
        ATTENDANCE = "attendance", _("Attendance")
        SUBMISSION = "submission", _("Submission")
        GRADE = "grade", _("Grade")
        COMPLETION = "completion", _("Completion")
        QUIZ = "quiz", _("Quiz")
        MISSION = "mission", _("Mission")
        BADGE = "badge", _("Badge")
        APPROVAL = "approval", _("Approval")

    # The unique constraint and the indexes below lead with these, so no separate indexes.
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="facts", db_index=False)
    event_key = models.CharField(max_length=255)
    identity = models.ForeignKey(SourceIdentity, on_delete=models.CASCADE, related_name="facts")
    # None while the identity is parked.
    recipient = models.ForeignKey(
        Recipient, null=True, blank=True, on_delete=models.SET_NULL, related_name="facts", db_index=False
    )
    type = models.CharField(max_length=20, choices=Type.choices)
    object_id = models.CharField(max_length=500)
    object_name = models.CharField(max_length=500, blank=True)
    course = models.CharField(max_length=500, blank=True)
    value = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True)
    max_value = models.DecimalField(
        max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    status = models.CharField(max_length=40, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    voided_at = models.DateTimeField(null=True, blank=True)
    # sha256 of the normalized fact: the same key with the same hash is a re-delivery.
    content_hash = models.CharField(max_length=64)
    # The CSV import that last wrote this fact, so rolling the import back voids exactly it.
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="facts", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "source", "event_key"], name="fact_event_unique"),
        ]
        indexes = [
            # "The latest fact per (type, course, object)" of one learner, and facts of a recipient.
            models.Index(fields=["recipient", "type", "-occurred_at"], name="fact_recipient_latest"),
            # A source's recent facts, newest first.
            models.Index(fields=["source", "-id"], name="fact_source_recent"),
            models.Index(
                fields=["import_batch"], condition=Q(import_batch__isnull=False), name="fact_import_batch"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.object_id} ({self.event_key})"


class PendingEvaluation(models.Model):
    """A (learner, badge) pair whose criteria must be evaluated again; drained by the criteria engine.

    Unique per pair, so a burst of facts for one learner and badge leaves one row to evaluate.
    """

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="+", db_index=False)
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "achievement"], name="pending_evaluation_unique"),
        ]
        indexes = [models.Index(fields=["created_at", "id"], name="pending_evaluation_order")]
