"""Hypothesis strategies for Open Badges 3.0 credentials, written as plain JSON.

The documents cover the OB 3.0 data model (https://www.imsglobal.org/spec/ob/v3p0/, and the
official JSON Schema in ../shared/conformance/ob3-schemas): every optional property of
OpenBadgeCredential, AchievementSubject, Achievement, Profile and the classes they hold; text in
Korean and English with Unicode edge cases; numbers at the edges of XSD's canonical forms; and
many anonymous (blank) nodes, including structurally identical siblings, which RDFC-1.0 can only
tell apart with its N-degree hashing.

They are written directly rather than through ``laurel.vc.ob3``, so they also take the shapes
Laurel's builder never writes but other issuers do (a bare IRI where an object is usual, one
value where an array is usual, a number where a string is usual) and the older context sets
(VC 1.1, OB 3.0.1 and 3.0.2). Terms a context set does not define are left out, so the
documents pass JSON-LD safe mode.

- ``credentials()``: plain OB 3.0 JSON, what issuers write;
- ``laurel_credentials()``: what Laurel's own builder writes;
- ``unsigned_credentials()``: plain ones with the contexts an eddsa-rdfc-2022 proof needs;
- ``jsonld_variants()``: a credential with one JSON-LD shape outside plain OB 3.0 JSON (a value
  object, an embedded context, a blank node identifier), which a compiled path may refuse;
- ``unsafe_variants()``: a credential with one change anywhere that JSON-LD safe mode rejects.
"""

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import strategies as st

from laurel.vc import ob3

V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DATA_INTEGRITY = (
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
)

Json = dict[str, Any]


@dataclass(frozen=True)
class ContextSet:
    """One ``@context`` list an OB 3.0 credential may carry, and what its terms allow."""

    vc: int  # 1 (VC Data Model 1.1) or 2
    ob: str  # "3.0.1", "3.0.2" or "3.0.3"
    extensions: bool = False

    @property
    def urls(self) -> list[str]:
        urls = [V1 if self.vc == 1 else V2, f"https://purl.imsglobal.org/spec/ob/v3p0/context-{self.ob}.json"]
        return [*urls, EXTENSIONS] if self.extensions else urls

    def defines(self, term: str) -> bool:
        """Whether the OB context defines ``term``: the three versions differ in these few."""
        if term in ("inLanguage", "endorsementJwt", "jti"):
            return self.ob == "3.0.3"
        if term == "awardedDate":
            return self.ob != "3.0.2"
        return True


# VC 2.0 with OB 3.0.3 is what Laurel issues, so it is drawn most often. OB 3.0.1 redefines
# protected VC 2.0 terms, so it only goes with VC 1.1.
LAUREL_CONTEXTS = ContextSet(2, "3.0.3")
CONTEXT_SETS = (
    LAUREL_CONTEXTS,
    LAUREL_CONTEXTS,
    LAUREL_CONTEXTS,
    ContextSet(2, "3.0.3", extensions=True),
    ContextSet(2, "3.0.2"),
    ContextSet(2, "3.0.2", extensions=True),
    ContextSet(1, "3.0.1"),
    ContextSet(1, "3.0.1", extensions=True),
    ContextSet(1, "3.0.2"),
    ContextSet(1, "3.0.3"),
    ContextSet(1, "3.0.3", extensions=True),
)

# -- scalars ---------------------------------------------------------------------------------------

# Strings that stress N-Quads escaping and Unicode handling: nothing may be normalized, dropped
# or escaped differently on any path.
EDGE_TEXT = (
    "배지 수여", "한빛 대학교", "Data Science 101", "",
    "\ud55c",  # 한, one precomposed syllable
    "\u1112\u1161\u11ab",  # 한 again, as three conjoining jamo
    "e\u0301 vs \u00e9",  # a combining acute accent, and the precomposed letter
    "😀 \U0001f469\u200d\U0001f4bb \U0001f3f3\ufe0f\u200d\U0001f308",  # astral, ZWJ sequences
    "עברית \u202eRTL override\u202c العربية",
    "zero\u200bwidth\u200c\u200d\ufeff",
    'say "hi"', "back\\slash \\n \\u0041", "line\nbreak", "tab\there", "cr\r\nlf",
    "\x00", "\x01\x07\x08\x0b\x0c\x1b\x1f", "\x7f\x80\x85\x9f", "\u2028\u2029",
    "\U0010ffff \ufffe \ufffd", "  padded  ", "<b>&amp;</b>", "_:b0", "<http://x>", "@value",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "Ω≈ç√", "ｆｕｌｌｗｉｄｔｈ",
)  # fmt: skip
CHARACTERS = st.characters(exclude_categories=["Cs"])  # lone surrogates are not UTF-8
TEXT = st.one_of(
    st.sampled_from(EDGE_TEXT),
    st.text(CHARACTERS, max_size=12),
    st.lists(st.sampled_from(EDGE_TEXT), min_size=2, max_size=3).map("".join),
)
KOREAN = ("데이터 과학 기초", "팀워크 배지", "졸업 인증", "정보보호 전문가 과정", "한빛 대학교 평생교육원")
ENGLISH = (
    "Data Science Foundations",
    "Teamwork Badge",
    "Graduation",
    "Security Specialist",
    "Hanbit University",
)
NAME = st.one_of(st.sampled_from(KOREAN + ENGLISH), TEXT)

