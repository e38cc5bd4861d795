"""Finding the key that signed a credential, and whether that key belongs to the issuer.

Keys are named by a verification method id (Data Integrity) or a JOSE ``kid``/``jwk`` header
(VC-JWT). ``did:key`` and ``did:jwk`` resolve offline; ``did:web`` and controller documents at
https URLs are fetched through the one SSRF-safe :class:`~laurel.vc.fetch.Fetcher`.
A method missing from the issuer's DID document was withdrawn (or marked compromised) and fails.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from laurel.vc import did_web, multibase
from laurel.vc.fetch import Fetcher, FetchError
from laurel.vc.jwt import public_key_from_header
from laurel.vc.keys import (
    KeyFormatError,
    PublicKey,
    public_key_from_did_key,
    public_key_from_verification_method,
)
from laurel.vc.verify_input import InputError, parse_json_text

KeySource = Literal["did:key", "did:jwk", "did:web", "controller-document", "jwk"]


@dataclass(frozen=True)
class Problem:
    """Why a document or key could not be used, in English and Korean."""

    code: str
    message_en: str
    message_ko: str
    fetch_failed: bool = False


class ProblemError(KeyFormatError):
    """Raised from a key resolver; a KeyFormatError so proof verifiers report it as theirs."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message_en)
        self.problem = problem


@dataclass(frozen=True)
class ResolvedKey:
    """The signing key and who controls it (None when nothing links it to anyone)."""

    key: PublicKey
    method_id: str
    controller: str | None
    source: KeySource


@dataclass
class Documents:
    """Fetches JSON documents once per verification, strictly parsed, recording every URL asked."""

    fetcher: Fetcher
    # Set when the credential failed its offline checks: then nothing it names is fetched.
    offline: bool = False
    cache: dict[str, dict[str, Any]] = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)

    def fetch_text(self, url: str) -> str:
        if self.offline:
            raise ProblemError(
                Problem(
                    "not_fetched",
                    f"{url} was not fetched because the credential failed its earlier checks.",
                    f"자격 증명이 앞선 검사를 통과하지 못해 {url} 문서를 가져오지 않았습니다.",
                )
            )
        self.requested.append(url)
        try:
            body = self.fetcher.fetch(url).body
        except FetchError as error:
            raise ProblemError(fetch_problem(url, error)) from error
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ProblemError(bad_document(url, "not UTF-8 text")) from error

    def fetch_json(self, url: str) -> dict[str, Any]:
        if url not in self.cache:
            try:
                self.cache[url] = parse_json_text(self.fetch_text(url))
            except InputError as error:
                raise ProblemError(bad_document(url, str(error))) from error
        return self.cache[url]


def fetch_problem(url: str, error: Exception) -> Problem:
    return Problem(
        "fetch_failed",
        f"Could not fetch {url}: {error}",
        f"{url} 문서를 가져올 수 없습니다: {error}",
        fetch_failed=True,
    )


def bad_document(url: str, reason: str) -> Problem:
    return Problem(
        "bad_document",
        f"The document at {url} is not usable: {reason}",
        f"{url} 문서를 사용할 수 없습니다: {reason}",
    )


def _unresolvable(method_id: str, reason: str) -> Problem:
    return Problem(
        "unresolvable_key",
        f"The verification method {method_id} cannot be resolved: {reason}",
        f"검증 수단 {method_id}을(를) 확인할 수 없습니다: {reason}",
    )


def _withdrawn(method_id: str, did: str) -> Problem:
    return Problem(
        "key_withdrawn",
        f"The signing key {method_id} is no longer published by {did}: "
        "it was withdrawn or marked compromised.",
        f"서명 키 {method_id}는 {did}이(가) 더 이상 게시하지 않습니다. "
        "폐기되었거나 유출된 것으로 표시된 키입니다.",
    )


def _not_assertion(method_id: str) -> Problem:
    return Problem(
        "not_assertion_method",
        f"The key {method_id} may not sign credentials (it is not an assertionMethod).",
        f"키 {method_id}는 자격 증명 서명에 쓸 수 없습니다(assertionMethod가 아닙니다).",
    )


