"""Compiled JSON-LD to RDF for credentials: one pass over the JSON, no expanded document.

The generic path (:mod:`laurel.vc.jsonld`) expands a credential with pyld, builds a node map
and only then writes RDF; expansion is most of the cost of signing. Here the context list of a
document (a tuple of URLs Laurel ships) is processed once into active contexts, and every
context switch a credential can make (a property-scoped context, a type-scoped context, the
revert to the previous context that ``@propagate: false`` asks for) is processed once too and
remembered on the context it starts from. A credential is then walked once and its quads
written directly, in the same RDF that pyld's ``toRDF`` produces (blank node labels aside).

Context processing, IRI expansion and the literal forms (XSD canonical numbers, JSON literals)
are pyld's own functions, so the compiled path cannot disagree with the generic one about
them. Only the walk is new, and it accepts only the shapes it knows; anything else raises
:class:`NotCompilable` and the caller takes the generic path. A document that safe mode would
reject is handed to the generic path too, so the error raised is exactly its SafeModeError.

Nothing here is keyed on document content: caches hold contexts, keyed by context URLs and by
the terms those contexts define.
"""

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pyld import jsonld as pyld  # type: ignore[import-untyped]
from pyld.canon import URDNA2015  # type: ignore[import-untyped]
from pyld.nquads import serialize_nquads  # type: ignore[import-untyped]

from laurel.vc import jsonld

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# Containers the walk handles: plain values and sets (the same in RDF), and a graph per value.
_PLAIN_CONTAINERS: tuple[frozenset[str], ...] = (frozenset(), frozenset({"@set"}))
_GRAPH_CONTAINERS = (frozenset({"@graph"}), frozenset({"@graph", "@set"}))
_LIST_CONTAINER = frozenset({"@list"})
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"

Term = dict[str, str]  # an RDF term in pyld's dataset form: {"type": ..., "value": ...}
Quad = dict[str, Term]


class NotCompilable(jsonld.JsonLdError):
    """The compiled path does not handle this document; use the generic path instead."""


class _Unsafe(Exception):
    """Safe mode would reject the document; the generic path raises the precise error."""


_PROCESSOR = pyld.JsonLdProcessor()
_OPTIONS: dict[str, Any] = {
    **jsonld._options(jsonld.document_loader),
    "processingMode": "json-ld-1.1",
    "isFrame": False,
    "keepFreeFloatingNodes": False,
}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class _TermInfo:
    """What the walk needs about one term of an active context."""

    iri: str
    container: frozenset[str]
    is_json: bool
    # The active context for the term's values (its property-scoped context applied).
    values: "_Context"