NUMBERS = st.one_of(
    st.sampled_from(
        [0, 1, -1, 3, 0.0, -0.0, 1.0, 0.1, 1.5, 2.5, 5e-7, 1e-7, 2.5e-7, 1e20, 1e21, 1e22, -1e21,
         10**21, 10**22, -(10**21), 2**53, 2**53 + 1, 2**64, 123456789.25, 1.7976931348623157e308,
         5e-324, 37.5665, 126.978]
    ),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
)  # fmt: skip
# Where OB 3.0 has a string, issuers sometimes write a number or a boolean; JSON-LD keeps them typed.
LOOSE = st.one_of(TEXT, NUMBERS, st.booleans())

SLUG = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=10)
HOSTS = ("example.edu", "badges.example.ac.kr", "예시.한국", "xn--9n2bp8q.xn--3e0b707e", "127.0.0.1:8000")
PATHS = ("", "/", "/배지/1", "/a%20b", "/x?y=1&z=%EA%B0%80", "/~user/badge.json", "/a/b#frag", "/#")
IRI = st.one_of(
    st.builds("https://{}/{}{}".format, st.sampled_from(HOSTS), SLUG, st.sampled_from(PATHS)),
    st.uuids().map(lambda uuid: f"urn:uuid:{uuid}"),
    SLUG.map(lambda slug: f"did:example:{slug}"),
    SLUG.map(lambda slug: f"did:web:example.edu:users:{slug}"),
    st.just("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"),
    SLUG.map(lambda slug: f"mailto:{slug}@example.com"),
    st.just("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
    # Prefixes some context sets define (xsd, sec, cred), so these expand as compact IRIs there.
    st.sampled_from(["xsd:dateTime", "sec:key-1", "cred:evidence", "urn:isbn:978893746044", "tag:a.kr,2024"]),
)  # fmt: skip
# Types outside any context: only absolute IRIs survive safe mode.
EXTRA_TYPE = st.sampled_from(
    ["https://example.edu/ns#Custom", "urn:example:type", "https://schema.org/Thing"]
)

ACHIEVEMENT_TYPES = st.sampled_from([*sorted(ob3.ACHIEVEMENT_TYPES), "ext:Microschool.Badge"])
ALIGNMENT_TYPES = st.sampled_from([*sorted(ob3.ALIGNMENT_TARGET_TYPES), "ext:Skill"])
RESULT_TYPES = st.sampled_from([*sorted(ob3.RESULT_TYPES), "ext:Stars"])
RESULT_STATUSES = st.sampled_from(sorted(ob3.RESULT_STATUSES))
IDENTIFIER_TYPES = st.sampled_from(
    ["name", "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress",
     "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId", "sisSourcedId",
     "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId", "ltiUserId", "identifier", "ext:Hakbun"]
)  # fmt: skip
LANGUAGES = st.sampled_from(["ko", "en", "en-US", "ko-KR", "zh-Hant-TW"])


def _datetime_text(moment: datetime, style: str) -> str:
    if style == "Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "millis":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if style == "offset":
        return moment.strftime("%Y-%m-%dT%H:%M:%S+09:00")
    return moment.strftime("%Y-%m-%dT%H:%M:%S")  # no time zone, which XSD allows


MOMENTS = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1))
DATETIME = st.one_of(
    st.builds(_datetime_text, MOMENTS, st.sampled_from(["Z", "millis", "offset", "local"])),
    st.sampled_from(["2024-02-30T25:61:00Z", "yesterday"]),  # typed literals are not validated
)
DATE = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)).map(date.isoformat)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | NUMBERS | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)

# -- helpers ---------------------------------------------------------------------------------------


def _maybe(draw: st.DrawFn, document: Json, key: str, strategy: st.SearchStrategy[Any]) -> None:
    """Set an optional property about half the time."""
    if draw(st.booleans()):
        document[key] = draw(strategy)


