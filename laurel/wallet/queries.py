from django.db.models import QuerySet

from laurel.accounts.models import User
from laurel.awards.models import Award
from laurel.wallet.models import AwardClaim


def held_awards(user: User) -> QuerySet[Award]:
    """Every award to a recipient the learner has proven, from any organization, except declined ones.

    Recipients are linked when an identifier is verified, so awards to any verified
    address or student id appear here without a claim link.
    """
    return (
        Award.objects.filter(recipient__user=user)
        .exclude(claim__state=AwardClaim.State.DECLINED)
        .select_related("org", "version")
        .order_by("-issued_on", "-pk")
    )
