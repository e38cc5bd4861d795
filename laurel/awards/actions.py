"""Awarding badges: one at a time, or a previewed CSV batch confirmed all at once."""

import datetime
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.accounts.models import Identifier
from laurel.achievements.models import Achievement, AchievementVersion
from laurel.audit.actions import record
from laurel.awards import pipeline
from laurel.awards import rows as batch_rows
from laurel.awards.bulk import fill_recipient
from laurel.awards.checks import (
    AwardInput,
    achievement_errors,
    clean_award_input,
    duplicate_message,
    student_id_conflict,
)
from laurel.awards.emails import queue_award_emails
from laurel.awards.models import Award, AwardBatch, local_today
from laurel.awards.signals import awards_created
from laurel.core.actor import Actor
from laurel.core.csvio import CsvError, read_csv, write_csv
from laurel.core.text import canonical_email, canonical_student_id
from laurel.credentials.actions import award_created
from laurel.orgs.models import Organization, Recipient


class DuplicateAward(ValidationError):
    """The recipient already holds this badge; `existing` is that award."""

    def __init__(self, existing: Award) -> None:
        self.existing = existing
        super().__init__({"email": [ValidationError(duplicate_message(existing), code="duplicate")]})


def get_or_create_recipient(
    actor: Actor,
    org: Organization,
    *,
    email: str,
    name: str = "",
    student_id: str = "",
    language: str | None = None,
) -> Recipient:
    """The organization's recipient with this email, created or completed as needed."""
    email = canonical_email(email)
    student_id = canonical_student_id(student_id)
    name = name.strip()
    _data, errors = clean_award_input(
        email=email, name=name, student_id=student_id, language=language, require_name=False
    )
    if errors:
        raise ValidationError(errors)
    conflict = student_id_conflict(org, email, student_id)
    if conflict:
        raise ValidationError({"student_id": [conflict]})
    with transaction.atomic():
        recipient = Recipient.objects.select_for_update().filter(org=org, email=email).first()
        if recipient is None:
            recipient = Recipient(org=org, email=email, language=language or org.default_language)
            created = True
        else:
            created = False
        changed = _complete(recipient, name=name, student_id=student_id, language=language)
        if created or changed:
            recipient.save()
            record(
                actor,
                org,
                "recipients.create" if created else "recipients.update",
                recipient,
                summary=email,
                after={"fields": sorted(changed)},
            )
    return recipient


def _complete(recipient: Recipient, *, name: str, student_id: str, language: str | None) -> set[str]:
    """Fill what the record lacks, and link the account that proved the email address."""
    changed = fill_recipient(recipient, name=name, student_id=student_id, language=language)
    if recipient.user_id is None:
        identifier = (
            Identifier.objects.filter(
                kind=Identifier.Kind.EMAIL, value=recipient.email, verified_at__isnull=False
            )
            .select_related("user")
            .first()
        )
        if identifier is not None:
            recipient.user = identifier.user
            changed.add("user")
    return changed