def _many(draw: st.DrawFn, strategy: st.SearchStrategy[Any], max_size: int = 3) -> list[Any]:
    """One or more values, sometimes followed by exact copies of the first.

    Copies of an anonymous node are distinct blank nodes with identical statements: RDFC-1.0
    cannot order them by their first-degree hashes and has to run its N-degree algorithm.
    """
    items = draw(st.lists(strategy, min_size=1, max_size=max_size))
    copies = draw(st.sampled_from([0, 0, 1, 2]))
    return items + [copy.deepcopy(items[0]) for _ in range(copies)]


def _one_or_many(draw: st.DrawFn, strategy: st.SearchStrategy[Any], max_size: int = 3) -> Any:
    """An array, or its only value bare (JSON-LD reads both the same for a set)."""
    items = _many(draw, strategy, max_size)
    return items[0] if len(items) == 1 and draw(st.booleans()) else items


def _type_value(draw: st.DrawFn, name: str) -> Any:
    shape = draw(st.sampled_from(["bare", "array", "array", "extra"]))
    if shape == "bare":
        return name
    if shape == "array":
        return [name]
    return [name, draw(EXTRA_TYPE)]


def _id_key(draw: st.DrawFn) -> str:
    # "id" is an alias of "@id" in every context here; the keyword itself is valid JSON-LD too.
    return draw(st.sampled_from(["id", "id", "id", "@id"]))


# -- the model, class by class ---------------------------------------------------------------------


@st.composite
def images(draw: st.DrawFn) -> Any:
    """``Image``: an object with id and caption, or the bare IRI."""
    if draw(st.booleans()):
        return draw(IRI)
    image: Json = {"id": draw(IRI), "type": "Image"}
    _maybe(draw, image, "caption", NAME)
    return image


@st.composite
def identifier_entries(draw: st.DrawFn) -> Json:
    return {"type": "IdentifierEntry", "identifier": draw(TEXT), "identifierType": draw(IDENTIFIER_TYPES)}


@st.composite
def addresses(draw: st.DrawFn) -> Json:
    address: Json = {"type": _type_value(draw, "Address")}
    for key in ("addressCountry", "addressRegion", "addressLocality", "streetAddress", "postOfficeBoxNumber"):
        _maybe(draw, address, key, NAME)
    _maybe(draw, address, "addressCountryCode", st.sampled_from(["KR", "US", "kr"]))
    _maybe(draw, address, "postalCode", st.sampled_from(["04524", "02139", "SW1A 1AA"]))
    if draw(st.booleans()):
        address["geo"] = {"type": "GeoCoordinates", "latitude": draw(NUMBERS), "longitude": draw(NUMBERS)}
    return address


@st.composite
def profiles(draw: st.DrawFn, contexts: ContextSet, depth: int = 1, anonymous: bool = False) -> Json:
    """``Profile`` with every optional property in play, nested through parentOrg and endorsements."""
    profile: Json = {"type": _type_value(draw, "Profile")}
    if not anonymous or draw(st.booleans()):
        profile[_id_key(draw)] = draw(IRI)
    _maybe(draw, profile, "name", NAME)
    _maybe(draw, profile, "url", IRI)
    _maybe(draw, profile, "phone", st.sampled_from(["+82-2-123-4567", "010 1234 5678", "+1 (617) 555-0100"]))
    _maybe(draw, profile, "description", TEXT)
    _maybe(draw, profile, "image", images())
    _maybe(draw, profile, "email", st.sampled_from(["badges@example.edu", "배지@예시.한국"]))
    _maybe(draw, profile, "address", addresses() | IRI)
    _maybe(
        draw,
        profile,
        "otherIdentifier",
        st.lists(identifier_entries(), min_size=1, max_size=3),
    )
    _maybe(draw, profile, "official", NAME)
    for key in ("familyName", "givenName", "additionalName", "patronymicName", "honorificPrefix",
                "honorificSuffix", "familyNamePrefix"):  # fmt: skip
        _maybe(draw, profile, key, NAME)
    _maybe(draw, profile, "dateOfBirth", DATE)
    if contexts.defines("endorsementJwt"):
        _maybe(
            draw, profile, "endorsementJwt", st.lists(st.just("eyJhbGciOiJFZERTQSJ9.e30.c2ln"), min_size=1)
        )
    if depth > 0:
        _maybe(draw, profile, "parentOrg", profiles(contexts, depth - 1, anonymous=True) | IRI)
        if draw(st.integers(0, 3)) == 0:
            profile["endorsement"] = [draw(endorsements(contexts, depth - 1))]
    return profile


