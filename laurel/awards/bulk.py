"""Awarding many badges in one transaction: a chunk of a CSV batch, an API request, a burst of rules.

One query or one multi-row insert per kind of row, however many awards (``core.inserts``,
not ``bulk_create``, whose per-value field calls cost more than the database's work): recipients
found or made, awards, their audit events, status slots and emails. Items the database now refuses (the
person already holds the badge, a student id that belongs to someone else) are left out
and reported, so the caller decides between awarding the rest and refusing everything.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction

from laurel.accounts.models import Identifier
from laurel.achievements.models import Achievement, AchievementVersion
from laurel.audit.actions import Entry, record_many
from laurel.awards import signals
from laurel.awards.checks import AwardInput, holder_message, student_id_clash
from laurel.awards.emails import queue_award_emails
from laurel.awards.models import Award, AwardBatch
from laurel.core.actor import Actor
from laurel.core.inserts import insert_objects
from laurel.credentials.actions import awards_created
from laurel.credentials.models import AwardStatus
from laurel.orgs.models import Organization, Recipient


@dataclass(frozen=True)
class Wanted:
    """One award to make. ``data`` holds canonical values (``checks.clean_award_input``)."""

    achievement: Achievement
    data: AwardInput
    allow_duplicate: bool = False
    line: int | None = None  # the CSV line, for a batch


@dataclass(frozen=True)
class Refusal:
    index: int  # into the wanted list
    field: str
    message: str


@dataclass
class Outcome:
    awards: list[Award] = field(default_factory=list)  # in the order of the wanted list
    refused: list[Refusal] = field(default_factory=list)
    slots: dict[int, AwardStatus] = field(default_factory=dict)  # by award pk


def fill_recipient(recipient: Recipient, *, name: str, student_id: str, language: str | None) -> set[str]:
    """Fill what the record lacks; never overwrite a name or student id already on file."""
    changed: set[str] = set()
    if name and not recipient.name:
        recipient.name = name
        changed.add("name")
    if student_id and not recipient.student_id:
        recipient.student_id = student_id
        changed.add("student_id")
    # The language is a delivery preference: the latest explicit choice wins.
    if language and recipient.language != language:
        recipient.language = language
        changed.add("language")
    return changed


def award_many(
    actor: Actor,
    org: Organization,
    wanted: Sequence[Wanted],
    *,
    source: str,
    batch: AwardBatch | None = None,
    version: AchievementVersion | None = None,
    sign_later: bool = True,
) -> Outcome:
    """Award every wanted item that the database allows, in one transaction, and email each person.

    ``version`` fixes the badge version (a batch's, chosen at confirm); otherwise each badge's
    current version is awarded. With ``sign_later`` the background signer is nudged after the
    commit, as for a single award; the batch pipeline signs its chunks itself.
    """
    outcome = Outcome()
    if not wanted:
        return outcome
    with transaction.atomic():
        # Locking the badges serializes these awards with single awards of the same badges
        # (no double award) and with in-place edits of their current versions.
        badges = {
            a.pk: a
            for a in Achievement.objects.select_for_update().filter(pk__in={w.achievement.pk for w in wanted})
        }
        versions = _versions(badges.values(), version)
        accepted = _accepted(org, wanted, outcome)
        recipients = _recipients(actor, org, [w.data for _index, w in accepted])
        awards = [
            _new_award(
                actor, org, badges[w.achievement.pk], versions[w.achievement.pk], recipients, w, source, batch
            )
            for _index, w in accepted
        ]
        insert_objects(awards, key="public_id")
        record_many(actor, org, (_award_event(award, source) for award in awards))
        slots = awards_created(awards, sign_later=sign_later)
        signals.awards_created.send(sender=Award, org=org, awards=awards)
        queue_award_emails(org, awards)
        outcome.awards = awards
        outcome.slots = {slot.award_id: slot for slot in slots}
    return outcome


def _versions(
    badges: Iterable[Achievement], version: AchievementVersion | None
) -> dict[int, AchievementVersion]:
    if version is not None:
        return {badge.pk: version for badge in badges}
    ids = {badge.current_version_id: badge.pk for badge in badges}
    return {ids[v.pk]: v for v in AchievementVersion.objects.filter(pk__in=ids)}


def _accepted(org: Organization, wanted: Sequence[Wanted], outcome: Outcome) -> list[tuple[int, Wanted]]:
    """The items the database allows, in order; the others go to ``outcome.refused``."""
    emails = {w.data.email for w in wanted}
    student_ids = {w.data.student_id for w in wanted} - {""}
    # The earliest award of each badge and person, as the single award's duplicate check finds.
    held = {
        (badge, email): issued_on
        for badge, email, issued_on in Award.objects.filter(
            org=org,
            achievement__in={w.achievement.pk for w in wanted},
            recipient__email__in=emails,
            revoked_at__isnull=True,
        )
        .order_by("-issued_on")
        .values_list("achievement_id", "recipient__email", "issued_on")
    }
    owners = dict(
        Recipient.objects.filter(org=org, student_id__in=student_ids).values_list("student_id", "email")
    )
    on_file = dict(Recipient.objects.filter(org=org, email__in=emails).values_list("email", "student_id"))
    accepted: list[tuple[int, Wanted]] = []
    for index, item in enumerate(wanted):
        data = item.data
        pair = (item.achievement.pk, data.email)
        if pair in held and not item.allow_duplicate:
            outcome.refused.append(Refusal(index, "email", holder_message(data.email, held[pair])))
            continue
        clash = student_id_clash(
            data.email,
            data.student_id,
            owner=owners.get(data.student_id, ""),
            on_file=on_file.get(data.email, ""),
        )
        if clash:
            outcome.refused.append(Refusal(index, "student_id", clash))
            continue
        accepted.append((index, item))
        # Later items see what this one will write, as they would one at a time.
        assert data.issued_on is not None
        held.setdefault(pair, data.issued_on)
        if data.student_id:
            owners.setdefault(data.student_id, data.email)
            if not on_file.get(data.email):
                on_file[data.email] = data.student_id
    return accepted


def _recipients(actor: Actor, org: Organization, people: Sequence[AwardInput]) -> dict[str, Recipient]:
    """The organization's recipients of these emails, made or completed as needed."""
    # FOR NO KEY UPDATE: only non-key columns change, and facts being inserted for these people
    # hold key-share locks on them (their foreign key) that a full FOR UPDATE would deadlock with.
    found = {
        r.email: r
        for r in Recipient.objects.select_for_update(no_key=True).filter(
            org=org, email__in={p.email for p in people}
        )
    }
    created: dict[str, Recipient] = {}
    changed: dict[str, set[str]] = {}
    for person in people:
        recipient = found.get(person.email)
        if recipient is None:
            language = person.language or org.default_language
            recipient = found[person.email] = created[person.email] = Recipient(
                org=org, email=person.email, language=language
            )
        fields = fill_recipient(
            recipient, name=person.name, student_id=person.student_id, language=person.language
        )
        changed.setdefault(person.email, set()).update(fields)
    # A verified email address links the recipient to its account; the oldest claim wins.
    users = dict(
        Identifier.objects.filter(
            kind=Identifier.Kind.EMAIL,
            value__in=[email for email, r in found.items() if r.user_id is None],
            verified_at__isnull=False,
        )
        .order_by("-pk")
        .values_list("value", "user_id")
    )
    for email, user_id in users.items():
        found[email].user_id = user_id
        changed[email].add("user")
    insert_objects(list(created.values()), key="email")
    updated = [found[email] for email, fields in changed.items() if fields and email not in created]
    if updated:
        Recipient.objects.bulk_update(updated, sorted(set().union(*(changed[r.email] for r in updated))))
    record_many(
        actor,
        org,
        (
            Entry(
                "recipients.create" if email in created else "recipients.update",
                found[email],
                summary=email,
                after={"fields": sorted(fields)},
            )
            for email, fields in changed.items()
            if email in created or fields
        ),
    )
    return found


def _new_award(
    actor: Actor,
    org: Organization,
    achievement: Achievement,
    version: AchievementVersion,
    recipients: dict[str, Recipient],
    item: Wanted,
    source: str,
    batch: AwardBatch | None,
) -> Award:
    data = item.data
    assert data.issued_on is not None  # clean_award_input callers default it to today
    return Award(
        org=org,
        achievement=achievement,
        version=version,
        recipient=recipients[data.email],
        issued_on=data.issued_on,
        expires_on=data.issued_on + timedelta(days=version.validity_days) if version.validity_days else None,
        evidence_url=data.evidence_url,
        evidence_narrative=data.evidence_narrative,
        source=source,
        batch=batch,
        batch_line=item.line if batch is not None else None,
        awarded_by=actor.user,
    )


def _award_event(award: Award, source: str) -> Entry:
    return Entry(
        "awards.create",
        award,
        summary=f"{award.version.name} → {award.recipient.email}",
        after={
            "achievement": str(award.achievement.public_id),
            "version": award.version.number,
            "recipient": str(award.recipient.public_id),
            "issued_on": award.issued_on.isoformat(),
            "expires_on": award.expires_on.isoformat() if award.expires_on else None,
            "source": source,
        },
    )
