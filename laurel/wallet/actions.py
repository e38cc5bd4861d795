from django.db import IntegrityError, transaction

from laurel.accounts.actions import verify_email
from laurel.accounts.models import User
from laurel.audit.actions import record
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.wallet.models import AwardClaim


class AlreadyClaimed(Exception):
    pass


@transaction.atomic
def claim_award(actor: Actor, award: Award, email: str, user: User | None, state: str) -> User:
    """Prove `email` for `user` (created when None), attach the award and record the answer."""
    if AwardClaim.objects.filter(award=award).exists():
        raise AlreadyClaimed
    if user is None:
        user = User.objects.filter(email=email).first() or User.objects.create_user(email, None)
    verify_email(Actor(user=user, via=actor.via, ip=actor.ip, user_agent=actor.user_agent), user, email)
    try:
        with transaction.atomic():
            AwardClaim.objects.create(award=award, user=user, state=state)
    except IntegrityError as exc:  # the same link followed twice at once
        raise AlreadyClaimed from exc
    record(actor, award.org, f"award.{state}", award, summary=f"{award.public_id} by {user.email}")
    return user
