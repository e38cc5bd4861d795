from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.achievements.models import Achievement, AchievementVersion
from laurel.awards.models import Award
from laurel.core.ids import new_public_id
from laurel.orgs.models import Organization, Recipient


class Rule(models.Model):
    """One revision of a badge's criteria, as data (``laurel.rules.definition``).

    Rows are never edited: a change is a new revision, so an award's provenance names the
    exact criteria it was issued under. A revision is written against the badge version that
    is current when it is saved, starts as a draft (for a dry run), and goes live; the live
    revision, one per badge at most, is what the engine evaluates. A badge edit that creates
    a new version keeps the live rule until another revision replaces it.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LIVE = "live", _("Live")
        RETIRED = "retired", _("Retired")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="rules")
    version = models.ForeignKey(AchievementVersion, on_delete=models.PROTECT, related_name="rules")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    # [[fact type, course, object], ...] the rule reads, "" for any: which facts queue a
    # learner's pair (see laurel.rules.finder); derived from the definition when saved.
    reads = models.JSONField(default=list)
    # Public ids of the badges its "badges" clauses require, for cycles and dependents.
    requires = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    live_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["achievement", "number"], name="rule_number_unique"),
            models.UniqueConstraint(fields=["achievement"], condition=Q(state="live"), name="rule_one_live"),
        ]
        indexes = [models.Index(fields=["org", "state"], name="rule_org_state")]

    def __str__(self) -> str:
        return f"{self.achievement.slug} rule {self.number}"


class AwardState(models.Model):
    """Where one learner stands with one badge, for one cycle (0 for the first award).

    in progress → awaiting evidence → awaiting approval → issued → revoked. The unique
    (achievement, recipient, cycle) key, locked while the engine moves a state and created
    in the same transaction as the award, is what makes a second award of a cycle impossible.
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        AWAITING_EVIDENCE = "awaiting_evidence", _("Awaiting evidence")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="award_states")
    cycle = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    # The latest evaluation: which rule, its outcome, per-clause progress and the facts it used.
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField(default=False)
    progress = models.JSONField(default=dict, blank=True)
    fact_ids = models.JSONField(default=list, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    # Provenance of the award, kept as it was when issued whatever later evaluations find.
    award = models.OneToOneField(
        Award, null=True, blank=True, on_delete=models.PROTECT, related_name="rule_state"
    )
    issued_rule = models.ForeignKey(
        Rule, null=True, blank=True, on_delete=models.PROTECT, related_name="issued_states"
    )
    issued_fact_ids = models.JSONField(default=list, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    # Set when the engine met the rule but could not award (an archived badge, say).
    issue_error = models.TextField(blank=True)
    # The evidence and mentor steps record their outcome here.
    evidence_accepted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A reviewer closed this cycle: evidence or approval refused, with the reason shown.
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejection_reason = models.TextField(blank=True)
    # A regression: the rule of an issued award is no longer met. Staff review it; nothing
    # is revoked on its own.
    flagged_at = models.DateTimeField(null=True, blank=True)
    flag_reason = models.TextField(blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "recipient", "cycle"], name="award_state_cycle_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "achievement", "-cycle"], name="award_state_latest"),
            models.Index(
                fields=["org", "flagged_at"],
                condition=Q(flagged_at__isnull=False),
                name="award_state_flagged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.achievement_id}/{self.recipient_id}#{self.cycle} {self.state}"


class DrainWatch(models.Model):
    """One row: a drain task is queued to run after ``until``.

    Each drain makes sure a later one is queued before it starts, so the pairs of a
    worker killed mid-drain (rolled back into the queue) are drained again without
    waiting for new activity.
    """

    until = models.DateTimeField(null=True, blank=True)


class EvidenceSubmission(models.Model):
    """What a learner handed in for one award state, and the reviewer's answer to it.

    Rows are never deleted: together they are the state's history. At most one waits for
    review at a time; a returned one stays as it was and the learner submits a new one.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")
        REJECTED = "rejected", _("Rejected")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    state = models.ForeignKey(AwardState, on_delete=models.CASCADE, related_name="submissions")
    url = models.URLField(max_length=1000, blank=True)
    narrative = models.TextField(blank=True)
    # An attached file, described here; its bytes live in EvidenceFile.
    file_name = models.CharField(max_length=255, blank=True)
    file_type = models.CharField(max_length=40, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The reviewer's words to the learner: why it was returned or rejected, or a note.
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["state"], condition=Q(status="pending"), name="evidence_one_pending"
            ),
        ]
        indexes = [models.Index(fields=["org", "status", "submitted_at"], name="evidence_queue")]

    def __str__(self) -> str:
        return f"{self.state_id} {self.status}"

    @property
    def address(self) -> str:
        """Where an award's evidence points: the learner's link, or else their attached file."""
        if self.url:
            return self.url
        if self.file_size:
            return f"{self.org.base_url}/e/{self.public_id}/"
        return ""


class EvidenceFile(models.Model):
    """The bytes of a file a learner attached, in the database like badge images.

    Apart from the submission so that listing submissions never reads the files.
    """

    submission = models.OneToOneField(EvidenceSubmission, on_delete=models.CASCADE, related_name="file")
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
