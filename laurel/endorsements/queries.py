"""Reads: the endorsements a public page shows, and the one behind a public address."""

from django.db.models import Q, QuerySet
from django.http import Http404

from laurel.achievements.models import Achievement
from laurel.awards.models import Award
from laurel.endorsements.models import Endorsement

SHOWN = (Endorsement.Status.ISSUED,)


def shown_for(*, achievement: Achievement | None = None, award: Award | None = None) -> QuerySet[Endorsement]:
    """Issued endorsements a page shows: a badge's own, or an award's plus its badge's."""
    issued = Endorsement.objects.filter(status__in=SHOWN).select_related("signer_org")
    if award is not None:
        found = issued.filter(Q(award=award) | Q(achievement_id=award.achievement_id, award__isnull=True))
    elif achievement is not None:
        found = issued.filter(achievement=achievement, award__isnull=True)
    else:
        return Endorsement.objects.none()
    return found.order_by("issued_at", "pk")


def public_endorsement(public_id: str) -> Endorsement:
    """An endorsement that was issued (withdrawn ones too: verifiers must learn they are)."""
    found = (
        Endorsement.objects.select_related(
            "org", "achievement__current_version", "award__version", "signer_org"
        )
        .filter(public_id=public_id, credential__isnull=False)
        .first()
    )
    if found is None:
        raise Http404
    return found


def credentials_of(achievement: Achievement) -> list[dict]:
    """The signed credentials of the badge's issued endorsements, as OB 3.0 embeds them."""
    return [e.credential for e in shown_for(achievement=achievement) if e.credential]
