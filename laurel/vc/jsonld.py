"""Offline JSON-LD processing for credentials (https://www.w3.org/TR/json-ld11-api/).

Every context a credential may name is shipped in ``laurel/vc/contexts/``; the document loader
serves only those (and whatever a caller supplies explicitly) and never touches the network, so
a hostile ``@context`` cannot make Laurel fetch anything.

Safe mode (the default) turns the silent parts of JSON-LD expansion into errors, because a
signature over canonical N-Quads covers only what survives expansion: a property that is
dropped there could be changed freely without breaking the proof. The rules are those of the
Data Integrity specification's "safe mode": undefined terms, dropped properties and values,
relative ``@id``/``@type`` IRIs and unknown contexts are all rejected with a JSON path.
"""

import copy
import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from pyld import jsonld as pyld  # type: ignore[import-untyped]
from pyld.context_resolver import ContextResolver  # type: ignore[import-untyped]

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

# Where VC 2.0 puts terms an issuer did not define. The published v2 context carries no "@vocab",
# but documents may add {"@vocab": ISSUER_DEPENDENT} themselves, as the VC 2.0 data model suggests.
ISSUER_DEPENDENT = "https://www.w3.org/ns/credentials/issuer-dependent#"

KNOWN_CONTEXTS: Mapping[str, str] = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://www.w3.org/2018/credentials/v1": "credentials-v1.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-2020-v1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-3.0.1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-3.0.2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-3.0.3.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-extensions.jsonld",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": "clr-2.0.1.jsonld",
    "https://w3id.org/openbadges/v2": "ob-v2.jsonld",
    # Open Badges 2.0 names its context by this address too.
    "https://openbadgespec.org/v2/context.json": "ob-v2.jsonld",
}

# An absolute IRI has a scheme (RFC 3987); "_:" starts a blank node identifier.
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S*")
_BLANK_NODE = "_:"
# Processed contexts cached across calls: inline contexts by their content, URLs of ours by URL.
_SHARED_CACHE_SIZE = 256


class JsonLdError(ValueError):
    """A document cannot be processed as JSON-LD."""


class UnknownContextError(JsonLdError):
    """A document names a context Laurel does not carry; it is never fetched."""

    def __init__(self, url: str) -> None:
        super().__init__(f"unknown JSON-LD context {url!r} (contexts are never fetched)")
        self.url = url


class SafeModeError(JsonLdError):
    """Expansion would silently lose or misread data; ``problems`` says where and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("JSON-LD safe mode: " + "; ".join(problems))
        self.problems = problems


@dataclass
class Expansion:
    """The expanded form of a document with what safe mode found along the way."""

    expanded: list[Any]
    problems: list[str] = field(default_factory=list)
    issuer_dependent: list[str] = field(default_factory=list)


@cache
def _read_context(file_name: str) -> str:
    path = CONTEXTS_DIR / file_name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise JsonLdError(f"context file {file_name} is missing from {CONTEXTS_DIR}") from error


def load_context(url: str) -> dict[str, Any]:
    """Return a fresh copy of the context document Laurel ships for ``url``."""
    file_name = KNOWN_CONTEXTS.get(url)
    if file_name is None:
        raise UnknownContextError(url)
    document = json.loads(_read_context(file_name))
    if not isinstance(document, dict):
        raise JsonLdError(f"context file {file_name} is not a JSON object")
    return document


def _remote_document(url: str, document: Any) -> dict[str, Any]:
    # "tag" lets pyld cache the processed context under its URL for the loader's lifetime.
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": document,
        "tag": "static",
    }


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader serving Laurel's own contexts; any other URL is an error."""
    return _remote_document(url, load_context(url))


Loader = Callable[[str, dict[str, Any] | None], dict[str, Any]]


def _loader_for(extra_contexts: Mapping[str, Mapping[str, Any]] | None) -> Loader:
    if not extra_contexts:
        return document_loader
    extra = {url: copy.deepcopy(dict(context)) for url, context in extra_contexts.items()}

    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if url in extra:
            return _remote_document(url, copy.deepcopy(extra[url]))
        return document_loader(url, options)

    return load


class _SharedCache(LRUCache[str, Any]):
    """pyld's processed-context cache, made safe to share between request threads."""

    def __init__(self, maxsize: int) -> None:
        super().__init__(maxsize=maxsize)
        self._lock = threading.RLock()

    def __getitem__(self, key: str) -> Any:
        with self._lock:
            return super().__getitem__(key)

    def __setitem__(self, key: str, value: Any) -> None:
        with self._lock:
            super().__setitem__(key, value)

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            return super().get(key, default)


