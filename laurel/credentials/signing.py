"""Signing awards: one OpenBadgeCredential per language of the badge, stored once, never changed."""

import datetime
import time
import zoneinfo
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from laurel.achievements.models import AchievementVersion, ImageAsset
from laurel.awards.models import Award
from laurel.core.inserts import insert
from laurel.credentials import issuers, keys, status
from laurel.credentials.issuers import Signer
from laurel.credentials.models import AwardStatus, Credential, IssuerKey, StatusList
from laurel.credentials.proofs import prove_many, sign_jwt, xsd_now
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


@dataclass(frozen=True)
class Shared:
    """What every award of one badge version has in common in one language."""

    issuer: ob3.IssuerProfile
    achievement: ob3.AchievementInfo
    name: str
    # Their JSON, built once and shared by the documents, so signing walks it once.
    parts: ob3.SharedParts = field(default_factory=ob3.SharedParts, compare=False)


def shared_parts(award: Award, issuer: str, language: str) -> Shared:
    version = award.version
    return Shared(
        issuer=issuer_profile(award.org, issuer, language),
        achievement=achievement_info(award, language, version.languages),
        name=pick(version, "name", language),
    )


def unsigned_credential(
    award: Award, slots: AwardStatus, issuer: str, language: str, *, shared: Shared | None = None
) -> dict:
    """The unsigned OpenBadgeCredential of the award in one language.

    ``shared`` (from :func:`shared_parts`) lets many awards of one version reuse the issuer
    and achievement parts instead of building them again.
    """
    shared = shared or shared_parts(award, issuer, language)
    recipient = award.recipient
    valid_from = _seoul(award.issued_on)
    # An award is valid through its expiry date, so the credential ends as that day does.
    valid_until = _seoul(award.expires_on + datetime.timedelta(days=1)) if award.expires_on else None
    evidence = []
    if award.evidence_url or award.evidence_narrative:
        # What the badge asks earners to hand in describes what this evidence is.
        asked = pick(award.version, "evidence_description", language) or None
        evidence.append(
            ob3.Evidence(
                id=award.evidence_url or None,
                narrative=award.evidence_narrative or None,
                description=asked,
            )
        )
    return ob3.build_credential(
        credential_id=credential_id(award, language),
        issuer=shared.issuer,
        achievement=shared.achievement,
        recipient=ob3.Recipient(
            did=recipient_did(award),
            email=recipient.email,
            salt=slots.recipient_salt,
            name=recipient.name or None,
        ),
        name=shared.name,
        valid_from=valid_from,
        valid_until=valid_until,
        awarded_date=valid_from,
        evidence=evidence,
        credential_status=status.entry(slots),
        parts=shared.parts,
    )


@dataclass(frozen=True, slots=True)
class Signed:
    """A credential signed and not stored yet: what :func:`store_new` inserts as a ``Credential``."""

    award: Award
    language: str
    json: dict
    jwt: str
    proof_suite: str
    key: IssuerKey
    jwt_key: IssuerKey

    @property
    def award_id(self) -> int:
        return self.award.pk

    def credential(self) -> Credential:
        return Credential(
            award=self.award,
            language=self.language,
            json=self.json,
            jwt=self.jwt,
            proof_suite=self.proof_suite,
            key=self.key,
            jwt_key=self.jwt_key,
        )


def sign_many(
    awards: Sequence[Award],
    slots: Mapping[int, AwardStatus],
    signer: Signer,
    *,
    jwt_signer: Signer | None = None,
    skip: Collection[tuple[int, str]] = (),
    timer: dict[str, float] | None = None,
    with_jwt: bool = True,
    copies: bool = True,
) -> list[Signed]:
    """Signed credentials for every language of every award, but the (award pk, language)
    pairs in ``skip``; ``slots`` maps award pks to their status slots.

    Pure computation (no query when the awards' org, version and recipient are loaded), so
    callers sign outside their transaction and store with :func:`store_new`. ``timer``, when
    given, gets the seconds spent building, proving and making JWTs added to it. Without
    ``with_jwt`` the credentials carry no VC-JWT yet (``jwt`` is empty): :func:`jwt_of` makes
    it, with the same key, when it is first asked for. Without ``copies`` the documents
    share objects with one another (one badge version's issuer and achievement, one award's
    recipient identifier and status entry): for callers that store them and let them go.
    """
    jwt_signer = jwt_signer or signer
    started = time.perf_counter()
    shared: dict[tuple[int, str], Shared] = {}
    wanted: list[tuple[Award, str, dict]] = []
    for award in awards:
        first: dict | None = None
        for language in award.version.languages:
            if (award.pk, language) in skip:
                continue
            key = (award.version_id, language)
            if key not in shared:
                shared[key] = shared_parts(award, signer.issuer, language)
            unsigned = unsigned_credential(
                award, slots[award.pk], signer.issuer, language, shared=shared[key]
            )
            if first is None:
                first = unsigned
            else:
                _share_award_parts(first, unsigned)
            wanted.append((award, language, unsigned))
    built = time.perf_counter()
    proved = prove_many([unsigned for _a, _l, unsigned in wanted], signer, created=xsd_now(), copies=copies)
    proven = time.perf_counter()
    jwts = [sign_jwt(unsigned, jwt_signer) if with_jwt else "" for _a, _l, unsigned in wanted]
    if timer is not None:
        for name, seconds in (
            ("build", built - started),
            ("prove", proven - built),
            ("jwt", time.perf_counter() - proven),
        ):
            timer[name] = timer.get(name, 0.0) + seconds
    signed_all = []
    for (award, language, _unsigned), (signed, suite), token in zip(wanted, proved, jwts, strict=True):
        # The OB 3.0 schema wants proof as an array; one proof in a list is the same
        # JSON-LD graph, so the signature is unaffected.
        signed["proof"] = [signed["proof"]]
        signed_all.append(Signed(award, language, signed, token, suite, signer.key, jwt_signer.key))
    return signed_all