class _Context:
    """A pyld active context with the transitions from it remembered.

    Each transition is computed once by pyld; memo keys are term names the context defines, so
    the memo cannot grow with the documents walked.
    """

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.has_previous = "previousContext" in raw
        self._iris: dict[str, Any] = {}
        self._terms: dict[str, _TermInfo] = {}
        self._children: dict[tuple[str, bool], _Context] = {}
        self._typed: dict[tuple[str, ...], _Context] = {}
        self._previous: _Context | None = None

    def _defines(self, term: str) -> bool:
        return term in self.raw["mappings"]

    def iri(self, key: str, *, vocab: bool = True) -> Any:
        if not vocab:
            return _PROCESSOR._expand_iri(self.raw, key, vocab=False, base=_OPTIONS["base"])
        if key in self._iris:
            return self._iris[key]
        expanded = _PROCESSOR._expand_iri(self.raw, key, vocab=True, base=_OPTIONS["base"])
        if self._defines(key) or key.startswith("@"):
            self._iris[key] = expanded
        return expanded

    def value(self, term: str, name: str) -> Any:
        return pyld.JsonLdProcessor.get_context_value(self.raw, term, name)

    def term(self, key: str, iri: str) -> _TermInfo:
        info = self._terms.get(key)
        if info is None:
            info = self._term(key, iri)
            if self._defines(key):
                self._terms[key] = info
        return info

    def _term(self, key: str, iri: str) -> _TermInfo:
        scoped = self.value(key, "@context")
        values = self
        if scoped is not None:
            values = self._process(scoped, propagate=True, override_protected=True)
        declared = self.value(key, "@container")
        container = frozenset(pyld.JsonLdProcessor.arrayify(declared) if declared is not None else ())
        return _TermInfo(iri, container, self.value(key, "@type") == "@json", values)

    def _process(self, local: Any, **flags: bool) -> "_Context":
        with _LOCK:
            return _Context(_PROCESSOR._process_context(self.raw, local, _OPTIONS, **flags))

    def previous(self) -> "_Context":
        if not self.has_previous:
            return self
        if self._previous is None:
            self._previous = _Context(self.raw["previousContext"])
        return self._previous

    def node(self, key: str, revert: bool) -> "_Context":
        """The context of a node object that is the value of ``key`` (expansion steps 7-8)."""
        cached = self._children.get((key, revert))
        if cached is not None:
            return cached
        active = self.previous() if revert else self
        scoped = self.value(key, "@context")
        if scoped is not None:
            active = active._process(scoped, override_protected=True)
        if self._defines(key):
            self._children[(key, revert)] = active
        return active

    def typed(self, types: list[str]) -> "_Context":
        """The context after the type-scoped contexts of ``types`` (applied in sorted order)."""
        scoped = tuple(sorted(t for t in set(types) if self._scoped(t)))
        if not scoped:
            return self
        cached = self._typed.get(scoped)
        if cached is None:
            with _LOCK:
                raw = self.raw
                for name in scoped:
                    raw = _PROCESSOR._process_context(
                        raw, self.value(name, "@context"), _OPTIONS, propagate=False
                    )
            cached = self._typed[scoped] = _Context(raw)
        return cached

    def _scoped(self, name: str) -> bool:
        local = self.value(name, "@context") if self._defines(name) else None
        return local is not None and local is not False


_ROOTS: dict[tuple[str, ...], _Context] = {}


def compiled_context(urls: tuple[str, ...]) -> _Context:
    """The active context for a list of context URLs, processed once per list."""
    root = _ROOTS.get(urls)
    if root is None:
        unknown = [url for url in urls if url not in jsonld.KNOWN_CONTEXTS]
        if unknown:
            raise NotCompilable(f"context {unknown[0]!r} is not one Laurel ships")
        with _LOCK:
            initial = _PROCESSOR._get_initial_context(_OPTIONS)
            root = _Context(_PROCESSOR.process_context(initial, list(urls), _OPTIONS))
        _ROOTS[urls] = root
    return root


def _context_urls(document: Mapping[str, Any]) -> tuple[str, ...]:
    context = document.get("@context")
    urls = context if isinstance(context, list) else [context]
    if not urls or not all(isinstance(url, str) for url in urls):
        raise NotCompilable("@context must be one context URL or a list of them (no inline contexts)")
    return tuple(urls)