_known_cache = _SharedCache(_SHARED_CACHE_SIZE)


def _resolver_for(loader: Loader) -> ContextResolver:
    # Contexts supplied by a caller must not leak into the cache of our own, so they get a fresh one.
    shared = _known_cache if loader is document_loader else LRUCache(maxsize=_SHARED_CACHE_SIZE)
    return ContextResolver(shared, loader)


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _shown(path: str) -> str:
    return path or "$"


def is_absolute_iri(value: str) -> bool:
    """True for an absolute IRI or a blank node identifier, the only things RDF keeps."""
    return value.startswith(_BLANK_NODE) or _ABSOLUTE_IRI.fullmatch(value) is not None


@dataclass
class _Frame:
    path: str
    element: Any
    next_index: int = 0


class _SafeProcessor(pyld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's expansion, watched: records where data would be dropped or left relative.

    pyld has no safe mode, so this hooks the three private steps of its expansion algorithm
    (element, object, value). A stack of frames tracks the JSON path of what is expanded.
    """

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.issuer_dependent: list[str] = []
        self._stack: list[_Frame] = []

    def _problem(self, path: str, reason: str) -> None:
        message = f"{_shown(path)}: {reason}"
        if message not in self.problems:
            self.problems.append(message)

    def _child_path(self, active_property: str | None, element: Any) -> str:
        if not self._stack:
            return ""
        parent = self._stack[-1]
        if isinstance(parent.element, list):
            index = parent.next_index
            parent.next_index += 1
            return _join(parent.path, index)
        if isinstance(parent.element, dict):
            if isinstance(active_property, str) and parent.element.get(active_property) is element:
                return _join(parent.path, active_property)
            for key, value in parent.element.items():
                if value is element:
                    return _join(parent.path, key)
        # Values reached through @nest or container maps: the term is the best name we have.
        return _join(parent.path, active_property or "@graph")

    @contextmanager
    def _frame(self, path: str, element: Any) -> Iterator[None]:
        self._stack.append(_Frame(path, element))
        try:
            yield
        finally:
            self._stack.pop()

    def _expand(
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        inside_list: bool = False,
        inside_index: bool = False,
        type_scoped_ctx: Any = None,
    ) -> Any:
        path = self._child_path(active_property, element)
        with self._frame(path, element):
            result = super()._expand(
                active_ctx,
                active_property,
                element,
                options,
                inside_list=inside_list,
                inside_index=inside_index,
                type_scoped_ctx=type_scoped_ctx,
            )
        if result is None:
            if element is None:
                self._problem(path, "null value, so the value is dropped")
            else:
                self._problem(path, "value is dropped during expansion (free-floating or empty)")
        return result

    def _expand_object(
        self,
        active_ctx: Any,
        active_property: Any,
        expanded_active_property: Any,
        element: Any,
        expanded_parent: Any,
        options: Any,
        inside_list: bool = False,
        type_key: Any = None,
        type_scoped_ctx: Any = None,
    ) -> Any:
        path = self._stack[-1].path if self._stack else ""
        keys_for: dict[str, str] = {}
        for key, value in element.items():
            if key == "@context":
                continue
            expanded = self._expand_iri(active_ctx, key, vocab=True)
            if isinstance(expanded, str):
                keys_for.setdefault(expanded, key)
            self._check_key(_join(path, key), expanded, value)
        result = super()._expand_object(
            active_ctx,
            active_property,
            expanded_active_property,
            element,
            expanded_parent,
            options,
            inside_list,
            type_key,
            type_scoped_ctx,
        )
        self._check_node(path, keys_for, expanded_parent)
        return result

    def _check_key(self, path: str, expanded: Any, value: Any) -> None:
        if not isinstance(expanded, str) or not (pyld._is_keyword(expanded) or is_absolute_iri(expanded)):
            self._problem(path, "term is not defined by the active context")
        elif expanded.startswith(_BLANK_NODE):
            self._problem(path, "term expands to a blank node, which RDF drops as a property")
        elif value is None and expanded not in ("@context", "@type"):
            self._problem(path, "null value, so the property is dropped")
        elif expanded.startswith(ISSUER_DEPENDENT):
            self.issuer_dependent.append(path)

    def _check_node(self, path: str, keys_for: dict[str, str], node: Mapping[str, Any]) -> None:
        if "@value" in node:
            return
        node_id = node.get("@id")
        if isinstance(node_id, str) and not is_absolute_iri(node_id):
            self._problem(_join(path, keys_for.get("@id", "@id")), f"relative @id {node_id!r}")
        types = node.get("@type")
        type_list = types if isinstance(types, list) else [types] if types is not None else []
        type_key = _join(path, keys_for.get("@type", "@type"))
        for index, value in enumerate(type_list):
            where = type_key if len(type_list) == 1 else _join(type_key, index)
            if not isinstance(value, str) or pyld._is_keyword(value):
                continue
            if not is_absolute_iri(value):
                self._problem(where, f"relative @type {value!r} (not defined by the active context)")
            elif value.startswith(ISSUER_DEPENDENT) and where not in self.issuer_dependent:
                self.issuer_dependent.append(where)

    def _expand_value(self, active_ctx: Any, active_property: Any, value: Any, options: Any) -> Any:
        result = super()._expand_value(active_ctx, active_property, value, options)
        if isinstance(result, dict) and isinstance(result.get("@id"), str):
            if not is_absolute_iri(result["@id"]):
                path = self._stack[-1].path if self._stack else ""
                self._problem(path, f"relative IRI {result['@id']!r}")
        return result


def _unknown_context_in(error: BaseException) -> UnknownContextError | None:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, UnknownContextError):
            return cause
        cause = cause.__cause__ or cause.__context__
    return None


def _pyld_message(error: Exception) -> str:
    messages: list[str] = []
    cause: BaseException | None = error
    while cause is not None and len(messages) < 4:
        text = cause.args[0] if cause.args else type(cause).__name__
        code = getattr(cause, "code", None)
        messages.append(f"{text} ({code})" if code else str(text))
        cause = cause.__cause__
    return ": ".join(messages)


def _options(loader: Loader) -> dict[str, Any]:
    # No base IRI: pyld would otherwise resolve relative IRIs against http://example.org/base/.
    return {"documentLoader": loader, "contextResolver": _resolver_for(loader), "base": None}


def analyze(
    document: Mapping[str, Any] | list[Any],
    *,
    extra_contexts: Mapping[str, Mapping[str, Any]] | None = None,
) -> Expansion:
    """Expand ``document`` offline and report every safe-mode problem instead of raising them.

    Unknown contexts and invalid JSON-LD still raise: there is no expansion to report on.
    """
    if not isinstance(document, Mapping | list):
        raise JsonLdError(f"a JSON-LD document is an object or an array, not {type(document).__name__}")
    processor = _SafeProcessor()
    try:
        expanded = processor.expand(copy.deepcopy(_plain(document)), _options(_loader_for(extra_contexts)))
    except UnknownContextError:
        raise
    except pyld.JsonLdError as error:
        unknown = _unknown_context_in(error)
        if unknown is not None:
            raise UnknownContextError(unknown.url) from error
        raise JsonLdError(f"invalid JSON-LD: {_pyld_message(error)}") from error
    except RecursionError as error:
        raise JsonLdError("invalid JSON-LD: the document is nested too deeply") from error
    return Expansion(expanded, processor.problems, processor.issuer_dependent)


def _plain(document: Mapping[str, Any] | list[Any]) -> Any:
    return dict(document) if isinstance(document, Mapping) else list(document)


def expand(
    document: Mapping[str, Any] | list[Any],
    *,
    safe: bool = True,
    extra_contexts: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Any]:
    """Expand ``document`` with offline contexts; in safe mode any loss raises SafeModeError."""
    result = analyze(document, extra_contexts=extra_contexts)
    if safe and result.problems:
        raise SafeModeError(result.problems)
    return result.expanded


def issuer_dependent_terms(
    document: Mapping[str, Any] | list[Any],
    *,
    extra_contexts: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[str]:
    """JSON paths of terms and types that expand into the issuer-dependent vocabulary.

    Such terms are kept (and signed), but their meaning is whatever the issuer intends, so a
    verifier should warn about them.
    """
    return analyze(document, extra_contexts=extra_contexts).issuer_dependent


def canonize(
    document: Mapping[str, Any] | list[Any],
    *,
    safe: bool = True,
    extra_contexts: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """RDF Dataset Canonicalization (RDFC-1.0, https://www.w3.org/TR/rdf-canon/) as N-Quads."""
    expanded = expand(document, safe=safe, extra_contexts=extra_contexts)
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", **_options(document_loader)}
    try:
        canonical = pyld.JsonLdProcessor().normalize(expanded, options)
    except pyld.JsonLdError as error:
        raise JsonLdError(f"cannot canonicalize: {_pyld_message(error)}") from error
    except RecursionError as error:
        raise JsonLdError("cannot canonicalize: the document is nested too deeply") from error
    if not isinstance(canonical, str):
        raise JsonLdError("canonicalization did not produce N-Quads")
    return canonical