def _share_award_parts(first: dict, other: dict) -> None:
    """Let ``other`` hold the very objects of ``first`` where the two languages' JSON is equal.

    Every language of an award carries the same recipient identifiers, status entry and
    evidence; as shared objects, signing turns them into RDF once for both
    (``laurel.vc.compiled.SharedWalks``). Only equal values are replaced, so no document changes.
    """
    subject, first_subject = other["credentialSubject"], first["credentialSubject"]
    if "identifier" in subject and subject["identifier"] == first_subject.get("identifier"):
        subject["identifier"] = first_subject["identifier"]
    for name in ("credentialStatus", "evidence"):
        if name in other and other[name] == first.get(name):
            other[name] = first[name]


def slots_for(awards: Sequence[Award]) -> dict[int, AwardStatus]:
    """The awards' status slots by award pk, with their revocation lists but not the lists' bits.

    The lists' organizations are taken from the awards, which must have theirs loaded.
    """
    orgs = {award.org_id: award.org for award in awards}
    slots = {
        slot.award_id: slot
        for slot in AwardStatus.objects.filter(award__in=awards).only(
            "award_id", "revocation_list_id", "revocation_index", "recipient_salt"
        )
    }
    ids = {slot.revocation_list_id for slot in slots.values()}
    lists = {lst.pk: lst for lst in StatusList.objects.filter(pk__in=ids).only("pk", "public_id", "org_id")}
    for lst in lists.values():
        lst.org = orgs[lst.org_id]
    for slot in slots.values():
        slot.revocation_list = lists[slot.revocation_list_id]
    return slots


STORED_COLUMNS = ("award_id", "language", "json", "jwt", "proof_suite", "key_id", "jwt_key_id", "created_at")


def store_new(credentials: Sequence[Signed]) -> list[Signed]:
    """Insert the credentials whose award and language have none stored yet; call in a transaction.

    Returns those inserted. The awards' status slot rows are locked first, the same lock
    :func:`sign_award` takes, so a credential signed on demand meanwhile is found and kept
    instead of doubled. One multi-row insert (``COPY`` on PostgreSQL) stores them all.
    """
    award_ids = {credential.award_id for credential in credentials}
    locked = AwardStatus.objects.select_for_update().filter(award_id__in=award_ids).order_by("pk")
    list(locked.values_list("pk", flat=True))
    stored = set(Credential.objects.filter(award_id__in=award_ids).values_list("award_id", "language"))
    new = [c for c in credentials if (c.award_id, c.language) not in stored]
    now = timezone.now()
    rows = ((c.award.pk, c.language, c.json, c.jwt, c.proof_suite, c.key.pk, c.jwt_key.pk, now) for c in new)
    insert(Credential, STORED_COLUMNS, rows)
    return new


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
        if any(language not in stored for language in languages):
            signer = issuers.signer(award.org)
            jwt_signer = signer if jwt_kind == "Ed25519" else issuers.signer(award.org, jwt_kind)
            made = sign_many(
                [award],
                {award.pk: slots},
                signer,
                jwt_signer=jwt_signer,
                skip={(award.pk, language) for language in stored},
            )
            for signed in made:
                credential = signed.credential()
                credential.save()
                stored[credential.language] = credential
        return [stored[language] for language in languages if language in stored]


def jwt_of(credential: Credential) -> str:
    """The credential's VC-JWT, made and stored the first time it is asked for.

    The bulk pipeline stores credentials without their VC-JWT (docs/decisions/0007): most are
    never downloaded in that format, and a token costs as much to make as a third of the
    proof. It is made here from the stored document without its proof, signed by the key
    named in ``jwt_key`` (the one that signed the proof) under the proof's verification
    method, as :func:`sign_many` would have made it. Of two requests making it at once, the
    first one stored wins and both return that one.
    """
    if credential.jwt:
        return credential.jwt
    document = credential.json
    proof = document.get("proof")
    proof = proof[0] if isinstance(proof, list) else proof
    unsigned = {name: value for name, value in document.items() if name != "proof"}
    key = IssuerKey.objects.get(pk=credential.jwt_key_id)
    issuer = document["issuer"]["id"] if isinstance(document["issuer"], dict) else document["issuer"]
    signer = Signer(issuer, key, keys.open_key(key), proof["verificationMethod"])
    token = sign_jwt(unsigned, signer)
    Credential.objects.filter(pk=credential.pk, jwt="").update(jwt=token)
    credential.jwt = Credential.objects.values_list("jwt", flat=True).get(pk=credential.pk)
    return credential.jwt


def credential_for(award: Award, language: str | None = None) -> Credential:
    """The credential in ``language`` (default: the organization's), signing the award if needed."""
    credentials = {credential.language: credential for credential in sign_award(award)}
    wanted = language or award.org.default_language
    return credentials.get(wanted) or credentials[_other(wanted)]