@st.composite
def issuers(draw: st.DrawFn, contexts: ContextSet, depth: int = 1) -> Any:
    return draw(IRI) if draw(st.integers(0, 3)) == 0 else draw(profiles(contexts, depth))


@st.composite
def proofs(draw: st.DrawFn, contexts: ContextSet) -> Json:
    """A proof object: each one is its own named graph in the RDF."""
    if contexts.vc == 1:
        proof: Json = {"type": "Ed25519Signature2018", "jws": "eyJhbGciOiJFZERTQSJ9..c2ln"}
    else:
        proof = {
            "type": "DataIntegrityProof",
            "cryptosuite": draw(st.sampled_from(["eddsa-rdfc-2022", "eddsa-jcs-2022"])),
        }
        _maybe(draw, proof, "proofValue", st.just("z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQ"))
        _maybe(draw, proof, "expires", DATETIME)
    proof["created"] = draw(DATETIME)
    proof["verificationMethod"] = draw(IRI)
    # proofPurpose is @vocab-coerced: a purpose the proof type's context defines, or an absolute IRI.
    purposes = ["assertionMethod", "authentication", "https://example.edu/ns#purpose"]
    if contexts.vc == 2:
        purposes += ["capabilityInvocation", "capabilityDelegation", "keyAgreement"]
    proof["proofPurpose"] = draw(st.sampled_from(purposes))
    for key in ("challenge", "domain", "nonce"):
        _maybe(draw, proof, key, TEXT)
    return proof


@st.composite
def endorsements(draw: st.DrawFn, contexts: ContextSet, depth: int = 0) -> Json:
    """``EndorsementCredential``, embedded without its own ``@context``."""
    subject: Json = {"id": draw(IRI), "type": _type_value(draw, "EndorsementSubject")}
    _maybe(draw, subject, "endorsementComment", TEXT)
    endorsement: Json = {
        "id": draw(IRI),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": draw(NAME),
        "credentialSubject": subject,
        "issuer": draw(issuers(contexts, depth)),
        "validFrom" if contexts.vc == 2 else "issuanceDate": draw(DATETIME),
    }
    _maybe(draw, endorsement, "description", TEXT)
    _maybe(draw, endorsement, "validUntil" if contexts.vc == 2 else "expirationDate", DATETIME)
    if contexts.defines("awardedDate"):
        _maybe(draw, endorsement, "awardedDate", DATETIME)
    _maybe(draw, endorsement, "proof", proofs(contexts))
    return endorsement


@st.composite
def alignments(draw: st.DrawFn) -> Json:
    alignment: Json = {
        "type": _type_value(draw, "Alignment"),
        "targetName": draw(NAME),
        "targetUrl": draw(IRI),
    }
    for key in ("targetCode", "targetDescription", "targetFramework"):
        _maybe(draw, alignment, key, TEXT)
    _maybe(draw, alignment, "targetType", ALIGNMENT_TYPES)
    return alignment


@st.composite
def criteria(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 4)) == 0:
        return draw(IRI)  # criteria is @id-coerced: a bare IRI is a node reference
    document: Json = {}
    _maybe(draw, document, "id", IRI)
    if not document or draw(st.booleans()):
        document["narrative"] = draw(TEXT)
    return document


@st.composite
def rubric_levels(draw: st.DrawFn) -> Json:
    level: Json = {"id": draw(IRI), "type": _type_value(draw, "RubricCriterionLevel"), "name": draw(NAME)}
    _maybe(draw, level, "description", TEXT)
    _maybe(draw, level, "level", LOOSE)
    _maybe(draw, level, "points", LOOSE)
    _maybe(draw, level, "alignment", st.builds(list, st.lists(alignments(), min_size=1, max_size=2)))
    return level


@st.composite
def result_descriptions(draw: st.DrawFn) -> Json:
    description: Json = {
        "id": draw(IRI),
        "type": _type_value(draw, "ResultDescription"),
        "name": draw(NAME),
        "resultType": draw(RESULT_TYPES),
    }
    _maybe(draw, description, "alignment", st.lists(alignments(), min_size=1, max_size=2))
    # allowedValue is an @list: order matters, an empty list is rdf:nil, and one bare value is a list too.
    _maybe(draw, description, "allowedValue", st.lists(LOOSE, max_size=4) | TEXT)
    _maybe(draw, description, "requiredLevel", IRI)
    for key in ("requiredValue", "valueMax", "valueMin"):
        _maybe(draw, description, key, LOOSE)
    if draw(st.booleans()):
        description["rubricCriterionLevel"] = _one_or_many(draw, rubric_levels())
    return description


