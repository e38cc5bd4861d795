"""Evaluating many (learner, badge) pairs together: the drain's usual path.

The outcome for every pair is the one ``actions.evaluate_pair`` gives, with a bounded number
of queries per batch instead of a dozen per pair: the learners' states are created and
locked together (in one order, as the pair-by-pair path takes them), their facts and badges
read in one query each, evaluated with the same pure ``evaluate``, the met ones awarded
through ``awards.bulk.award_many`` (status slots in one allocation, signing batched in the
background, the ``awards_created`` signal queueing the badges that require them) and the
states written in one bulk update, all in the drain's transaction: a worker killed at any
point leaves either all of it or none, with its pairs back in the queue.
"""

import datetime
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Q

from laurel.achievements.models import Achievement
from laurel.audit.models import AuditEvent
from laurel.awards.actions import find_duplicate
from laurel.awards.bulk import Wanted, award_many
from laurel.awards.checks import achievement_errors, clean_award_input
from laurel.awards.models import Award, local_today
from laurel.ingest.models import Fact
from laurel.orgs.models import Organization, Recipient
from laurel.rules import explain
from laurel.rules.actions import AWARD_SOURCE, ENGINE, accepted_evidence, remember
from laurel.rules.definition import Criteria
from laurel.rules.evaluate import Decision, FactView, evaluate
from laurel.rules.finder import reads
from laurel.rules.models import AwardState, Rule
from laurel.rules.queries import FACT_FIELDS, criteria_of, reading
from laurel.rules.signals import approval_awaited, progress_changed

log = logging.getLogger(__name__)
State = AwardState.State
Pair = tuple[int, int]  # (recipient id, achievement id), as the queue names them
# A batch that fails this many times on a database conflict (a deadlock with another worker,
# say) is evaluated pair by pair instead.
ATTEMPTS = 3
STATE_FIELDS = [
    "state",
    "rule",
    "met",
    "progress",
    "fact_ids",
    "evaluated_at",
    "award",
    "issued_rule",
    "issued_fact_ids",
    "issued_at",
    "issue_error",
    "flagged_at",
    "flag_reason",
    "revoked_at",
    "updated_at",
]


def enabled() -> bool:
    return bool(getattr(settings, "RULES_BATCH_EVALUATION", True))


@dataclass
class _Met:
    """A pair whose rule is met and whose steps are done: to be awarded."""

    state: AwardState
    rule: Rule
    decision: Decision


def evaluate_together(pairs: Iterable[Pair], now: datetime.datetime) -> bool:
    """Evaluate the pairs in one savepoint; False, with nothing written, when that failed.

    A conflict with another worker is tried again; any other failure is logged and left to
    the caller, who evaluates the pairs one by one so that one bad pair cannot hold up the rest.
    """
    pairs = sorted(set(pairs), key=lambda pair: (pair[1], pair[0]))
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                evaluate_many(pairs, now)
            return True
        except OperationalError:
            log.warning("evaluating %s pairs together conflicted (attempt %s)", len(pairs), attempt)
        except Exception:
            log.exception("evaluating %s pairs together failed; evaluating them one by one", len(pairs))
            return False
    return False


