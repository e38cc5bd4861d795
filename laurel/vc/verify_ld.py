"""The offline document checks: credential structure and safe-mode JSON-LD expansion."""

from collections.abc import Mapping
from typing import Any

from laurel.vc import compiled, jsonld, schema
from laurel.vc.verify_keys import issuer_id
from laurel.vc.verify_report import Check

VC_CONTEXTS = ("https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1")
OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
ENDORSEMENT_TYPE = "EndorsementCredential"
_MAX_SHOWN = 5


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _base_problems(credential: Mapping[str, Any]) -> list[str]:
    """What every verifiable credential needs, whatever its type."""
    problems = []
    contexts = _as_list(credential.get("@context"))
    if not contexts or contexts[0] not in VC_CONTEXTS:
        problems.append("@context: the first context must be the W3C credentials context")
    types = _as_list(credential.get("type"))
    if not all(isinstance(kind, str) for kind in types) or "VerifiableCredential" not in types:
        problems.append("type: must be a list of strings including VerifiableCredential")
    if issuer_id(credential) is None:
        problems.append("issuer: must be a URI or an object with an id")
    subjects = _as_list(credential.get("credentialSubject"))
    if not subjects or not all(isinstance(subject, Mapping) for subject in subjects):
        problems.append("credentialSubject: must be an object")
    if "id" in credential and not isinstance(credential["id"], str):
        problems.append("id: must be a URI string")
    return problems


def _profile_problems(credential: Mapping[str, Any]) -> tuple[list[str], bool]:
    """Laurel's OB 3.0 schema checks when the credential claims an OB type; (problems, ran)."""
    types = set(_as_list(credential.get("type")))
    if types & OB_TYPES:
        check = schema.check_credential
    elif ENDORSEMENT_TYPE in types:
        check = schema.check_endorsement
    else:
        return [], False
    # The proof is judged by the proof check; the OB schema's idea of its shape (an array) is
    # stricter than Data Integrity's single proof object, which every issuer uses.
    unsecured = {name: value for name, value in credential.items() if name != "proof"}
    return [str(problem) for problem in check(unsecured)], True


def _shown(problems: list[str]) -> str:
    """The first few problems for a one-line message; the details keep them all."""
    return "; ".join(problems[:_MAX_SHOWN]) + (" …" if len(problems) > _MAX_SHOWN else "")


def check_structure(credential: Mapping[str, Any]) -> Check:
    """The credential's shape: a VerifiableCredential, and a valid OB 3.0 one if it says so."""
    problems = _base_problems(credential)
    profile_checked = False
    if not problems:
        problems, profile_checked = _profile_problems(credential)
    details: dict[str, Any] = {"problems": problems, "ob3_schema": profile_checked}
    if problems:
        shown = _shown(problems)
        return Check(
            "structure",
            "fail",
            f"The credential is malformed: {shown}",
            f"자격 증명의 구조가 올바르지 않습니다: {shown}",
            details,
        )
    kinds = [kind for kind in _as_list(credential.get("type")) if kind != "VerifiableCredential"]
    name = ", ".join(kinds) or "VerifiableCredential"
    return Check(
        "structure",
        "pass",
        f"The credential is a well-formed {name}.",
        f"올바른 형식의 {name}입니다.",
        details,
    )


class CredentialWalk:
    """The credential's compiled walk, made at most once per verification: the JSON-LD check
    reads its quads, the proof check canonicalizes the credential without its proof from it."""

    def __init__(self, credential: Mapping[str, Any]) -> None:
        self.credential = credential
        self._walked: compiled.Walked | None = None
        self._tried = False

    def get(self) -> compiled.Walked | None:
        """The walk, or None when the compiled path does not take the credential."""
        if not self._tried:
            self._tried = True
            try:
                self._walked = compiled.walk_signed(self.credential)
            except (jsonld.JsonLdError, ValueError):
                pass
        return self._walked


def check_jsonld(
    credential: Mapping[str, Any],
    extra_contexts: Mapping[str, Mapping[str, Any]] | None,
    walk: CredentialWalk | None = None,
) -> Check:
    """Expand in safe mode with known contexts only; remote contexts fail and are never fetched.

    ``walk``, when given, is the walk of this credential the proof check will share.
    """
    if not extra_contexts and _compiles_cleanly((walk or CredentialWalk(credential)).get()):
        return _JSONLD_PASS
    try:
        result = jsonld.analyze(credential, extra_contexts=extra_contexts)
        problems, dependent = result.problems, result.issuer_dependent
    except jsonld.UnknownContextError as error:
        return Check(
            "jsonld",
            "fail",
            f"The credential uses an unknown context: {error}.",
            f"알 수 없는 컨텍스트를 사용합니다(컨텍스트는 내려받지 않습니다): {error}.",
            {"reason": "unknown context", "error": str(error)},
        )
    except (jsonld.JsonLdError, ValueError) as error:  # pyld reports some bad IRIs as ValueError
        problems, dependent = [str(error)], []
    if problems:
        shown = _shown(problems)
        return Check(
            "jsonld",
            "fail",
            f"The credential is not valid JSON-LD: {shown}",
            f"자격 증명이 올바른 JSON-LD가 아닙니다: {shown}",
            {"problems": problems},
        )
    if dependent:
        terms = ", ".join(dependent[:_MAX_SHOWN])
        return Check(
            "jsonld",
            "warning",
            f"Some terms have issuer-dependent meaning (no published vocabulary defines them): {terms}",
            f"발급자마다 의미가 다를 수 있는 용어가 있습니다(공개된 어휘에 정의되지 않음): {terms}",
            {"issuer_dependent": dependent},
        )
    return _JSONLD_PASS


_JSONLD_PASS = Check(
    "jsonld",
    "pass",
    "Every term is defined by a known JSON-LD context.",
    "모든 용어가 알려진 JSON-LD 컨텍스트에 정의되어 있습니다.",
)
_ISSUER_DEPENDENT_TERM = "<" + jsonld.ISSUER_DEPENDENT


def _compiles_cleanly(walked: compiled.Walked | None) -> bool:
    """The fast path: the compiled walk accepts only what safe mode accepts, so a document it turns
    into RDF, with no issuer-dependent IRI in it, passes. Anything else gets the generic analysis,
    which names each problem."""
    if walked is None:
        return False
    return not any(
        predicate.startswith(_ISSUER_DEPENDENT_TERM) or obj.startswith(_ISSUER_DEPENDENT_TERM)
        for _, predicate, obj, _ in walked.quads
    )
