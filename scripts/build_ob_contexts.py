"""Writes Laurel's Open Badges 3.0 context documents (3.0.1, 3.0.2, 3.0.3) from one vocabulary table.

The three published versions differ in small ways (typed strings, protected scopes, a few IRIs and
terms); keeping them as one table with those differences spelled out is easier to review than three
14 kB documents. tests/vc/test_context_sources.py checks the committed files are this script's output,
and tests/vc/test_contexts.py that they expand like the official documents, term by term.

Run: python scripts/build_ob_contexts.py [OUTPUT_DIR]   (default: laurel/vc/contexts)
"""

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "laurel" / "vc" / "contexts"
OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
SDO = "https://schema.org/"
XSD = "https://www.w3.org/2001/XMLSchema#"

# Property kinds.
TEXT = "text"  # a plain string: typed xsd:string in 3.0.1 only
NODE = "node"  # an embedded object or untyped value: never coerced
REF = "ref"  # an IRI: coerced with "@type": "@id"


def prop(iri, kind=NODE, container=None, since="3.0.1", until="3.0.3"):
    return {"iri": iri, "kind": kind, "container": container, "since": since, "until": until}


def image_iri(version, *, top_level=False):
    # 3.0.1 and 3.0.2 pointed the scoped `image` terms at the class IRI (#Image);
    # 3.0.2 also did so at top level; 3.0.3 fixed all of them back to #image.
    if version == "3.0.3" or (top_level and version == "3.0.1"):
        return OB + "image"
    return OB + "Image"


def image(version, top_level=False):
    return prop(image_iri(version, top_level=top_level), REF)


CLASSES = {
    "Achievement": lambda v: {
        "achievementType": prop(OB + "achievementType", TEXT),
        "alignment": prop(OB + "alignment", container="@set"),
        "creator": prop(OB + "creator"),
        "creditsAvailable": prop(OB + "creditsAvailable", "float"),
        # The property `criteria` is mapped to the class IRI by every published version.
        "criteria": prop(OB + "Criteria", REF),
        "fieldOfStudy": prop(OB + "fieldOfStudy", TEXT),
        "humanCode": prop(OB + "humanCode", TEXT),
        "image": image(v),
        "inLanguage": prop(SDO + "inLanguage", since="3.0.3"),
        "otherIdentifier": prop(OB + "otherIdentifier", container="@set"),
        "related": prop(OB + "related", container="@set"),
        "resultDescription": prop(OB + "resultDescription", container="@set"),
        "specialization": prop(OB + "specialization", TEXT),
        "tag": prop(SDO + "keywords", TEXT, container="@set"),
        "version": prop(OB + "version", TEXT),
    },
    "AchievementSubject": lambda v: {
        "achievement": prop(OB + ("achievement" if v == "3.0.3" else "achievement-0")),
        "activityEndDate": prop(OB + "activityEndDate", "date"),
        "activityStartDate": prop(OB + "activityStartDate", "date"),
        "creditsEarned": prop(OB + "creditsEarned", "float"),
        "identifier": prop(OB + "identifier", container="@set"),
        "image": image(v),
        "licenseNumber": prop(OB + "licenseNumber", TEXT),
        "result": prop(OB + "result", container="@set"),
        "role": prop(OB + "role", TEXT),
        "source": prop(OB + "source", REF),
        "term": prop(OB + "term", TEXT),
    },
    "Address": lambda v: {
        "addressCountry": prop(SDO + "addressCountry", TEXT),
        "addressCountryCode": prop(OB + "CountryCode", TEXT),
        "addressLocality": prop(SDO + "addressLocality", TEXT),
        "addressRegion": prop(SDO + "addressRegion", TEXT),
        "geo": prop(OB + "GeoCoordinates"),
        "postOfficeBoxNumber": prop(SDO + "postOfficeBoxNumber", TEXT),
        "postalCode": prop(SDO + "postalCode", TEXT),
        "streetAddress": prop(SDO + "streetAddress", TEXT),
    },
    "Alignment": lambda v: {
        "targetCode": prop(OB + "targetCode", TEXT),
        "targetDescription": prop(SDO + "targetDescription", TEXT),
        "targetFramework": prop(SDO + "targetFramework", TEXT),
        "targetName": prop(SDO + "targetName", TEXT),
        "targetType": prop(OB + "targetType", TEXT),
        "targetUrl": prop(SDO + "targetUrl", "anyURI"),
    },
    "EndorsementSubject": lambda v: {
        "endorsementComment": prop(OB + "endorsementComment", TEXT),
    },
    "Evidence": lambda v: {
        "audience": prop(SDO + "audience", TEXT),
        "genre": prop(SDO + "genre", TEXT),
    },
    "GeoCoordinates": lambda v: {
        "latitude": prop(SDO + "latitude", TEXT),
        "longitude": prop(SDO + "longitude", TEXT),
    },
    "IdentifierEntry": lambda v: {
        "identifier": prop(OB + "identifier", TEXT),
        "identifierType": prop(OB + "identifierType", TEXT),
    },
    "IdentityObject": lambda v: {
        "hashed": prop(OB + "hashed", "boolean"),
        "identityHash": prop(OB + "identityHash", TEXT),
        "identityType": prop(OB + "identityType", TEXT),
        "salt": prop(OB + "salt", TEXT),
    },
    "Image": lambda v: {
        "caption": prop(SDO + "caption", TEXT),
    },
    "Profile": lambda v: {
        "additionalName": prop(SDO + "additionalName", TEXT),
        "address": prop(OB + "address", REF),
        "dateOfBirth": prop(OB + "dateOfBirth", "date"),
        "email": prop(SDO + "email", TEXT),
        "familyName": prop(SDO + "familyName", TEXT),
        "familyNamePrefix": prop(OB + "familyNamePrefix", TEXT),
        "givenName": prop(SDO + "givenName", TEXT),
        "honorificPrefix": prop(SDO + "honorificPrefix", TEXT),
        "honorificSuffix": prop(SDO + "honorificSuffix", TEXT),
        "image": image(v),
        "official": prop(OB + "official", TEXT),
        "otherIdentifier": prop(OB + "otherIdentifier", container="@set"),
        "parentOrg": prop(OB + "parentOrg", REF),
        "patronymicName": prop(OB + "patronymicName", TEXT),
        "phone": prop(OB + "phone", TEXT),
    },
    "Related": lambda v: {
        "inLanguage": prop(SDO + "inLanguage", since="3.0.3"),
        "version": prop(OB + "version", TEXT),
    },
    "Result": lambda v: {
        "achievedLevel": prop(OB + "achievedLevel", "anyURI"),
        "resultDescription": prop(OB + "resultDescription", "anyURI"),
        "status": prop(OB + "status", TEXT),
        "value": prop(SDO + "value", TEXT),
    },
    "ResultDescription": lambda v: {
        # 3.0.1 kept allowed values as an unordered set of xsd:string; 3.0.2 made it an ordered list.
        "allowedValue": (
            prop(OB + "allowedValue", TEXT, container="@set")
            if v == "3.0.1"
            else prop(OB + "allowedValue", container="@list")
        ),
        "requiredLevel": prop(OB + "requiredLevel", "anyURI"),
        "requiredValue": prop(OB + "requiredValue", TEXT),
        "resultType": prop(OB + "resultType", TEXT),
        "rubricCriterionLevel": prop(OB + "rubricCriterionLevel", container="@set"),
        "valueMax": prop(OB + "valueMax", TEXT),
        "valueMin": prop(OB + "valueMin", TEXT),
    },
    "RubricCriterionLevel": lambda v: {
        "level": prop(OB + "level", TEXT),
        "points": prop(OB + "points", TEXT),
    },
}