def evaluate_many(pairs: Sequence[Pair], now: datetime.datetime) -> list[AwardState]:
    """Evaluate each pair against its badge's live rule and move its state; the states moved.

    Call inside a transaction. Pairs of badges without a live rule are left alone, as
    ``evaluate_pair`` leaves them. Awards made here are not seen by the other pairs of the
    same batch: the badges requiring them are queued again by the award itself.
    """
    rules = {
        rule.achievement_id: rule
        for rule in Rule.objects.filter(achievement_id__in={a for _r, a in pairs}, state=Rule.State.LIVE)
    }
    pairs = [pair for pair in pairs if pair[1] in rules]
    if not pairs:
        return []
    achievements = Achievement.objects.select_related("org").in_bulk({a for _r, a in pairs})
    states = _locked_states(pairs, achievements)
    revoked = _revoked(states.values())
    criteria = {a: criteria_of(rule) for a, rule in rules.items()}
    recipients = sorted({r for r, _a in pairs})
    facts = _facts(recipients, criteria.values())
    needs_badges = any(c.badges() for c in criteria.values())
    held = _held(recipients) if needs_badges else {}
    moved: list[AwardState] = []
    met: list[_Met] = []
    flagged: list[tuple[AwardState, Decision]] = []
    keep = {a: _reader(reads(c)) for a, c in criteria.items()}
    before: dict[int, tuple[str, bool, object]] = {}
    for recipient_id, achievement_id in pairs:
        state = states[(recipient_id, achievement_id)]
        if state.state == State.REVOKED:
            continue
        if state.award_id in revoked:
            state.state, state.revoked_at, state.updated_at = State.REVOKED, revoked[state.award_id], now
            moved.append(state)
            continue
        rule, rules_criteria = rules[achievement_id], criteria[achievement_id]
        badges = dict(held.get(recipient_id, {}))
        badges.pop(str(achievements[achievement_id].public_id), None)  # never counts towards itself
        readable = [f for f in facts.get(recipient_id, ()) if keep[achievement_id](f)]
        decision = evaluate(rules_criteria, readable, badges, now)
        before[id(state)] = (state.state, state.met, state.progress)
        remember(state, rule, decision, now)
        if state.state == State.ISSUED:
            if not decision.met and state.flagged_at is None:
                flagged.append((state, decision))
        elif decision.met:
            _advance(state, rules_criteria, rule, decision, met)
        else:
            state.state = State.IN_PROGRESS
        moved.append(state)
    events = _flag(flagged, now)
    events += _issue(met, achievements, now)
    AuditEvent.objects.bulk_create(events)
    _write(moved)
    # What evaluate_pair announces, once the states are written (hooks' progress.changed).
    changed = [s for s in moved if id(s) in before and (s.state, s.met, s.progress) != before[id(s)]]
    if changed:
        progress_changed.send(sender=AwardState, states=changed)
    return moved


def _write(states: Sequence[AwardState]) -> None:
    """Save the moved states: on PostgreSQL one ``UPDATE … FROM unnest(…)`` per 2,000 rows.

    Django's ``bulk_update`` builds a CASE per field and row, which costs far more than the
    evaluation itself, and a statement with a placeholder per value is parsed anew by the
    driver on every call; here each column goes as one array, cast to its type.
    """
    if connection.vendor != "postgresql":
        AwardState.objects.bulk_update(states, STATE_FIELDS, batch_size=200)
        return
    fields = [AwardState._meta.get_field(name) for name in STATE_FIELDS]
    quote = connection.ops.quote_name
    pk = AwardState._meta.pk
    assert pk is not None
    columns = [quote(pk.column), *(quote(f.column) for f in fields)]
    sets = ", ".join(f"{c} = v.{c}" for c in columns[1:])
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in [pk, *fields])
    table = quote(AwardState._meta.db_table)
    # Only quoted names and column types go into the text.
    sql = (
        f"UPDATE {table} AS s SET {sets} FROM unnest({arrays}) AS v({', '.join(columns)}) "  # noqa: S608
        f"WHERE s.{columns[0]} = v.{columns[0]}"
    )
    prepare = [_column_value(f) for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(states), 2000):
            part = states[start : start + 2000]
            params = [[state.pk for state in part]]
            params += [
                [to_db(getattr(state, f.attname)) for state in part]
                for f, to_db in zip(fields, prepare, strict=True)
            ]
            cursor.execute(sql, params)


def _column_value(field: object) -> Callable[[object], object]:
    """How one value of the field goes into its array: JSON as text, cast to jsonb by the statement."""
    from django.db.models import JSONField

    if isinstance(field, JSONField):
        encoder = field.encoder
        return lambda value: None if value is None else json.dumps(value, cls=encoder)
    return lambda value: value