@st.composite
def related(draw: st.DrawFn, contexts: ContextSet) -> Json:
    document: Json = {"id": draw(IRI), "type": _type_value(draw, "Related")}
    if contexts.defines("inLanguage"):
        _maybe(draw, document, "inLanguage", LANGUAGES)
    _maybe(draw, document, "version", LOOSE)
    return document


@st.composite
def achievements(draw: st.DrawFn, contexts: ContextSet, depth: int = 1) -> Json:
    """``Achievement`` with every optional property in play."""
    achievement: Json = {
        "type": _type_value(draw, "Achievement"),
        "name": draw(NAME),
        "description": draw(TEXT),
        "criteria": draw(criteria()),
    }
    if draw(st.integers(0, 5)):
        achievement[_id_key(draw)] = draw(IRI)
    _maybe(draw, achievement, "achievementType", ACHIEVEMENT_TYPES)
    if draw(st.booleans()):
        achievement["alignment"] = _one_or_many(draw, alignments())
    _maybe(draw, achievement, "creator", profiles(contexts, depth) | IRI)
    _maybe(draw, achievement, "creditsAvailable", NUMBERS)
    for key in ("fieldOfStudy", "humanCode", "specialization"):
        _maybe(draw, achievement, key, TEXT)
    _maybe(draw, achievement, "version", LOOSE)
    _maybe(draw, achievement, "image", images())
    _maybe(draw, achievement, "otherIdentifier", st.lists(identifier_entries(), min_size=1, max_size=2))
    if draw(st.booleans()):
        achievement["related"] = _one_or_many(draw, related(contexts))
    if draw(st.booleans()):
        achievement["resultDescription"] = _many(draw, result_descriptions(), max_size=2)
    _maybe(draw, achievement, "tag", st.lists(NAME, max_size=4) | NAME)
    if contexts.defines("inLanguage"):
        _maybe(draw, achievement, "inLanguage", LANGUAGES)
    if contexts.defines("endorsementJwt"):
        _maybe(draw, achievement, "endorsementJwt", st.lists(st.just("eyJ.e30.c2ln"), min_size=1, max_size=2))
    if depth > 0 and draw(st.integers(0, 2)) == 0:
        achievement["endorsement"] = _one_or_many(draw, endorsements(contexts, depth - 1), max_size=2)
    return achievement


@st.composite
def identity_objects(draw: st.DrawFn) -> Json:
    """``IdentityObject``: a salted SHA-256 hash of an identifier, or the identifier in plain text."""
    identifier = draw(st.sampled_from(["learner@example.com", "학생@예시.한국", "20241234"]) | TEXT)
    identity: Json = {"type": "IdentityObject", "identityType": draw(IDENTIFIER_TYPES)}
    if draw(st.booleans()):
        salt = draw(st.sampled_from(["", "Kosher", "소금"]) | TEXT)
        identity["hashed"] = True
        identity["identityHash"] = "sha256$" + hashlib.sha256((identifier + salt).encode()).hexdigest()
        if salt or draw(st.booleans()):
            identity["salt"] = salt
    else:
        identity["hashed"] = False
        identity["identityHash"] = identifier
    return identity


@st.composite
def results(draw: st.DrawFn, description_ids: list[str]) -> Json:
    result: Json = {"type": _type_value(draw, "Result")}
    described_by = st.sampled_from(description_ids) | IRI if description_ids else IRI
    _maybe(draw, result, "resultDescription", described_by)
    _maybe(draw, result, "achievedLevel", IRI)
    _maybe(draw, result, "status", RESULT_STATUSES)
    _maybe(draw, result, "value", LOOSE)
    if draw(st.booleans()):
        result["alignment"] = _many(draw, alignments(), max_size=2)
    return result


@st.composite
def achievement_subjects(draw: st.DrawFn, contexts: ContextSet, achievement: Any) -> Json:
    subject: Json = {"type": _type_value(draw, "AchievementSubject"), "achievement": achievement}
    has_id = draw(st.booleans())
    if has_id:
        subject[_id_key(draw)] = draw(IRI)
    if not has_id or draw(st.booleans()):
        subject["identifier"] = _many(draw, identity_objects(), max_size=3)
    for key in ("activityStartDate", "activityEndDate"):
        _maybe(draw, subject, key, DATETIME | DATE)
    _maybe(draw, subject, "creditsEarned", NUMBERS)
    _maybe(draw, subject, "image", images())
    for key in ("licenseNumber", "narrative", "role", "term"):
        _maybe(draw, subject, key, TEXT)
    if draw(st.booleans()):
        described = achievement.get("resultDescription", []) if isinstance(achievement, dict) else []
        ids = [item["id"] for item in described if isinstance(item, dict)]
        subject["result"] = _many(draw, results(ids), max_size=3)
    _maybe(draw, subject, "source", profiles(contexts, 0, anonymous=True) | IRI)
    return subject