class _Walk:
    """One document's walk: issues blank nodes and collects quads by graph."""

    def __init__(self) -> None:
        self.graphs: dict[str, list[Quad]] = {"@default": []}
        self._seen: set[tuple[Any, ...]] = set()
        # pyld merges values it finds equal (in Python, 1 == 1.0 == True); such cases are left to it.
        self._native: dict[tuple[Any, ...], type] = {}
        self._blank = 0

    def blank(self) -> Term:
        self._blank += 1
        return {"type": "blank node", "value": f"_:b{self._blank - 1}"}

    def add(self, graph: str, subject: Term, predicate: str, obj: Term) -> None:
        key = (graph, subject["value"], predicate, obj["type"], obj["value"], obj.get("datatype"))
        if key in self._seen:
            return
        self._seen.add(key)
        quad = {"subject": subject, "predicate": {"type": "IRI", "value": predicate}, "object": obj}
        self.graphs.setdefault(graph, []).append(quad)

    def note_native(self, graph: str, subject: Term, predicate: str, value: Any, datatype: Any) -> None:
        key = (graph, subject["value"], predicate, datatype, value)
        seen = self._native.setdefault(key, type(value))
        if seen is not type(value):
            raise NotCompilable("values that JSON-LD merges as equal (1, 1.0, true) on one property")

    def root(self, context: _Context, document: Mapping[str, Any]) -> None:
        if not any(key != "@context" and context.iri(key) != "@id" for key in document):
            raise _Unsafe  # a free-floating node, which expansion drops
        self.node(context, document, "@default", root=True)

    def child(self, values: _Context, key: str, element: Mapping[str, Any], graph: str) -> Term:
        revert = True
        if values.has_previous and len(element) == 1:
            (only,) = element
            revert = values.iri(only) != "@id"
        return self.node(values.node(key, revert), element, graph)

    def node(self, context: _Context, element: Mapping[str, Any], graph: str, *, root: bool = False) -> Term:
        if ("@context" in element and not root) or not all(isinstance(k, str) for k in element):
            raise NotCompilable("embedded @context or a non-string key")
        type_keys = [key for key in element if key != "@context" and context.iri(key) == "@type"]
        if len(type_keys) > 1:
            raise NotCompilable("more than one key expands to @type")
        types = _types(element[type_keys[0]]) if type_keys else []
        active = context.typed(types)
        subject = self._subject(active, element)
        for name in types:
            self.add(graph, subject, RDF_TYPE, _iri(context.iri(name)))
        for key, value in element.items():
            if key == "@context" or key in type_keys:
                continue
            iri = active.iri(key)
            if iri == "@id":
                continue
            self.property(active, graph, subject, key, iri, value)
        return subject

    def _subject(self, active: _Context, element: Mapping[str, Any]) -> Term:
        id_keys = [key for key in element if key != "@context" and active.iri(key) == "@id"]
        if not id_keys:
            return self.blank()
        if len(id_keys) > 1 or not isinstance(element[id_keys[0]], str):
            raise NotCompilable("@id must be one string")
        return _iri(active.iri(element[id_keys[0]], vocab=False))

    def property(self, active: _Context, graph: str, subject: Term, key: str, iri: Any, value: Any) -> None:
        if not isinstance(iri, str) or not jsonld.is_absolute_iri(iri) or iri.startswith("_:"):
            raise _Unsafe  # an undefined term, or a blank node predicate
        if iri.startswith("@"):
            raise NotCompilable(f"keyword {iri} is not handled by the compiled path")
        if value is None:
            raise _Unsafe
        term = active.term(key, iri)
        if term.is_json:
            if term.container:
                raise NotCompilable(f"{key}: a JSON literal in a container")
            self.add(graph, subject, iri, _json_literal(value))
            return
        if term.container == _LIST_CONTAINER:
            self.add(graph, subject, iri, self.rdf_list(term, graph, key, value))
            return
        in_graphs = term.container in _GRAPH_CONTAINERS
        if not in_graphs and term.container not in _PLAIN_CONTAINERS:
            raise NotCompilable(f"{key}: container {sorted(term.container)} is not handled")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Mapping):
                if in_graphs:
                    name = self.blank()
                    self.child(term.values, key, item, name["value"])
                    self.add(graph, subject, iri, name)
                else:
                    self.add(graph, subject, iri, self.child(term.values, key, item, graph))
            elif in_graphs:
                raise NotCompilable(f"{key}: a value that is not a node object in a graph container")
            else:
                self.add(graph, subject, iri, self.scalar(term.values, graph, subject, key, iri, item))

    def rdf_list(self, term: _TermInfo, graph: str, key: str, value: Any) -> Term:
        """An RDF collection for an ``@list`` container, built as pyld's ``_list_to_rdf`` does."""
        items = value if isinstance(value, list) else [value]
        if not items:
            return {"type": "IRI", "value": RDF_NIL}
        head = node = self.blank()
        for position, item in enumerate(items):
            if isinstance(item, Mapping):
                member = self.child(term.values, key, item, graph)
            else:
                # Members are never merged as equal values, so the native-type guard is not needed.
                member = self.scalar(term.values, graph, None, key, term.iri, item)
            self.add(graph, node, RDF_FIRST, member)
            after = self.blank() if position < len(items) - 1 else {"type": "IRI", "value": RDF_NIL}
            self.add(graph, node, RDF_REST, after)
            node = after
        return head

    def scalar(
        self, values: _Context, graph: str, subject: Term | None, key: str, iri: str, item: Any
    ) -> Term:
        """Value expansion (JSON-LD 1.1 API 5.3.2) and RDF conversion of one scalar."""
        if item is None:
            raise _Unsafe
        if isinstance(item, list):
            raise NotCompilable(f"{key}: nested arrays")
        if not isinstance(item, str | int | float):
            raise NotCompilable(f"{key}: {type(item).__name__} is not a JSON value")
        if values.iri(key) != iri:
            raise NotCompilable(f"{key}: its property-scoped context redefines it")
        coercion = values.value(key, "@type")
        if isinstance(item, str) and coercion in ("@id", "@vocab"):
            return _iri(values.iri(item, vocab=coercion == "@vocab"))
        datatype = coercion if coercion not in (None, "@id", "@vocab", "@none") else None
        if datatype is None and isinstance(item, str):
            if values.value(key, "@language") is not None or values.value(key, "@direction") is not None:
                raise NotCompilable(f"{key}: default language or direction")
            return {"type": "literal", "value": item, "datatype": XSD_STRING}
        if datatype == "@json":
            raise NotCompilable(f"{key}: @json coercion from a property-scoped context")
        return self.literal(graph, subject, iri, item, datatype)

    def literal(self, graph: str, subject: Term | None, iri: str, item: Any, datatype: str | None) -> Term:
        if isinstance(item, str) and datatype != XSD_DOUBLE:
            return {"type": "literal", "value": item, "datatype": datatype or XSD_STRING}
        if isinstance(item, float) and not math.isfinite(item):
            raise NotCompilable("a number that is not finite")
        if not isinstance(item, str) and subject is not None:
            self.note_native(graph, subject, iri, item, datatype)
        value = {"@value": item} if datatype is None else {"@value": item, "@type": datatype}
        obj: Term = _PROCESSOR._object_to_rdf(value, None, [], _OPTIONS)
        return obj