# --- reading -------------------------------------------------------------------------------------


def _locked_states(pairs: Sequence[Pair], achievements: Mapping[int, Achievement]) -> dict[Pair, AwardState]:
    """Each pair's latest cycle, locked in (badge, learner, cycle) order; cycle 0 made when new."""
    found = _lock(pairs)
    missing = [pair for pair in pairs if pair not in found]
    if missing:
        # Another worker making the same state first is no error: its row is locked below.
        AwardState.objects.bulk_create(
            [AwardState(org_id=achievements[a].org_id, recipient_id=r, achievement_id=a) for r, a in missing],
            ignore_conflicts=True,
        )
        found.update(_lock(missing))
    return found


def _lock(pairs: Sequence[Pair]) -> dict[Pair, AwardState]:
    if connection.vendor == "postgresql":
        rows: Iterable[AwardState] = _lock_postgresql(pairs)
    else:
        by_badge: dict[int, list[int]] = defaultdict(list)
        for recipient_id, achievement_id in pairs:
            by_badge[achievement_id].append(recipient_id)
        wanted = Q()
        for achievement_id, recipient_ids in by_badge.items():
            wanted |= Q(achievement_id=achievement_id, recipient_id__in=recipient_ids)
        rows = (
            AwardState.objects.select_for_update()
            .filter(wanted)
            .order_by("achievement_id", "recipient_id", "cycle")
        )
    # Ascending cycles: the latest one stays.
    return {(row.recipient_id, row.achievement_id): row for row in rows}


def _lock_postgresql(pairs: Sequence[Pair]) -> Iterable[AwardState]:
    """The same rows, locked in the same order, with the pairs as two arrays: one short
    statement the driver parses once, where the ORM's OR of IN lists is parsed every time."""
    table = connection.ops.quote_name(AwardState._meta.db_table)
    # Only the table's quoted name goes into the text.
    sql = (
        f"SELECT s.* FROM {table} AS s JOIN unnest(%s::bigint[], %s::bigint[]) AS v(r, a) "  # noqa: S608
        "ON s.recipient_id = v.r AND s.achievement_id = v.a "
        "ORDER BY s.achievement_id, s.recipient_id, s.cycle FOR UPDATE OF s"
    )
    return AwardState.objects.raw(sql, [[r for r, _a in pairs], [a for _r, a in pairs]])


def _revoked(states: Iterable[AwardState]) -> dict[int, datetime.datetime]:
    """When each revoked award of these states was revoked, by award id."""
    ids = [s.award_id for s in states if s.award_id is not None and s.state != State.REVOKED]
    if not ids:
        return {}
    return dict(Award.objects.filter(pk__in=ids, revoked_at__isnull=False).values_list("pk", "revoked_at"))


def _facts(recipients: Sequence[int], criteria: Iterable[Criteria]) -> dict[int, list[FactView]]:
    """Each learner's non-voided facts that any of the rules reads, in one query."""
    triples = sorted({tuple(t) for c in criteria for t in reads(c)})
    found: dict[int, list[FactView]] = defaultdict(list)
    if not triples:
        return found
    if connection.vendor == "postgresql":
        rows: Iterable[Sequence[object]] = _fact_rows_postgresql(recipients, triples)
    else:
        rows = Fact.objects.filter(reading(triples), recipient_id__in=recipients, voided_at=None).values_list(
            "recipient_id", *FACT_FIELDS
        )
    for recipient_id, *fields in rows:
        found[recipient_id].append(FactView(*fields))  # type: ignore[arg-type]
    return found