@st.composite
def evidence(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 4)) == 0:
        return draw(IRI)  # evidence is @id-coerced in VC 2.0 and VC 1.1
    item: Json = {"type": _type_value(draw, "Evidence")}
    _maybe(draw, item, "id", IRI)
    for key in ("narrative", "name", "description", "genre", "audience"):
        _maybe(draw, item, key, NAME)
    return item


@st.composite
def credential_statuses(draw: st.DrawFn, contexts: ContextSet) -> Json:
    if contexts.extensions and draw(st.booleans()):
        return {"id": draw(IRI), "type": "1EdTechRevocationList"}
    if contexts.vc == 1:
        return {"id": draw(IRI), "type": draw(EXTRA_TYPE)}
    entry: Json = {
        "id": draw(IRI),
        "type": "BitstringStatusListEntry",
        "statusPurpose": draw(st.sampled_from(["revocation", "suspension", "message"])),
        "statusListIndex": draw(st.integers(0, 131071).map(str) | st.integers(0, 131071)),
        "statusListCredential": draw(IRI),
    }
    _maybe(draw, entry, "statusSize", st.integers(1, 8) | NUMBERS)
    _maybe(draw, entry, "statusReference", IRI)
    if draw(st.booleans()):
        messages = st.fixed_dictionaries({"status": st.sampled_from(["0x0", "0x1"]), "message": NAME})
        entry["statusMessage"] = draw(st.lists(messages, min_size=1, max_size=3))
    return entry


@st.composite
def credential_schemas(draw: st.DrawFn, contexts: ContextSet) -> Json:
    if contexts.extensions and draw(st.booleans()):
        return {"id": draw(IRI), "type": "1EdTechJsonSchemaValidator2019"}
    if contexts.vc == 1:
        return {"id": draw(IRI), "type": draw(EXTRA_TYPE)}
    schema: Json = {"id": draw(IRI), "type": "JsonSchema"}
    # jsonSchema is an @json literal: its RDF form is the JSON canonicalization (JCS) of the value.
    _maybe(draw, schema, "jsonSchema", st.dictionaries(TEXT, JSON_VALUE, max_size=4))
    return schema


@st.composite
def refresh_services(draw: st.DrawFn, contexts: ContextSet) -> Json:
    kind = "1EdTechCredentialRefresh" if contexts.extensions and draw(st.booleans()) else draw(EXTRA_TYPE)
    return {"id": draw(IRI), "type": kind}


@st.composite
def terms_of_use(draw: st.DrawFn) -> Json:
    # TermsOfUse has no context of its own: its properties are absolute IRIs or nothing.
    terms: Json = {"type": draw(EXTRA_TYPE)}
    _maybe(draw, terms, "id", IRI)
    _maybe(draw, terms, "https://example.edu/ns#policy", TEXT)
    return terms


# -- whole credentials -----------------------------------------------------------------------------