def _types(value: Any) -> list[str]:
    types = value if isinstance(value, list) else [value]
    if not all(isinstance(name, str) for name in types):
        raise NotCompilable("@type values must be strings")
    return types


def _iri(value: Any) -> Term:
    if not isinstance(value, str) or not jsonld.is_absolute_iri(value):
        raise _Unsafe  # a relative IRI, or a term that is not defined
    if value.startswith("_:") or value.startswith("@"):
        raise NotCompilable(f"{value!r}: blank node identifiers and keywords are left to pyld")
    return {"type": "IRI", "value": value}


def _json_literal(value: Any) -> Term:
    obj: Term = _PROCESSOR._object_to_rdf({"@value": value, "@type": "@json"}, None, [], _OPTIONS)
    return obj


def _dataset(document: Mapping[str, Any]) -> dict[str, list[Quad]]:
    if not isinstance(document, Mapping):
        raise NotCompilable("the compiled path takes one JSON object")
    context = compiled_context(_context_urls(document))
    walk = _Walk()
    try:
        walk.root(context, document)
    except _Unsafe:
        # The generic path names every problem; it raises SafeModeError here.
        jsonld.expand(document)
        raise NotCompilable("the compiled path refused what the generic path accepts") from None
    except RecursionError as error:
        raise NotCompilable("the document is nested too deeply") from error
    return walk.graphs


def to_dataset(document: Mapping[str, Any]) -> dict[str, list[Quad]]:
    """The document's RDF dataset in pyld's form (``@default`` and blank-node named graphs)."""
    return _dataset(document)


def to_nquads(document: Mapping[str, Any]) -> str:
    """The document's N-Quads (not canonical: blank node labels are the walk's own)."""
    text: str = serialize_nquads(_dataset(document))
    return text


def canonize_compiled(document: Mapping[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of ``document``, equal to :func:`laurel.vc.jsonld.canonize`.

    Raises :class:`NotCompilable` for documents the compiled path does not handle and
    :class:`laurel.vc.jsonld.SafeModeError` for documents safe mode rejects.
    """
    dataset = _dataset(document)
    # Canonicalization is pyld's: cheap next to expansion. A faster path would compute the
    # first-degree hashes here and keep pyld's N-degree algorithm for ties only.
    canonical: str = URDNA2015().main(dataset, {"format": "application/n-quads"})
    return canonical