def award(
    actor: Actor,
    org: Organization,
    achievement: Achievement,
    *,
    email: str,
    name: str,
    student_id: str = "",
    evidence_url: str = "",
    evidence_narrative: str = "",
    issued_on: datetime.date | None = None,
    allow_duplicate: bool = False,
    language: str | None = None,
    source: str = Award.Source.MANUAL,
    batch: AwardBatch | None = None,
) -> Award:
    """Award the achievement's current version to one person, and email them.

    Raises ValidationError keyed by field, or DuplicateAward when the person
    already holds the badge and `allow_duplicate` is not set.
    """
    today = local_today()
    data, errors = clean_award_input(
        email=email,
        name=name,
        student_id=student_id,
        evidence_url=evidence_url,
        evidence_narrative=evidence_narrative,
        issued_on=issued_on or today,
        language=language,
        today=today,
    )
    problems = achievement_errors(org, achievement)
    if problems:
        errors["achievement"] = problems
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Locking the badge serializes awards of it with each other (no double award
        # from two clicks) and with in-place edits of its current version.
        achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
        if not allow_duplicate:
            existing = find_duplicate(org, achievement, data.email)
            if existing is not None:
                raise DuplicateAward(existing)
        recipient = get_or_create_recipient(
            actor, org, email=data.email, name=data.name, student_id=data.student_id, language=data.language
        )
        version = achievement.current_version
        assert version is not None  # achievement_errors refuses versionless achievements
        return _create_award(actor, org, achievement, version, recipient, data, source=source, batch=batch)


def _create_award(
    actor: Actor,
    org: Organization,
    achievement: Achievement,
    version: AchievementVersion,
    recipient: Recipient,
    data: AwardInput,
    *,
    source: str,
    batch: AwardBatch | None,
) -> Award:
    assert data.issued_on is not None  # award() defaults it to today
    expires_on = data.issued_on + timedelta(days=version.validity_days) if version.validity_days else None
    new = Award.objects.create(
        org=org,
        achievement=achievement,
        version=version,
        recipient=recipient,
        issued_on=data.issued_on,
        expires_on=expires_on,
        evidence_url=data.evidence_url,
        evidence_narrative=data.evidence_narrative,
        source=source,
        batch=batch,
        awarded_by=actor.user,
    )
    record(
        actor,
        org,
        "awards.create",
        new,
        summary=f"{version.name} → {recipient.email}",
        after={
            "achievement": str(achievement.public_id),
            "version": version.number,
            "recipient": str(recipient.public_id),
            "issued_on": new.issued_on.isoformat(),
            "expires_on": expires_on.isoformat() if expires_on else None,
            "source": source,
        },
    )
    # Takes the award's status slot now; signing follows in the background after commit.
    award_created(new)
    awards_created.send(sender=Award, org=org, awards=[new])
    queue_award_emails(org, [new])
    return new


def find_duplicate(org: Organization, achievement: Achievement, email: str) -> Award | None:
    return (
        Award.objects.filter(
            org=org, achievement=achievement, recipient__email=canonical_email(email), revoked_at__isnull=True
        )
        .order_by("issued_on")
        .first()
    )


def upload_batch(
    actor: Actor,
    org: Organization,
    achievement: Achievement,
    *,
    data: bytes,
    filename: str = "",
    allow_duplicates: bool = False,
) -> AwardBatch:
    """Read a CSV file into a batch in preview, every row checked; nothing is awarded yet."""
    problems = achievement_errors(org, achievement)
    if problems:
        raise ValidationError({"achievement": problems})
    try:
        table = read_csv(data, batch_rows.COLUMNS)
    except CsvError as error:
        raise ValidationError({"file": [str(error)]}) from None
    if not table.rows:
        raise ValidationError({"file": [_("The file has a header row but no recipients.")]})
    rows = [{"line": row.line, "values": row.values} for row in table.rows]
    with transaction.atomic():
        batch = AwardBatch.objects.create(
            org=org,
            achievement=achievement,
            filename=filename[:255],
            encoding=table.encoding,
            rows=batch_rows.validate(org, achievement, rows, allow_duplicates=allow_duplicates),
            warnings=table.warnings,
            allow_duplicates=allow_duplicates,
            created_by=actor.user,
        )
        record(
            actor,
            org,
            "awards.batch_upload",
            batch,
            summary=f"{filename} ({len(rows)})",
            after={"rows": len(rows), "errors": batch.error_count, "encoding": table.encoding},
        )
    return batch


def confirm_batch(actor: Actor, batch: AwardBatch) -> AwardBatch:
    """Confirm a previewed batch: every row will be awarded, or none is.

    Rows are checked again against the database as it is now. When any row fails, the
    batch keeps its preview status with the fresh errors and ValidationError is raised.
    Otherwise the batch is issuing: its rows are split into chunks that background tasks
    award and sign (``laurel.awards.pipeline``). Confirming again changes nothing.
    """
    with transaction.atomic():
        batch = AwardBatch.objects.select_for_update().select_related("org", "achievement").get(pk=batch.pk)
        if batch.status in (AwardBatch.Status.ISSUING, AwardBatch.Status.ISSUED, AwardBatch.Status.FAILED):
            return batch
        if batch.status == AwardBatch.Status.CANCELLED:
            raise ValidationError(_("This upload was cancelled; upload the file again."))
        org, achievement = batch.org, batch.achievement
        problems = achievement_errors(org, achievement)
        rows = batch_rows.validate(org, achievement, batch.rows, allow_duplicates=batch.allow_duplicates)
        failed = sum(1 for row in rows if row["errors"])
        if problems or failed:
            batch.rows = rows
            batch.save(update_fields=["rows"])
        else:
            batch.status = AwardBatch.Status.ISSUING
            batch.confirmed_at, batch.confirmed_by = timezone.now(), actor.user
            batch.version = achievement.current_version
            batch.save(update_fields=["status", "confirmed_at", "confirmed_by", "version"])
            chunks = pipeline.split(batch, rows)
            record(
                actor,
                org,
                "awards.batch_confirm",
                batch,
                summary=f"{len(rows)}",
                after={"rows": len(rows), "chunks": len(chunks)},
            )
            pipeline.start_after_commit(len(chunks))
            return batch
    # Raised after the commit above so the refreshed errors stay on the batch.
    if problems:
        raise ValidationError(problems)
    raise ValidationError(
        _("%(count)s rows have errors; nothing was awarded. Fix the file and upload it again.")
        % {"count": failed}
    )


@transaction.atomic
def cancel_batch(actor: Actor, batch: AwardBatch) -> AwardBatch:
    batch = AwardBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (AwardBatch.Status.PREVIEW, AwardBatch.Status.CANCELLED):
        raise ValidationError(_("This upload was already confirmed and cannot be cancelled."))
    if batch.status == AwardBatch.Status.PREVIEW:
        batch.status = AwardBatch.Status.CANCELLED
        batch.save(update_fields=["status"])
        record(actor, batch.org, "awards.batch_cancel", batch, summary=batch.filename)
    return batch


EXPORT_HEADER = (
    "issued_on",
    "expires_on",
    "status",
    "recipient_name",
    "recipient_email",
    "student_id",
    "badge",
    "source",
    "evidence_url",
    "public_url",
    "award_id",
)


@transaction.atomic
def export_awards(actor: Actor, org: Organization, awards: QuerySet[Award], *, query: str = "") -> bytes:
    """The awards as CSV; exports carry personal data, so each one is audited."""
    today = local_today()
    rows = [
        (
            a.issued_on.isoformat(),
            a.expires_on.isoformat() if a.expires_on else "",
            a.status_on(today),
            a.recipient.name,
            a.recipient.email,
            a.recipient.student_id,
            a.version.name,
            a.source,
            a.evidence_url,
            a.public_url,
            a.public_id,
        )
        for a in awards
    ]
    record(
        actor, org, "awards.export", summary=f"{len(rows)} rows", after={"rows": len(rows), "query": query}
    )
    return write_csv(EXPORT_HEADER, rows)
