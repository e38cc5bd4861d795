"""Signing awards: one OpenBadgeCredential per language of the badge, stored once, never changed."""

import datetime
import zoneinfo
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction

from laurel.achievements.models import AchievementVersion, ImageAsset
from laurel.awards.models import Award
from laurel.credentials import issuers, status
from laurel.credentials.models import AwardStatus, Credential
from laurel.credentials.proofs import prove, sign_jwt, xsd_now
from laurel.orgs.models import Organization, pick
from laurel.vc import ob3
from laurel.vc.keys import KeyKind

EXTENSIONS = {"image/png": "png", "image/svg+xml": "svg", "image/jpeg": "jpg", "image/webp": "webp"}


def _other(language: str) -> str:
    return "en" if language == "ko" else "ko"


def achievement_id(award: Award, language: str) -> str:
    """The public page of the awarded badge version in one language: the Achievement's id."""
    return f"{award.org.base_url}/i/{award.achievement.public_id}/v/{award.version.number}/?lang={language}"


def credential_id(award: Award, language: str) -> str:
    """The award's public page in that language: dereferenceable, and distinct per language."""
    return f"{award.public_url}?lang={language}"


def profile_url(org: Organization) -> str:
    """The organization's public page, the issuer Profile's ``url``."""
    return f"{org.base_url}/o/{org.slug}/"


def image_url(org: Organization, asset: ImageAsset | None) -> str | None:
    if asset is None:
        return None
    extension = EXTENSIONS.get(asset.content_type)
    return f"{org.base_url}/i/image/{asset.sha256}.{extension}" if extension else None


def recipient_did(award: Award) -> str | None:
    """The learner's DID, once accounts can hold one (the wallet issue); None until then."""
    return None


def _seoul(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def issuer_profile(org: Organization, issuer: str, language: str) -> ob3.IssuerProfile:
    logo = image_url(org, org.logo)
    return ob3.IssuerProfile(
        id=issuer,
        name=pick(org, "name", language),
        url=profile_url(org),
        email=org.email or None,
        description=pick(org, "description", language) or None,
        image=ob3.ImageRef(logo) if logo else None,
    )


def achievement_info(award: Award, language: str, languages: Sequence[str]) -> ob3.AchievementInfo:
    version: AchievementVersion = award.version
    image = image_url(award.org, version.image_png or version.image)
    name = pick(version, "name", language)
    related = tuple(
        ob3.Related(achievement_id(award, other), in_language=other)
        for other in languages
        if other != language
    )
    return ob3.AchievementInfo(
        id=achievement_id(award, language),
        name=name,
        description=pick(version, "description", language) or name,
        criteria=ob3.Criteria(
            id=achievement_id(award, language), narrative=pick(version, "criteria", language) or None
        ),
        achievement_type=version.achievement_type or None,
        image=ob3.ImageRef(image, caption=pick(version, "alt_text", language) or None) if image else None,
        alignments=tuple(
            _alignment(a) for a in version.alignments if a.get("targetName") and a.get("targetUrl")
        ),
        tags=tuple(str(tag) for tag in version.tags),
        in_language=language,
        related=related,
        version=str(version.number),
    )


def _alignment(data: dict) -> ob3.Alignment:
    return ob3.Alignment(
        target_name=data["targetName"],
        target_url=data["targetUrl"],
        target_description=data.get("targetDescription") or None,
        target_framework=data.get("targetFramework") or None,
        target_code=data.get("targetCode") or None,
        target_type=data.get("targetType") or None,
    )


def unsigned_credential(award: Award, slots: AwardStatus, issuer: str, language: str) -> dict:
    """The unsigned OpenBadgeCredential of the award in one language."""
    version, recipient = award.version, award.recipient
    valid_from = _seoul(award.issued_on)
    # An award is valid through its expiry date, so the credential ends as that day does.
    valid_until = _seoul(award.expires_on + datetime.timedelta(days=1)) if award.expires_on else None
    evidence = []
    if award.evidence_url or award.evidence_narrative:
        evidence.append(
            ob3.Evidence(id=award.evidence_url or None, narrative=award.evidence_narrative or None)
        )
    return ob3.build_credential(
        credential_id=credential_id(award, language),
        issuer=issuer_profile(award.org, issuer, language),
        achievement=achievement_info(award, language, version.languages),
        recipient=ob3.Recipient(
            did=recipient_did(award),
            email=recipient.email,
            salt=slots.recipient_salt,
            name=recipient.name or None,
        ),
        name=pick(version, "name", language),
        valid_from=valid_from,
        valid_until=valid_until,
        awarded_date=valid_from,
        evidence=evidence,
        credential_status=status.entry(slots),
    )


def sign_award(award: Award, *, jwt_kind: KeyKind = "Ed25519") -> list[Credential]:
    """The award's signed credentials, one per language of its badge version, made when missing.

    Idempotent: credentials already stored are returned as they are, never signed again.
    """
    slots = status.ensure_status(award)
    with transaction.atomic():
        # The slots row is the award's signing lock: a second signer waits, then finds the rows.
        slots = (
            AwardStatus.objects.select_for_update().select_related("revocation_list__org").get(pk=slots.pk)
        )
        award = Award.objects.select_related("org", "org__logo", "achievement", "version", "recipient").get(
            pk=award.pk
        )
        stored = {credential.language: credential for credential in award.credentials.all()}
        languages = award.version.languages
        missing = [language for language in languages if language not in stored]
        if missing:
            signer = issuers.signer(award.org)
            jwt_signer = signer if jwt_kind == "Ed25519" else issuers.signer(award.org, jwt_kind)
            created = xsd_now()
            for language in missing:
                unsigned = unsigned_credential(award, slots, signer.issuer, language)
                signed, suite = prove(unsigned, signer, created=created)
                # The OB 3.0 schema wants proof as an array; one proof in a list is the same
                # JSON-LD graph, so the signature is unaffected.
                signed["proof"] = [signed["proof"]]
                stored[language] = Credential.objects.create(
                    award=award,
                    language=language,
                    json=signed,
                    jwt=sign_jwt(unsigned, jwt_signer),
                    proof_suite=suite,
                    key=signer.key,
                    jwt_key=jwt_signer.key,
                )
        return [stored[language] for language in languages if language in stored]


def credential_for(award: Award, language: str | None = None) -> Credential:
    """The credential in ``language`` (default: the organization's), signing the award if needed."""
    credentials = {credential.language: credential for credential in sign_award(award)}
    wanted = language or award.org.default_language
    return credentials.get(wanted) or credentials[_other(wanted)]