@st.composite
def credentials(
    draw: st.DrawFn,
    contexts: ContextSet | None = None,
    *,
    with_proof: bool = True,
) -> Json:
    """An ``OpenBadgeCredential`` as JSON, over a drawn (or the given) context set."""
    contexts = contexts or draw(st.sampled_from(CONTEXT_SETS))
    kind = draw(st.sampled_from(["OpenBadgeCredential", "OpenBadgeCredential", "AchievementCredential"]))
    types = ["VerifiableCredential", kind]
    achievement = draw(achievements(contexts) | IRI.map(lambda iri: {"id": iri, "type": "Achievement"}))
    subject = draw(achievement_subjects(contexts, achievement))
    credential: Json = {
        "@context": contexts.urls,
        "type": draw(st.permutations(types) | EXTRA_TYPE.map(lambda extra: [*types, extra])),
        "issuer": draw(issuers(contexts)),
        "credentialSubject": subject,
        "validFrom" if contexts.vc == 2 else "issuanceDate": draw(DATETIME),
    }
    if draw(st.integers(0, 5)):
        credential[_id_key(draw)] = draw(IRI | st.uuids().map(lambda uuid: f"urn:uuid:{uuid}"))
    if draw(st.integers(0, 4)) == 0:
        credential["credentialSubject"] = [subject, draw(achievement_subjects(contexts, achievement))]
    _maybe(draw, credential, "name", NAME)
    _maybe(draw, credential, "description", TEXT)
    _maybe(draw, credential, "image", images())
    _maybe(draw, credential, "validUntil" if contexts.vc == 2 else "expirationDate", DATETIME)
    if contexts.defines("awardedDate"):
        _maybe(draw, credential, "awardedDate", DATETIME)
    if draw(st.booleans()):
        credential["evidence"] = _one_or_many(draw, evidence())
    if draw(st.integers(0, 2)) == 0:
        credential["endorsement"] = _one_or_many(draw, endorsements(contexts), max_size=2)
    if contexts.defines("endorsementJwt"):
        _maybe(draw, credential, "endorsementJwt", st.lists(st.just("eyJ.e30.c2ln"), min_size=1, max_size=2))
    if draw(st.booleans()):
        credential["credentialSchema"] = _one_or_many(draw, credential_schemas(contexts), max_size=2)
    _maybe(draw, credential, "credentialStatus", credential_statuses(contexts))
    _maybe(draw, credential, "refreshService", refresh_services(contexts))
    if draw(st.booleans()):
        credential["termsOfUse"] = _one_or_many(draw, terms_of_use(), max_size=2)
    if contexts.defines("jti"):
        _maybe(draw, credential, "jti", IRI)
    if with_proof and draw(st.integers(0, 3)) == 0:
        credential["proof"] = _one_or_many(draw, proofs(contexts), max_size=2)
    return credential


@st.composite
def unsigned_credentials(draw: st.DrawFn) -> Json:
    """A credential ready for an eddsa-rdfc-2022 proof, whose terms VC 1.1 lacks.

    VC 1.1 documents name a Data Integrity context for them, as the specification asks.
    """
    contexts = draw(st.sampled_from(CONTEXT_SETS))
    credential = draw(credentials(contexts, with_proof=False))
    if contexts.vc == 1:
        credential["@context"] = [*contexts.urls, draw(st.sampled_from(DATA_INTEGRITY))]
    return credential


# -- JSON-LD beyond plain OB 3.0 JSON --------------------------------------------------------------


def _language_value(draw: st.DrawFn, credential: Json, contexts: ContextSet) -> None:
    credential["name"] = {"@value": draw(NAME), "@language": draw(LANGUAGES)}


def _typed_value(draw: st.DrawFn, credential: Json, contexts: ContextSet) -> None:
    credential["description"] = {"@value": draw(TEXT), "@type": "https://example.edu/ns#Markdown"}


def _embedded_context(draw: st.DrawFn, credential: Json, contexts: ContextSet) -> None:
    endorsement = draw(endorsements(contexts))
    credential["endorsement"] = [{"@context": contexts.urls, **endorsement}]


def _blank_node_id(draw: st.DrawFn, credential: Json, contexts: ContextSet) -> None:
    subjects = credential["credentialSubject"]
    subject = subjects[0] if isinstance(subjects, list) else subjects
    subject.pop("@id", None)
    subject["id"] = draw(st.sampled_from(["_:learner", "_:b0", "_:c14n0"]))


def _empty_values(draw: st.DrawFn, credential: Json, contexts: ContextSet) -> None:
    credential["evidence"] = draw(st.sampled_from([[], [{}], {}]))


def _null_json_literal(draw: st.DrawFn, credential: Json, contexts: ContextSet) -> None:
    # JSON-LD 1.1 keeps null as a JSON literal ("null"^^rdf:JSON) rather than dropping it.
    if contexts.vc == 2:
        credential["credentialSchema"] = {"id": draw(IRI), "type": "JsonSchema", "jsonSchema": None}


def _absolute_iri_keys(draw: st.DrawFn, credential: Json, contexts: ContextSet) -> None:
    credential["https://example.edu/ns#note"] = draw(LOOSE)
    credential["https://example.edu/ns#nested"] = {"https://example.edu/ns#deep": draw(NAME)}


EXTRAS: tuple[Callable[[st.DrawFn, Json, ContextSet], None], ...] = (
    _language_value,
    _typed_value,
    _embedded_context,
    _blank_node_id,
    _empty_values,
    _null_json_literal,
    _absolute_iri_keys,
)


@st.composite
def jsonld_variants(draw: st.DrawFn) -> Json:
    """A credential with one JSON-LD shape that plain OB 3.0 JSON does not use."""
    contexts = draw(st.sampled_from(CONTEXT_SETS))
    credential = draw(credentials(contexts))
    draw(st.sampled_from(EXTRAS))(draw, credential, contexts)
    return credential


