"""Writes about people: sign-up, passwords, profiles, identifiers and their proofs."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from laurel.accounts import verification
from laurel.accounts.links import password_set_url
from laurel.accounts.models import Identifier, User
from laurel.audit.actions import record
from laurel.core.actor import Actor
from laurel.core.text import canonical_email, canonical_student_id
from laurel.orgs.models import Organization, Recipient
from laurel.outbox.actions import enqueue_email

EMAIL = Identifier.Kind.EMAIL
STUDENT_ID = Identifier.Kind.STUDENT_ID


class IdentifierTaken(Exception):
    """Another account has already proven this identifier."""


class AlreadyYours(Exception):
    """The account has already proven this identifier."""


def _verified_elsewhere(user: User, kind: str, value: str, org: Organization | None) -> bool:
    return (
        Identifier.objects.filter(kind=kind, value=value, org=org, verified_at__isnull=False)
        .exclude(user=user)
        .exists()
    )


def email_taken(email: str) -> bool:
    """True when an account uses the address or has proven it."""
    email = canonical_email(email)
    return (
        User.objects.filter(email=email).exists()
        or Identifier.objects.filter(kind=EMAIL, value=email, org=None, verified_at__isnull=False).exists()
    )


@transaction.atomic
def send_email_verification(user: User, email: str) -> None:
    enqueue_email(
        to=email,
        template="accounts/email/verify_email",
        context={"user": user, "email": email, "link": verification.email_link(user, email)},
        language=user.language,
    )


@transaction.atomic
def sign_up(actor: Actor, *, email: str, name: str, password: str, language: str) -> User | None:
    """Create a learner account and mail a verification link; None when the address is taken.

    A taken address gets a note pointing to sign-in and reset instead, so the page
    shown after sign-up never tells a stranger whether an account exists.
    """
    email = canonical_email(email)
    existing = User.objects.filter(email=email).first()
    if existing is not None or email_taken(email):
        enqueue_email(
            to=email,
            template="accounts/email/signup_exists",
            context={"email": email, "site_url": settings.SITE_URL},
            language=existing.language if existing else language,
        )
        return None
    user = User.objects.create_user(email, password, name=name.strip(), language=language)
    Identifier.objects.create(user=user, kind=EMAIL, value=email)
    record(actor, None, "account.signup", user, object_id=str(user.pk), summary=email)
    send_email_verification(user, email)
    return user


@transaction.atomic
def request_password_reset(actor: Actor, email: str) -> None:
    """Mail a link to choose a new password, if an active account uses `email`."""
    user = User.objects.filter(email=canonical_email(email), is_active=True).first()
    if user is None:
        return
    enqueue_email(
        to=user.email,
        template="accounts/email/password_reset",
        context={"user": user, "link": password_set_url(user)},
        language=user.language,
    )
    record(actor, None, "account.password_reset_request", user, object_id=str(user.pk), summary=user.email)


@transaction.atomic
def set_password(actor: Actor, user: User, password: str, *, from_email_link: bool = False) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor, None, "account.password_set", user, object_id=str(user.pk), summary=user.email)
    # The link arrived in this mailbox, so following it proves the address.
    if from_email_link and user.email_verified_at is None:
        try:
            verify_email(actor, user, user.email)
        except IdentifierTaken:
            pass


@transaction.atomic
def update_profile(actor: Actor, user: User, *, name: str, language: str) -> None:
    before = {"name": user.name, "language": user.language}
    user.name = name.strip()
    user.language = language
    user.save(update_fields=["name", "language"])
    after = {"name": user.name, "language": user.language}
    record(actor, None, "account.profile", user, object_id=str(user.pk), before=before, after=after)


def link_recipients(user: User, identifier: Identifier, *, actor: Actor | None = None) -> list[Recipient]:
    """Attach to `user` every unclaimed Recipient that `identifier` proves to be them.

    An email links recipients in every organization; a student id only in its own.
    """
    if identifier.verified_at is None:
        raise ValueError("an unverified identifier proves nothing")
    actor = actor or Actor(user=user)
    with transaction.atomic():
        recipients = Recipient.objects.select_for_update(of=("self",)).filter(user__isnull=True)
        if identifier.kind == EMAIL:
            recipients = recipients.filter(email=identifier.value)
        else:
            recipients = recipients.filter(org_id=identifier.org_id, student_id=identifier.value)
        linked = list(recipients.select_related("org").order_by("pk"))
        for recipient in linked:
            recipient.user = user
            recipient.save(update_fields=["user"])
            record(
                actor,
                recipient.org,
                "recipient.link",
                recipient,
                summary=f"{recipient.email} → {user.email}",
                after={"user": user.email, "proven_by": identifier.kind},
            )
    return linked


def _mark_verified(actor: Actor, identifier: Identifier) -> Identifier:
    identifier.verified_at = timezone.now()
    try:
        with transaction.atomic():
            identifier.save(update_fields=["verified_at"])
    except IntegrityError as exc:  # someone else proved it a moment earlier
        raise IdentifierTaken from exc
    label = f"{identifier.kind} {identifier.value}"
    record(actor, identifier.org, "identifier.verify", identifier, summary=label)
    # Other people's pending claims on this identifier can never succeed now.
    Identifier.objects.filter(
        kind=identifier.kind, value=identifier.value, org=identifier.org, verified_at=None
    ).exclude(user=identifier.user).delete()
    link_recipients(identifier.user, identifier, actor=actor)
    return identifier


@transaction.atomic
def verify_email(actor: Actor, user: User, email: str) -> Identifier:
    """Record that `user` reads `email`, and link the recipients it names."""
    email = canonical_email(email)
    if _verified_elsewhere(user, EMAIL, email, None):
        raise IdentifierTaken
    identifier = Identifier.objects.filter(user=user, kind=EMAIL, value=email, org=None).first()
    if identifier is None:
        identifier = Identifier.objects.create(user=user, kind=EMAIL, value=email)
    if email == user.email and user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    if identifier.verified_at is not None:
        return identifier
    return _mark_verified(actor, identifier)


@transaction.atomic
def add_email(actor: Actor, user: User, email: str) -> Identifier:
    """Start proving another address; the link goes to that address."""
    email = canonical_email(email)
    identifier = Identifier.objects.filter(user=user, kind=EMAIL, value=email, org=None).first()
    if identifier is not None and identifier.verified_at is not None:
        raise AlreadyYours
    if (
        _verified_elsewhere(user, EMAIL, email, None)
        or User.objects.filter(email=email).exclude(pk=user.pk).exists()
    ):
        raise IdentifierTaken
    if identifier is None:
        identifier = Identifier.objects.create(user=user, kind=EMAIL, value=email)
        record(actor, None, "identifier.add", identifier, summary=f"email {email}")
    send_email_verification(user, email)
    return identifier


def verified_emails(user: User) -> set[str]:
    emails = set(
        Identifier.objects.filter(user=user, kind=EMAIL, verified_at__isnull=False).values_list(
            "value", flat=True
        )
    )
    if user.email_verified_at is not None:
        emails.add(user.email)
    return emails


@transaction.atomic
def send_student_id_verification(identifier: Identifier, recipient: Recipient) -> None:
    enqueue_email(
        to=recipient.email,
        template="accounts/email/verify_student_id",
        context={
            "user": identifier.user,
            "org": identifier.org,
            "student_id": identifier.value,
            "link": verification.student_id_link(identifier, recipient),
        },
        language=recipient.language,
        org=identifier.org,
    )


@transaction.atomic
def add_student_id(actor: Actor, user: User, org: Organization, student_id: str) -> Identifier:
    """Claim a student id in `org`; proven by the mailbox on the organization's record.

    When that mailbox is already one of the user's proven addresses the claim is
    verified at once. Otherwise a link goes to it, if such a record exists at all.
    """
    value = canonical_student_id(student_id)
    identifier = Identifier.objects.filter(user=user, kind=STUDENT_ID, value=value, org=org).first()
    if identifier is not None and identifier.verified_at is not None:
        raise AlreadyYours
    if _verified_elsewhere(user, STUDENT_ID, value, org):
        raise IdentifierTaken
    if identifier is None:
        identifier = Identifier.objects.create(user=user, kind=STUDENT_ID, value=value, org=org)
        record(actor, org, "identifier.add", identifier, summary=f"student_id {value}")
    recipient = Recipient.objects.filter(org=org, student_id=value).first()
    if recipient is None or recipient.user_id not in (None, user.pk):
        return identifier
    if recipient.email in verified_emails(user):
        return _mark_verified(actor, identifier)
    send_student_id_verification(identifier, recipient)
    return identifier


@transaction.atomic
def verify_student_id(actor: Actor, user: User, claim: verification.StudentIdClaim) -> Identifier:
    identifier = (
        Identifier.objects.select_for_update(of=("self",))
        .select_related("org")
        .filter(pk=claim.identifier_id, user=user, kind=STUDENT_ID)
        .first()
    )
    if identifier is None:
        raise verification.LinkInvalid
    if identifier.verified_at is not None:
        return identifier
    # The record must still say what it said when the link was sent.
    recipient = Recipient.objects.filter(
        pk=claim.recipient_id, org=identifier.org, student_id=identifier.value, email=claim.email
    ).first()
    if recipient is None:
        raise verification.LinkInvalid
    if recipient.user_id not in (None, user.pk) or _verified_elsewhere(
        user, STUDENT_ID, identifier.value, identifier.org
    ):
        raise IdentifierTaken
    return _mark_verified(actor, identifier)


@transaction.atomic
def resend_verification(identifier: Identifier) -> None:
    """Send a pending identifier's link again (for a student id, only if the record allows)."""
    if identifier.verified_at is not None:
        return
    if identifier.kind == EMAIL:
        send_email_verification(identifier.user, identifier.value)
        return
    recipient = Recipient.objects.filter(org_id=identifier.org_id, student_id=identifier.value).first()
    if recipient is not None and recipient.user_id in (None, identifier.user_id):
        send_student_id_verification(identifier, recipient)


@transaction.atomic
def remove_pending_identifier(actor: Actor, identifier: Identifier) -> None:
    """Withdraw a claim not yet proven. Proven identifiers stay: recipients hang on them."""
    if identifier.verified_at is not None:
        raise ValueError("a verified identifier cannot be removed here")
    summary = f"{identifier.kind} {identifier.value}"
    record(actor, identifier.org, "identifier.remove", identifier, summary=summary)
    identifier.delete()
