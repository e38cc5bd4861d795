"""The unsigned ``EndorsementCredential`` of an endorsement (OB 3.0 §B.1.7, EndorsementSubject §B.1.8).

Only terms of the VC 2.0 and OB 3.0.3 contexts are used, so the document passes JSON-LD safe
mode: the endorser of an endorsement Laurel issues on someone's behalf is named in the
credential's ``name`` and ``description``, never in a term of our own.
"""

from datetime import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from laurel.credentials.proofs import xsd_now
from laurel.credentials.signing import credential_id, issuer_profile
from laurel.endorsements.models import Endorsement
from laurel.orgs.models import Organization, pick
from laurel.vc import ob3

TYPES = ["VerifiableCredential", "EndorsementCredential"]


def language_of(endorsement: Endorsement) -> str:
    """The credential's language: the one the endorser wrote in, the request's when both."""
    if endorsement.comment_ko and endorsement.comment_en:
        return endorsement.language
    return "ko" if endorsement.comment_ko else "en"


def comment(endorsement: Endorsement) -> str:
    """The endorser's words; both languages, the credential's first, when they wrote both."""
    first = language_of(endorsement)
    texts = [
        getattr(endorsement, f"comment_{code}").strip() for code in (first, "en" if first == "ko" else "ko")
    ]
    return "\n\n".join(text for text in texts if text)


def subject_id(endorsement: Endorsement, language: str) -> str:
    """What is endorsed: the award's credential id, or the badge version's Achievement id."""
    if endorsement.award is not None:
        award = endorsement.award
        languages = award.version.languages
        return credential_id(award, language if language in languages else languages[0])
    achievement = endorsement.achievement
    version = achievement.current_version
    assert version is not None
    languages = version.languages
    code = language if language in languages else languages[0]
    return f"{achievement.org.base_url}/i/{achievement.public_id}/v/{version.number}/?lang={code}"


def target_name(endorsement: Endorsement, language: str) -> str:
    version = endorsement.award.version if endorsement.award else endorsement.achievement.current_version
    return pick(version, "name", language)


def _description(endorsement: Endorsement, host: Organization, language: str) -> str:
    if endorsement.kind == Endorsement.Kind.ORGANIZATION:
        return _("%(endorser)s endorses this, signed with its own key.") % {
            "endorser": endorsement.endorser_name
        }
    return _(
        "%(endorser)s endorses this. %(host)s confirmed the endorser's email address %(email)s "
        "and issues this endorsement on their behalf."
    ) % {
        "endorser": endorsement.endorser_name,
        "host": pick(host, "name", language),
        "email": endorsement.email,
    }


def unsigned(
    endorsement: Endorsement, signer_org: Organization, issuer: str, entry: dict[str, str], now: datetime
) -> dict[str, Any]:
    """The credential before its proof; ``issuer`` is the signing organization's issuer id."""
    language = language_of(endorsement)
    with translation.override(language):
        profile = ob3.build_profile(issuer_profile(signer_org, issuer, language))
        profile.pop("@context")
        name = _("Endorsement of “%(target)s” by %(endorser)s") % {
            "target": target_name(endorsement, language),
            "endorser": endorsement.endorser_name,
        }
        description = _description(endorsement, endorsement.org, language)
    return {
        "@context": list(ob3.CREDENTIAL_CONTEXT),
        "id": endorsement.url,
        "type": list(TYPES),
        "issuer": profile,
        "validFrom": xsd_now(now),
        "name": name,
        "description": description,
        "credentialSubject": {
            "id": subject_id(endorsement, language),
            "type": ["EndorsementSubject"],
            "endorsementComment": comment(endorsement),
        },
        "credentialStatus": entry,
    }