def _fact_rows_postgresql(recipients: Sequence[int], triples: Sequence[Sequence[str]]) -> list[tuple]:  # type: ignore[type-arg]
    """What ``queries.reading`` selects, with the learners and triples as arrays: a short
    statement the driver parses once, where an IN list and an OR of triples are parsed on
    every call."""
    quote = connection.ops.quote_name
    table = quote(Fact._meta.db_table)
    names = ", ".join(f"f.{quote(Fact._meta.get_field(name).column)}" for name in ("recipient", *FACT_FIELDS))
    # Only quoted names go into the text.
    sql = (
        f"SELECT {names} FROM {table} AS f WHERE f.recipient_id = ANY(%s::bigint[]) "  # noqa: S608
        "AND f.voided_at IS NULL AND f.type = ANY(%s::text[]) AND EXISTS (SELECT 1 FROM "
        "unnest(%s::text[], %s::text[], %s::text[]) AS t(k, c, i) WHERE f.type = t.k "
        "AND (t.c = '' OR f.course = t.c) AND (t.i = '' OR f.object_id = t.i))"
    )
    params = [
        list(recipients),
        sorted({t[0] for t in triples}),
        [t[0] for t in triples],
        [t[1] for t in triples],
        [t[2] for t in triples],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _reader(triples: Sequence[Sequence[str]]) -> Callable[[FactView], bool]:
    """Whether a fact is one the rule reads: the same test as ``queries.reading``, in Python."""
    by_type: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for kind, course, item in triples:
        by_type[kind].append((course, item))

    def keep(fact: FactView) -> bool:
        return any(
            (not course or fact.course == course) and (not item or fact.object_id == item)
            for course, item in by_type.get(fact.type, ())
        )

    return keep


def _held(recipients: Sequence[int]) -> dict[int, dict[str, datetime.datetime]]:
    """``queries.held_badges`` for many learners in one query."""
    today = local_today()
    awards = (
        Award.objects.filter(recipient_id__in=recipients, revoked_at=None)
        .filter(Q(expires_on=None) | Q(expires_on__gte=today))
        .values_list("recipient_id", "achievement__public_id", "created_at")
    )
    held: dict[int, dict[str, datetime.datetime]] = defaultdict(dict)
    for recipient_id, public_id, created_at in awards:
        theirs, key = held[recipient_id], str(public_id)
        if key not in theirs or created_at < theirs[key]:
            theirs[key] = created_at
    return held


# --- moving states -------------------------------------------------------------------------------


def _advance(state: AwardState, criteria: Criteria, rule: Rule, decision: Decision, met: list[_Met]) -> None:
    # The same steps as actions._advance, which the evidence review relies on.
    if state.rejected_at is not None:
        return  # a reviewer closed this cycle (laurel.rules.evidence_actions)
    if criteria.evidence_required and state.evidence_accepted_at is None:
        state.state = State.AWAITING_EVIDENCE
    elif criteria.mentor_approval and state.approved_at is None:
        if state.state != State.AWAITING_APPROVAL:
            approval_awaited.send(sender=AwardState, state=state)
        state.state = State.AWAITING_APPROVAL
    else:
        met.append(_Met(state, rule, decision))


def _flag(flagged: Sequence[tuple[AwardState, Decision]], now: datetime.datetime) -> list[AuditEvent]:
    """Issued awards whose rule no longer holds: flagged for review, never revoked."""
    if not flagged:
        return []
    awards = dict(
        Award.objects.filter(pk__in=[s.award_id for s, _d in flagged]).values_list("pk", "public_id")
    )
    events = []
    for state, decision in flagged:
        state.flagged_at = now
        state.flag_reason = explain.summary(decision.progress)
        after = {"award": awards.get(state.award_id), "facts": state.fact_ids}
        events.append(_event(state, "rules.regression", state.flag_reason, after))
    return events


def _issue(
    met: Sequence[_Met], achievements: Mapping[int, Achievement], now: datetime.datetime
) -> list[AuditEvent]:
    """Award the met pairs, one ``award_many`` per organization; their "rules.issue" events."""
    if not met:
        return []
    recipients = Recipient.objects.in_bulk({m.state.recipient_id for m in met})
    by_org: dict[int, list[_Met]] = defaultdict(list)
    for item in met:
        by_org[achievements[item.state.achievement_id].org_id].append(item)
    events: list[AuditEvent] = []
    for items in by_org.values():
        org = achievements[items[0].state.achievement_id].org
        events += _issue_in(org, items, achievements, recipients, now)
    return events


def _issue_in(
    org: Organization,
    met: Sequence[_Met],
    achievements: Mapping[int, Achievement],
    recipients: Mapping[int, Recipient],
    now: datetime.datetime,
) -> list[AuditEvent]:
    today = local_today()
    wanted: list[Wanted] = []
    awardable: list[_Met] = []
    for item in met:
        achievement = achievements[item.state.achievement_id]
        recipient = recipients[item.state.recipient_id]
        evidence = accepted_evidence(item.state)
        # What ``awards.actions.award`` checks before it awards one.
        data, errors = clean_award_input(
            email=recipient.email,
            name=recipient.name or recipient.email,
            student_id=recipient.student_id,
            evidence_url=evidence.address if evidence else "",
            evidence_narrative=evidence.narrative if evidence else "",
            issued_on=today,
            language=recipient.language,
            today=today,
        )
        problems = achievement_errors(org, achievement)
        if problems:
            errors["achievement"] = problems
        if errors:
            _not_awarded(item, " ".join(m for messages in errors.values() for m in messages))
            continue
        wanted.append(Wanted(achievement=achievement, data=data))
        awardable.append(item)
    outcome = award_many(ENGINE, org, wanted, source=AWARD_SOURCE)
    refused = {refusal.index: refusal for refusal in outcome.refused}
    made = iter(outcome.awards)
    events: list[AuditEvent] = []
    for index, item in enumerate(awardable):
        refusal = refused.get(index)
        if refusal is None:
            award = next(made)
        elif refusal.field == "email":
            # Awarded by hand before the rule was met: that is the award.
            award = find_duplicate(org, achievements[item.state.achievement_id], wanted[index].data.email)
            if award is None:
                raise RuntimeError(f"award {index} was refused as held, but no award is held")
        else:
            _not_awarded(item, refusal.message)
            continue
        events.append(_issued(item, award, achievements, recipients, now))
    return events


def _not_awarded(item: _Met, message: str) -> None:
    state = item.state
    state.issue_error = message
    state.state = State.IN_PROGRESS
    log.warning("rule %s met by recipient %s but not awarded: %s", item.rule.pk, state.recipient_id, message)


def _issued(
    item: _Met,
    award: Award,
    achievements: Mapping[int, Achievement],
    recipients: Mapping[int, Recipient],
    now: datetime.datetime,
) -> AuditEvent:
    state, rule = item.state, item.rule
    state.state = State.ISSUED
    state.award = award
    state.issued_rule = rule
    state.issued_fact_ids = list(item.decision.fact_ids)
    state.issued_at = now
    state.issue_error = ""
    summary = f"{achievements[state.achievement_id].slug} → {recipients[state.recipient_id].email}"
    after = {"award": award.public_id, "rule": rule.number, "facts": state.issued_fact_ids}
    return _event(state, "rules.issue", summary, after)


def _event(state: AwardState, action: str, summary: str, after: object) -> AuditEvent:
    """The event ``audit.actions.record`` writes for the engine, unsaved, for one bulk insert."""
    return AuditEvent(
        org_id=state.org_id,
        actor=ENGINE.user,
        actor_label=ENGINE.label,
        via=ENGINE.via,
        action=action,
        object_type=AwardState._meta.model_name or "",
        object_id=state.public_id,
        summary=summary[:300],
        after=after,
        ip=ENGINE.ip,
        user_agent=ENGINE.user_agent,
    )