# -- what safe mode must refuse --------------------------------------------------------------------


def node_objects(value: Any) -> list[Json]:
    """Every JSON object of a credential that JSON-LD reads as a node (not JSON literals)."""
    if isinstance(value, list):
        return [node for item in value for node in node_objects(item)]
    if not isinstance(value, dict):
        return []
    nested = [node_objects(item) for key, item in value.items() if key not in ("@context", "jsonSchema")]
    return [value, *(node for nodes in nested for node in nodes)]


@st.composite
def unsafe_variants(draw: st.DrawFn) -> tuple[str, Json]:
    """A credential with one change safe mode rejects, anywhere in it, and what the change was."""
    credential = draw(credentials())
    node = draw(st.sampled_from(node_objects(credential)))
    change = draw(st.sampled_from(["undefined term", "null value", "relative id", "relative type"]))
    if change == "undefined term":
        node[draw(st.sampled_from(["favouriteColour", "Name", "achievment", "유형"]))] = draw(LOOSE)
    elif change == "null value":
        properties = [key for key in node if key not in ("@context", "id", "@id", "type")]
        node[draw(st.sampled_from(properties)) if properties else "name"] = None
    elif change == "relative id":
        node.pop("@id", None)
        node["id"] = draw(st.sampled_from(["badges/1", "#me", "../x", "배지"]))
    else:
        types = node.get("type", [])
        node["type"] = [*(types if isinstance(types, list) else [types]), "NotAType"]
    return change, credential


# -- what Laurel itself issues ---------------------------------------------------------------------


@st.composite
def laurel_credentials(draw: st.DrawFn) -> Json:
    """A credential from Laurel's own builder: one language of a Korean and English pair."""
    language = draw(st.sampled_from(["ko", "en"]))
    other = "en" if language == "ko" else "ko"
    slug = draw(SLUG)
    descriptions = tuple(
        ob3.ResultDescription(
            id=f"https://example.edu/achievements/{slug}/results/{index}",
            name=draw(st.sampled_from(KOREAN + ENGLISH)),
            result_type=draw(RESULT_TYPES).removeprefix("ext:"),
            allowed_values=tuple(draw(st.lists(st.sampled_from(["A", "B", "C", "합격"]), max_size=3))),
        )
        for index in range(draw(st.integers(0, 2)))
    )
    issuer = ob3.IssuerProfile(id="https://example.edu/issuer", name=draw(st.sampled_from(KOREAN + ENGLISH)))
    achievement = ob3.AchievementInfo(
        id=f"https://example.edu/achievements/{slug}/{language}",
        name=draw(st.sampled_from(KOREAN if language == "ko" else ENGLISH)),
        description=draw(st.sampled_from(KOREAN + ENGLISH)),
        criteria=ob3.Criteria(narrative=draw(st.sampled_from(KOREAN + ENGLISH))),
        achievement_type=draw(st.none() | ACHIEVEMENT_TYPES),
        alignments=tuple(
            ob3.Alignment(
                target_name=name, target_url=f"https://example.edu/skills/{name}", target_type="CFItem"
            )
            for name in draw(st.lists(SLUG, max_size=3))
        ),
        tags=tuple(draw(st.lists(st.sampled_from(KOREAN + ENGLISH), max_size=3))),
        in_language=language,
        related=(ob3.Related(id=f"https://example.edu/achievements/{slug}/{other}", in_language=other),),
        result_descriptions=descriptions,
        credits_available=draw(st.none() | st.sampled_from([0, 1, 3, 1.5, 0.1])),
    )
    chosen = draw(st.lists(st.sampled_from(descriptions), max_size=2, unique=True)) if descriptions else []
    results = [ob3.Result(result_description=item.id, status="Completed") for item in chosen]
    start = datetime(2024, 3, 1, 9, tzinfo=UTC)
    return ob3.build_credential(
        credential_id=f"urn:uuid:{draw(st.uuids())}",
        issuer=issuer,
        achievement=achievement,
        recipient=ob3.Recipient(
            did=draw(st.none() | st.just("did:example:learner")),
            email="learner@example.com",
            salt="Kosher",
            name=draw(st.none() | st.sampled_from(["김하늘", "Haneul Kim"])),
        ),
        name=achievement.name,
        valid_from=start,
        awarded_date=draw(st.none() | st.just(start)),
        evidence=[
            ob3.Evidence(id=f"https://example.edu/evidence/{n}", name="과제")
            for n in range(draw(st.integers(0, 2)))
        ],
        results=results,
    )
