"""Building the demo institution through the same actions the web pages use.

Going through the actions (not raw rows) means the demo also has the audit
log, the outbox emails and the validation a real institution would have.
"""

from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from laurel.accounts.actions import verify_email
from laurel.accounts.models import User
from laurel.accounts.two_factor import otpauth_uri, secret_base32
from laurel.achievements.actions import create_achievement
from laurel.achievements.forms import validate_achievement
from laurel.achievements.models import Achievement
from laurel.audit.actions import record
from laurel.awards.actions import award, get_or_create_recipient
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.demo import activity, people
from laurel.demo.badges import BADGES
from laurel.ingest.facts import FactInput, Identity, record_facts
from laurel.ingest.sources import create_source
from laurel.orgs.actions import create_org
from laurel.orgs.models import Membership, Organization
from laurel.rules import tasks as rules_tasks
from laurel.rules.actions import save_rule

CLI = Actor(user=None, via="cli")


class DemoProblem(Exception):
    """The demo data no longer passes the app's own checks."""


@dataclass(frozen=True)
class Login:
    email: str
    role: str
    name: str


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    logins: list[Login]
    totp_uri: str
    totp_secret: str
    award_path: str


def seed() -> DemoSummary:
    """Create the demo institution once; later calls only describe it."""
    with transaction.atomic():
        created = not Organization.objects.filter(slug=people.ORG_SLUG).exists()
        if created:
            _build()
    if created:
        # The automatic badge's learners, evaluated now rather than when a worker first runs,
        # so a seeded database shows the same awards and progress with or without one.
        rules_tasks.work()
    return describe(created)


def _build() -> None:
    staff = {member.email: _account(member.email, member.name, "ko") for member in people.STAFF}
    # create_org finds the owner's account made above and makes them its owner.
    org, _owner = create_org(
        CLI, slug=people.ORG_SLUG, owner_email=people.OWNER_EMAIL, default_language="ko", **people.ORG
    )
    for member in people.STAFF:
        if member.email != people.OWNER_EMAIL:
            _add_member(org, staff[member.email], member.role)
    # Owners must pass a second factor; a fixed key lets a person add it to an app once.
    owner = staff[people.OWNER_EMAIL]
    TOTPDevice.objects.create(
        user=owner, name="demo authenticator", key=people.OWNER_TOTP_KEY, confirmed=True
    )
    record(CLI, None, "two_factor.enable", owner, object_id=str(owner.pk))
    issuer = Actor(user=staff[people.ISSUER_EMAIL], via="cli")
    achievements = {key: _achievement(issuer, org, key) for key in BADGES}
    learners = {learner.number: learner for learner in people.LEARNERS}
    for learner in people.LEARNERS:
        get_or_create_recipient(
            issuer,
            org,
            email=learner.email,
            name=learner.name,
            student_id=learner.student_id,
            language=learner.language,
        )
    for planned in people.AWARDS:
        learner = learners[planned.learner]
        award(
            issuer,
            org,
            achievements[planned.badge],
            email=learner.email,
            name=learner.name,
            student_id=learner.student_id,
            evidence_url=planned.evidence_url,
            evidence_narrative=planned.evidence_narrative,
            issued_on=planned.issued_on,
            language=learner.language,
            source=Award.Source.DEMO,
        )
    _course_activity(issuer, org, achievements["python"], learners)
    # Made after the recipients: proving the address is what links a learner to their awards.
    for learner in people.LEARNERS:
        if learner.has_account:
            _account(learner.email, learner.name, learner.language)


def _course_activity(
    actor: Actor, org: Organization, badge: Achievement, learners: dict[int, people.Learner]
) -> None:
    """The LMS's records of the Python course, then the badge's rule that reads them, made live."""
    source, _secrets = create_source(actor, org, "xapi", activity.SOURCE_NAME)
    facts = [
        FactInput(
            event_key=event.key,
            type=event.type,
            actor=Identity("email", learners[record.learner].email),
            object_id=event.object_id,
            occurred_at=event.occurred_at,
            course=activity.COURSE,
            value=event.value,
            max_value=None if event.value is None else activity.HUNDRED,
            status=event.status,
        )
        for record in activity.RECORDS
        for event in activity.events(record)
    ]
    record_facts(source, facts)
    save_rule(actor, badge, activity.RULE, live=True)


def _account(email: str, name: str, language: str) -> User:
    if User.objects.filter(email=email).exists():
        raise DemoProblem(
            f"an account {email} exists without the demo organization; start from an empty LAUREL_DATA_DIR"
        )
    user = User.objects.create_user(email, people.PASSWORD, name=name, language=language)
    verify_email(CLI, user, email)
    return user


def _add_member(org: Organization, user: User, role: str) -> Membership:
    membership = Membership.objects.create(org=org, user=user, role=role)
    record(CLI, org, "member.add", membership, summary=user.email, after={"email": user.email, "role": role})
    return membership


def _achievement(actor: Actor, org: Organization, key: str) -> Achievement:
    data = validate_achievement(BADGES[key], org=org)
    if data.warnings:
        raise DemoProblem(f"badge {key!r}: {' '.join(data.warnings)}")
    return create_achievement(actor, org, data)


def describe(created: bool) -> DemoSummary:
    # Read back from the database, so a second run lists only what is really there.
    roles = {m.user.email: str(m.role) for m in _memberships()}
    logins = [Login(m.email, roles[m.email], m.name) for m in people.STAFF if m.email in roles]
    accounts = set(
        User.objects.filter(email__in=[x.email for x in people.LEARNERS]).values_list("email", flat=True)
    )
    logins += [Login(x.email, "learner", x.name) for x in people.LEARNERS if x.email in accounts]
    device = TOTPDevice.objects.filter(user__email=people.OWNER_EMAIL, confirmed=True).first()
    first = (
        Award.objects.filter(org__slug=people.ORG_SLUG).order_by("issued_on", "pk").only("public_id").first()
    )
    return DemoSummary(
        created=created,
        logins=logins,
        totp_uri=otpauth_uri(device) if device else "",
        totp_secret=secret_base32(device) if device else "",
        award_path=f"/a/{first.public_id}/" if first else "",
    )


def _memberships() -> list[Membership]:
    return list(Membership.objects.filter(org__slug=people.ORG_SLUG).select_related("user"))