# Classes without a scoped context.
PLAIN_CLASSES = {
    "AchievementCredential": OB + "OpenBadgeCredential",
    "Criteria": OB + "Criteria",
    "EndorsementCredential": OB + "EndorsementCredential",
    "OpenBadgeCredential": OB + "OpenBadgeCredential",
}
CLASS_IRIS = {name: OB + name for name in CLASSES} | {"Alignment": SDO + "AlignmentObject"}


def top_properties(v):
    return {
        "alignment": prop(OB + "alignment", container="@set"),
        "awardedDate": prop(OB + "awardedDate", "awardedDate") if v != "3.0.2" else None,
        "description": prop(SDO + "description", TEXT),
        "endorsement": prop(OB + "endorsement", container="@set"),
        "endorsementJwt": prop(OB + "endorsementJwt", container="@set", since="3.0.3"),
        "image": image(v, top_level=True),
        "inLanguage": prop(SDO + "inLanguage", since="3.0.3"),
        "jti": prop("https://www.iana.org/assignments/jwt#jti", REF, since="3.0.3"),
        "name": prop(SDO + "name", TEXT),
        "narrative": prop(OB + "narrative", TEXT),
        "url": prop(SDO + "url", "anyURI"),
    }


def datatype(kind, v):
    if kind == REF:
        return "@id"
    if kind == NODE:
        return None
    if kind == "awardedDate":
        # 3.0.3 writes the compact form without declaring the xsd prefix, so it stays a
        # literal "xsd:dateTime" unless an earlier context declares xsd: keep it verbatim.
        return "xsd:dateTime"
    if kind == TEXT:
        return "xsd:string" if v == "3.0.1" else None
    # 3.0.1 declares the xsd prefix and uses it; later versions spell the IRI out.
    return "xsd:" + kind if v == "3.0.1" else XSD + kind


def definition(p, v):
    if p is None or not (p["since"] <= v <= p["until"]):
        return None
    out = {"@id": p["iri"]}
    dt = datatype(p["kind"], v)
    if dt:
        out["@type"] = dt
    if p["container"]:
        out["@container"] = p["container"]
    return out


def header(v):
    # 3.0.2 made every context protected and re-declared the keyword aliases inside each scope.
    return {"@protected": True, "id": "@id", "type": "@type"} if v != "3.0.1" else {}


def terms(props, v):
    out = {}
    for name in sorted(props):
        d = definition(props[name], v)
        if d:
            out[name] = d
    return out


def ob3(v):
    ctx = header(v) or {"id": "@id", "type": "@type"}
    if v == "3.0.1":
        ctx["xsd"] = XSD
    classes = {name: {"@id": iri} for name, iri in PLAIN_CLASSES.items()}
    for name, build in CLASSES.items():
        classes[name] = {"@id": CLASS_IRIS[name], "@context": header(v) | terms(build(v), v)}
    for name in sorted(classes):
        ctx[name] = classes[name]
    ctx.update(terms(top_properties(v), v))
    return {"@context": ctx}


VERSIONS = ("3.0.1", "3.0.2", "3.0.3")


def render(version):
    return json.dumps(ob3(version), indent=2, ensure_ascii=False) + "\n"


def main(out=OUT):
    for version in VERSIONS:
        (out / f"ob-{version}.jsonld").write_text(render(version), encoding="utf-8")


if __name__ == "__main__":
    import sys

    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