class KeyResolver:
    """Resolves verification methods and JWT headers to keys, remembering the last one found."""

    def __init__(self, documents: Documents) -> None:
        self.documents = documents
        self.resolved: ResolvedKey | None = None
        self.problem: Problem | None = None

    def __call__(self, method_id: str) -> PublicKey:
        """A Data Integrity ``public_key_resolver``: verification method id -> key."""
        try:
            self.resolved = self._resolve(method_id)
        except ProblemError as error:
            self.problem = error.problem
            raise
        return self.resolved.key

    def for_jwt(self, header: dict[str, Any]) -> PublicKey:
        """A VC-JWT key resolver: the ``kid`` when it can be resolved, else the embedded ``jwk``."""
        kid, jwk = header.get("kid"), header.get("jwk")
        try:
            if isinstance(kid, str) and _resolvable(kid):
                key = self(kid)
                if jwk is not None and public_key_from_header(header) != key:
                    raise ProblemError(_unresolvable(kid, "the header's jwk is not the key kid names"))
                return key
            key = public_key_from_header(header)
        except ProblemError as error:
            self.problem = error.problem
            raise
        self.resolved = ResolvedKey(key, kid if isinstance(kid, str) else "jwk", None, "jwk")
        return key

    def _resolve(self, method_id: Any) -> ResolvedKey:
        if not isinstance(method_id, str) or not method_id:
            raise ProblemError(_unresolvable(repr(method_id), "it is not a string"))
        base = method_id.split("#", 1)[0]
        try:
            if base.startswith("did:key:"):
                key = (
                    public_key_from_verification_method(method_id)
                    if "#" in method_id
                    else public_key_from_did_key(method_id)
                )
                return ResolvedKey(key, method_id, key.did_key(), "did:key")
            if base.startswith("did:jwk:"):
                return ResolvedKey(_did_jwk_key(base), method_id, base, "did:jwk")
        except (KeyFormatError, ValueError) as error:
            raise ProblemError(_unresolvable(method_id, str(error))) from error
        if base.startswith("did:web:"):
            return self._from_did_web(method_id, base)
        if base.startswith("https:") or base.startswith("http:"):
            return self._from_controller_document(method_id, base)
        raise ProblemError(_unresolvable(method_id, "unsupported identifier method"))

    def _from_did_web(self, method_id: str, did: str) -> ResolvedKey:
        allow_local = self.documents.fetcher.allow_private
        try:
            document = did_web.resolve_did_web(did, self.documents.fetch_json, allow_local=allow_local)
        except did_web.DidWebSyntaxError as error:
            raise ProblemError(_unresolvable(method_id, str(error))) from error
        except did_web.DidWebError as error:
            raise ProblemError(bad_document(did, str(error))) from error
        return ResolvedKey(self._key_in(document, method_id, did), method_id, did, "did:web")

    def _from_controller_document(self, method_id: str, url: str) -> ResolvedKey:
        if "#" not in method_id:
            raise ProblemError(_unresolvable(method_id, "a controller document method needs a #fragment"))
        document = self.documents.fetch_json(url)
        return ResolvedKey(self._key_in(document, method_id, url), method_id, url, "controller-document")

    def _key_in(self, document: Mapping[str, Any], method_id: str, controller: str) -> PublicKey:
        try:
            return did_web.public_key_for(document, method_id)
        except did_web.UnknownVerificationMethodError as error:
            raise ProblemError(_withdrawn(method_id, controller)) from error
        except did_web.NotAssertionMethodError as error:
            raise ProblemError(_not_assertion(method_id)) from error
        except did_web.DidWebError as error:
            raise ProblemError(bad_document(controller, str(error))) from error


def _resolvable(kid: str) -> bool:
    return kid.startswith(("did:key:", "did:jwk:", "did:web:", "https://", "http://"))


def _did_jwk_key(did: str) -> PublicKey:
    """did:jwk (https://github.com/quartzjer/did-jwk): base64url of the public JWK."""
    text = multibase.decode_base64url(did.removeprefix("did:jwk:")).decode("utf-8")
    jwk = parse_json_text(text)
    if "d" in jwk:
        raise KeyFormatError("a did:jwk must not contain private key material")
    return PublicKey.from_jwk(jwk)


def _is_did_key_of(did: str, key: PublicKey) -> bool:
    try:
        return public_key_from_did_key(did) == key
    except KeyFormatError:
        return False


@dataclass(frozen=True)
class Binding:
    """The outcome of linking the signing key to the issuer."""

    status: Literal["pass", "fail", "warning"]
    message_en: str
    message_ko: str


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """The issuer's id: the string issuer or the ``id`` of the issuer object."""
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def bind_to_issuer(issuer: str, resolved: ResolvedKey) -> Binding:
    """Whether ``resolved`` is the issuer's own key: its controller must be the issuer id.

    An https issuer signing with a did:key (or a bare JWK) is allowed with a warning, since
    nothing published by the issuer vouches for that key.
    """
    controller = resolved.controller
    if resolved.source == "jwk" and issuer.startswith("did:key:"):
        # A bare JWK is the issuer's when the issuer's did:key is that very key.
        controller = issuer if _is_did_key_of(issuer, resolved.key) else None
    if controller == issuer:
        return Binding(
            "pass",
            f"The signing key belongs to the issuer {issuer}.",
            f"서명 키가 발급자 {issuer}의 키입니다.",
        )
    if issuer.startswith(("https://", "http://")) and resolved.source in ("did:key", "did:jwk", "jwk"):
        return Binding(
            "warning",
            f"The issuer {issuer} cannot be linked to its key {resolved.method_id}: "
            "nothing the issuer publishes names this key.",
            f"발급자 {issuer}와(과) 서명 키 {resolved.method_id}를 연결할 수 없습니다. "
            "발급자가 게시한 어떤 문서에도 이 키가 없습니다.",
        )
    owner = controller or "an unknown party"
    return Binding(
        "fail",
        f"The credential was signed with a key of {owner}, not of the issuer {issuer}.",
        f"서명 키의 소유자({controller or '알 수 없음'})가 발급자({issuer})와 다릅니다.",
    )
