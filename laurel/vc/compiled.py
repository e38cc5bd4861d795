"""Compiled JSON-LD to RDF for credentials: one pass over the JSON, no expanded document.

The generic path (:mod:`laurel.vc.jsonld`) expands a credential with pyld, builds a node map
and only then writes RDF; expansion is most of the cost of signing. Here the context list of a
document (a tuple of URLs Laurel ships) is processed once into active contexts, and every
context switch a credential can make (a property-scoped context, a type-scoped context, the
revert to the previous context that ``@propagate: false`` asks for) is processed once too and
remembered on the context it starts from. What each term of a context means for the walk (its
IRI, container, coercion, the context of its values) is worked out once, as a plan. A
credential is then walked once and its quads written directly as N-Quads terms, the same RDF
that pyld's ``toRDF`` produces (blank node labels aside), and canonicalized by
:mod:`laurel.vc.rdfc`.

Context processing, IRI expansion of anything unusual and the literal forms of numbers and JSON
are pyld's own functions, so the compiled path cannot disagree with the generic one about
them. Only the walk is new, and it accepts only the shapes it knows; anything else raises
:class:`NotCompilable` and the caller takes the generic path. A document that safe mode would
reject is handed to the generic path too, so the error raised is exactly its SafeModeError.

Nothing here is keyed on document content: caches hold contexts, keyed by context URLs, and
plans, keyed by the terms those contexts define.
"""

import math
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pyld import jsonld as pyld  # type: ignore[import-untyped]
from pyld.nquads import escape  # type: ignore[import-untyped]

from laurel.vc import jsonld, rdfc
from laurel.vc.rdfc import Quad

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDF_FIRST = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>"
RDF_REST = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>"
RDF_NIL = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>"

# What a key of a node object is, under the active context.
_PROPERTY, _ID, _TYPE, _CONTEXT, _UNSAFE = range(5)
# Containers the walk handles: plain values and sets (the same in RDF), a graph per value, lists.
_PLAIN, _GRAPH, _LIST, _OTHER = range(4)
_CONTAINERS = {
    frozenset(): _PLAIN,
    frozenset({"@set"}): _PLAIN,
    frozenset({"@graph"}): _GRAPH,
    frozenset({"@graph", "@set"}): _GRAPH,
    frozenset({"@list"}): _LIST,
}
# How a string value of a term becomes an RDF term (JSON-LD 1.1 API 5.3.2, value expansion).
_STRING, _ID_VALUE, _VOCAB_VALUE, _TYPED, _REFUSED = range(5)


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
_BASE = _OPTIONS["base"]
_LOCK = threading.Lock()


# The characters pyld's N-Quads serializer escapes; most strings have none and are used as they are.
_SPECIAL = re.compile(r'[\\\t\n\r"]').search


def _quote(value: str) -> str:
    return '"' + (value if _SPECIAL(value) is None else escape(value)) + '"'


def _literal(value: str, datatype: str) -> str:
    """A literal term as pyld's N-Quads serializer writes it."""
    text = _quote(value)
    if datatype == XSD_STRING or datatype == RDF_LANGSTRING:
        return text
    return text + "^^<" + datatype + ">"


def _iri_term(value: Any) -> str:
    if not isinstance(value, str) or not jsonld.is_absolute_iri(value):
        raise _Unsafe  # a relative IRI, or a term that is not defined
    if value[0] == "_" or value[0] == "@":
        raise NotCompilable(f"{value!r}: blank node identifiers and keywords are left to pyld")
    return "<" + value + ">"


class _Plan:
    """What the walk does with one key of a node object under one active context."""

    __slots__ = (
        "container",
        "datatype",
        "iri",
        "is_json",
        "kind",
        "mode",
        "plain_string",
        "predicate",
        "reason",
        "values",
    )

    def __init__(self, kind: int, iri: Any = None) -> None:
        self.kind = kind
        self.iri = iri
        self.predicate = ""
        self.container = _PLAIN
        self.is_json = False
        self.values: _Context | None = None
        self.mode = _REFUSED
        self.datatype: str | None = None
        self.reason = ""
        # A string value becomes a plain literal: the walk's most common case, taken inline.
        self.plain_string = False


class _Context:
    """A pyld active context, the transitions from it and the plans of its terms, each made once.

    Memo keys are term names the context defines, so no memo can grow with the documents walked.
    """

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        mappings: dict[str, Any] = raw["mappings"]
        self.mappings = mappings
        self.has_previous = "previousContext" in raw
        self.type_keys = {"@type"} | {t for t, m in mappings.items() if m and m.get("@id") == "@type"}
        self.id_keys = {"@id"} | {t for t, m in mappings.items() if m and m.get("@id") == "@id"}
        # Compact IRIs whose prefix is one of these expand through the context, not as written.
        self.prefixes = {t for t, m in mappings.items() if m and m.get("_prefix")}
        self._iris: dict[str, Any] = {}
        self._plans: dict[str, _Plan] = {}
        self._children: dict[tuple[str, bool], _Context] = {}
        self._typed: dict[tuple[str, ...], _Context] = {}
        self._type_terms: dict[str, str] = {}
        self._scoped_contexts: dict[tuple[str, ...], _Context] = {}
        self._previous: _Context | None = None

    def iri(self, key: str) -> Any:
        """``key`` expanded as a vocabulary term (a property or a type)."""
        found = self._iris.get(key)
        if found is not None:
            return found
        expanded = _PROCESSOR._expand_iri(self.raw, key, vocab=True, base=_BASE)
        if key in self.mappings or key.startswith("@"):
            self._iris[key] = expanded
        return expanded

    def type_term(self, name: str) -> str:
        found = self._type_terms.get(name)
        if found is None:
            found = _iri_term(self.iri(name))
            if name in self.mappings:
                self._type_terms[name] = found
        return found

    def id_term(self, value: str) -> str:
        """A node identifier or an ``@id``-coerced string as an IRI term (document-relative expansion)."""
        colon = value.find(":")
        # The common case, an absolute IRI whose scheme is no prefix of the context, is itself.
        if colon > 0 and value[0] != "@":
            if value.startswith("//", colon + 1) or value[:colon] not in self.prefixes:
                if value[:colon] != "_":
                    return _iri_term(value)
        return _iri_term(_PROCESSOR._expand_iri(self.raw, value, vocab=False, base=_BASE))

    def value(self, term: str, name: str) -> Any:
        return pyld.JsonLdProcessor.get_context_value(self.raw, term, name)

    def plan(self, key: Any) -> _Plan:
        found = self._plans.get(key)
        if found is None:
            if not isinstance(key, str):
                raise NotCompilable("a non-string key")
            found = self._plan(key)
            if key in self.mappings:
                self._plans[key] = found
        return found

    def _plan(self, key: str) -> _Plan:
        if key == "@context":
            return _Plan(_CONTEXT)
        iri = self.iri(key)
        if iri == "@id":
            return _Plan(_ID)
        if iri == "@type":
            return _Plan(_TYPE)
        if not isinstance(iri, str) or not jsonld.is_absolute_iri(iri) or iri.startswith("_:"):
            # An undefined term, a blank node predicate or another keyword: safe mode decides.
            return _Plan(_UNSAFE)
        plan = _Plan(_PROPERTY, iri)
        plan.predicate = "<" + iri + ">"
        scoped = self.value(key, "@context")
        values = self if scoped is None else self._process(scoped, propagate=True, override_protected=True)
        plan.values = values
        declared = self.value(key, "@container")
        plan.container = _CONTAINERS.get(
            frozenset(pyld.JsonLdProcessor.arrayify(declared) if declared is not None else ()), _OTHER
        )
        plan.is_json = self.value(key, "@type") == "@json"
        if plan.is_json and declared is not None:
            plan.container = _OTHER  # a JSON literal in any container, even @set, is left to pyld
        self._plan_scalars(plan, values, key, iri)
        plan.plain_string = plan.mode == _STRING and plan.container == _PLAIN and not plan.is_json
        return plan

    @staticmethod
    def _plan_scalars(plan: _Plan, values: "_Context", key: str, iri: str) -> None:
        if values.iri(key) != iri:
            plan.reason = f"{key}: its property-scoped context redefines it"
            return
        coercion = values.value(key, "@type")
        plan.datatype = coercion if coercion not in (None, "@id", "@vocab", "@none") else None
        if coercion == "@id":
            plan.mode = _ID_VALUE
        elif coercion == "@vocab":
            plan.mode = _VOCAB_VALUE
        elif plan.datatype == "@json":
            plan.reason = f"{key}: @json coercion from a property-scoped context"
        elif plan.datatype is not None:
            plan.mode = _TYPED
        elif values.value(key, "@language") is not None or values.value(key, "@direction") is not None:
            plan.reason = f"{key}: default language or direction"
        else:
            plan.mode = _STRING

    def _process(self, local: Any, **flags: bool) -> "_Context":
        with _LOCK, _contexts_checked():
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
        if key in self.mappings:
            self._children[(key, revert)] = active
        return active

    def typed(self, types: list[str]) -> "_Context":
        """The context after the type-scoped contexts of ``types`` (applied in sorted order)."""
        key = tuple(types)
        found = self._typed.get(key)
        if found is not None:
            return found
        found = self._typed_uncached(types)
        if all(name in self.mappings for name in types):
            self._typed[key] = found
        return found

    def _typed_uncached(self, types: list[str]) -> "_Context":
        scoped = tuple(sorted(t for t in set(types) if self._scoped(t)))
        if not scoped:
            return self
        cached = self._scoped_contexts.get(scoped)
        if cached is None:
            with _LOCK, _contexts_checked():
                raw = self.raw
                for name in scoped:
                    raw = _PROCESSOR._process_context(
                        raw, self.value(name, "@context"), _OPTIONS, propagate=False
                    )
            cached = self._scoped_contexts[scoped] = _Context(raw)
        return cached

    def _scoped(self, name: str) -> bool:
        local = self.value(name, "@context") if name in self.mappings else None
        return local is not None and local is not False


_ROOTS: dict[tuple[str, ...], _Context] = {}


@contextmanager
def _contexts_checked() -> Iterator[None]:
    """Invalid context processing (a protected term redefined, say) is the generic path's to name."""
    try:
        yield
    except pyld.JsonLdError as error:
        raise NotCompilable(f"context processing failed: {error}") from None


def compiled_context(urls: tuple[str, ...]) -> _Context:
    """The active context for a list of context URLs, processed once per list."""
    root = _ROOTS.get(urls)
    if root is None:
        unknown = [url for url in urls if url not in jsonld.KNOWN_CONTEXTS]
        if unknown:
            raise NotCompilable(f"context {unknown[0]!r} is not one Laurel ships")
        with _LOCK, _contexts_checked():
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


class SharedWalks:
    """Node objects that several documents of one run share, walked once and replayed after.

    The documents of one badge version's awards hold the very same issuer and achievement dicts
    (``laurel.vc.ob3.SharedParts``). Their quads are recorded the first time and copied, with
    fresh blank node labels, into each later document. The memo is keyed by object identity and
    lives for one run: it never recognizes a document by its content.
    """

    def __init__(self, shared: Iterable[Mapping[str, Any]]) -> None:
        self.objects = {id(node): node for node in shared}
        # (id of node, id of its context) -> (context, subject, quads, first blank, end blank)
        self.walks: dict[tuple[int, int], tuple[_Context, str, list[Quad], int, int]] = {}

    @staticmethod
    def find(documents: Iterable[Any]) -> list[Mapping[str, Any]]:
        """The objects found in more than one place across ``documents`` (by identity)."""
        seen: dict[int, list[Any]] = {}

        def visit(items: Iterable[Any]) -> None:
            # Strings, the most values by far, are passed over without a call.
            for value in items:
                if type(value) is str:
                    continue
                if isinstance(value, dict):
                    entry = seen.get(id(value))
                    if entry is not None:
                        entry[1] += 1
                        continue
                    seen[id(value)] = [value, 1]
                    visit(value.values())
                elif isinstance(value, list):
                    visit(value)

        visit(documents)
        return [node for node, count in seen.values() if count > 1]


class _Walk:
    """One document's walk: issues blank nodes and collects quads."""

    def __init__(self, shared: SharedWalks | None = None, *, split_proof: bool = False) -> None:
        self.shared = shared
        self.quads: list[Quad] = []
        # Statements pyld writes once per occurrence, not once per dataset (see rdf_list).
        self.repeated: list[Quad] = []
        # pyld merges values it finds equal (in Python, 1 == 1.0 == True); such cases are left to it.
        self._native: dict[tuple[Any, ...], type] = {}
        self._blank = 0
        self.split_proof = split_proof
        # Where the root's ``proof`` member put its statements: (quads, repeated) start and end.
        self.proof_span: tuple[int, int, int, int] | None = None

    def blank(self) -> str:
        self._blank += 1
        return f"_:b{self._blank - 1}"

    def note_native(self, graph: str, subject: str, predicate: str, value: Any, datatype: Any) -> None:
        key = (graph, subject, predicate, datatype, value)
        seen = self._native.setdefault(key, type(value))
        if seen is not type(value):
            raise NotCompilable("values that JSON-LD merges as equal (1, 1.0, true) on one property")

    def root(self, context: _Context, document: Mapping[str, Any]) -> None:
        if not any(context.plan(key).kind not in (_CONTEXT, _ID) for key in document):
            raise _Unsafe  # a free-floating node, which expansion drops
        # The document without its proof must be no free-floating node either, to be split off.
        self.split_proof = self.split_proof and any(
            context.plan(key).kind not in (_CONTEXT, _ID) for key in document if key != "proof"
        )
        self.node(context, document, "", root=True)

    def proof(self, plan: _Plan, subject: str, value: Any) -> None:
        """The root's ``proof`` member, its statements noted apart from the document's own."""
        start, repeated = len(self.quads), len(self.repeated)
        self.property(plan, "", subject, "proof", value)
        self.proof_span = (start, len(self.quads), repeated, len(self.repeated))

    def child(self, values: _Context, key: str, element: Mapping[str, Any], graph: str) -> str:
        revert = True
        if values.has_previous and len(element) == 1:
            (only,) = element
            revert = values.plan(only).kind != _ID
        context = values.node(key, revert)
        shared = self.shared
        if shared is not None and not graph and id(element) in shared.objects:
            return self.shared_node(shared, context, element)
        return self.node(context, element, graph)

    def shared_node(self, shared: SharedWalks, context: _Context, element: Mapping[str, Any]) -> str:
        found = shared.walks.get((id(element), id(context)))
        if found is None:
            start, first, natives, repeated = (
                len(self.quads),
                self._blank,
                len(self._native),
                len(self.repeated),
            )
            subject = self.node(context, element, "")
            # Numbers (merged by pyld across a document) and empty lists are left to a full walk.
            if len(self._native) == natives and len(self.repeated) == repeated:
                shared.walks[(id(element), id(context))] = (
                    context,
                    subject,
                    self.quads[start:],
                    first,
                    self._blank,
                )
            return subject
        _, subject, quads, first, end = found
        if first == end:
            # No blank node inside (an issuer or achievement with ids all through): as they are.
            self.quads.extend(quads)
            return subject
        labels = {f"_:b{number}": self.blank() for number in range(first, end)}
        get = labels.get
        self.quads.extend((get(s, s), p, get(o, o), g) for s, p, o, g in quads)
        return get(subject, subject)

    def node(self, context: _Context, element: Mapping[str, Any], graph: str, *, root: bool = False) -> str:
        if "@context" in element and not root:
            raise NotCompilable("an embedded @context")
        type_keys = [key for key in context.type_keys if key in element]
        if type_keys:
            if len(type_keys) > 1:
                raise NotCompilable("more than one key expands to @type")
            type_key = type_keys[0]
            value = element[type_key]
            types = value if isinstance(value, list) else [value]
            if not all(isinstance(name, str) for name in types):
                raise NotCompilable("@type values must be strings")
            active = context.typed(types)
        else:
            type_key, types, active = None, [], context
        subject = self._subject(active, element)
        quads = self.quads
        append = quads.append
        type_term = context.type_term
        for name in types:
            append((subject, RDF_TYPE, type_term(name), graph))
        plans = active._plans
        for key, value in element.items():
            plan = plans.get(key) or active.plan(key)
            kind = plan.kind
            if kind == _PROPERTY:
                if plan.plain_string and type(value) is str:
                    append((subject, plan.predicate, _quote(value), graph))
                elif root and key == "proof" and self.split_proof:
                    self.proof(plan, subject, value)
                else:
                    self.property(plan, graph, subject, key, value)
            elif kind == _UNSAFE:
                raise _Unsafe
            elif kind == _TYPE and key != type_key:
                raise NotCompilable("a key that expands to @type only under a type-scoped context")
            elif kind == _CONTEXT and not root:
                raise NotCompilable("an embedded @context")
        return subject

    def _subject(self, active: _Context, element: Mapping[str, Any]) -> str:
        id_keys = [key for key in active.id_keys if key in element]
        if not id_keys:
            return self.blank()
        value = element[id_keys[0]]
        if len(id_keys) > 1 or not isinstance(value, str):
            raise NotCompilable("@id must be one string")
        return active.id_term(value)

    def property(self, plan: _Plan, graph: str, subject: str, key: str, value: Any) -> None:
        if value is None:
            raise _Unsafe
        predicate = plan.predicate
        quads = self.quads
        if plan.is_json:
            if plan.container != _PLAIN:
                raise NotCompilable(f"{key}: a JSON literal in a container")
            quads.append((subject, predicate, _json_literal(value), graph))
            return
        container = plan.container
        if container == _LIST:
            head = self.rdf_list(plan, graph, key, value)
            # pyld never merges lists: a node written twice with an empty list keeps both, so the
            # rdf:nil statement appears twice in its output. Kept twice here too, to match it.
            (self.repeated if head == RDF_NIL else quads).append((subject, predicate, head, graph))
            return
        if container == _OTHER:
            raise NotCompilable(f"{key}: its container is not handled")
        values = plan.values
        assert values is not None
        for item in value if isinstance(value, list) else (value,):
            if isinstance(item, str):
                quads.append((subject, predicate, self.string(plan, values, key, item), graph))
            elif isinstance(item, Mapping):
                if container == _GRAPH:
                    name = self.blank()
                    self.child(values, key, item, name)
                    quads.append((subject, predicate, name, graph))
                else:
                    quads.append((subject, predicate, self.child(values, key, item, graph), graph))
            elif container == _GRAPH:
                raise NotCompilable(f"{key}: a value that is not a node object in a graph container")
            else:
                quads.append((subject, predicate, self.scalar(plan, graph, subject, key, item), graph))

    def rdf_list(self, plan: _Plan, graph: str, key: str, value: Any) -> str:
        """An RDF collection for an ``@list`` container, built as pyld's ``_list_to_rdf`` does."""
        items = value if isinstance(value, list) else [value]
        if not items:
            return RDF_NIL
        values = plan.values
        assert values is not None
        head = node = self.blank()
        last = len(items) - 1
        for position, item in enumerate(items):
            if isinstance(item, str):
                member = self.string(plan, values, key, item)
            elif isinstance(item, Mapping):
                member = self.child(values, key, item, graph)
            else:
                # Members are never merged as equal values, so the native-type guard is not needed.
                member = self.scalar(plan, graph, None, key, item)
            self.quads.append((node, RDF_FIRST, member, graph))
            after = self.blank() if position < last else RDF_NIL
            self.quads.append((node, RDF_REST, after, graph))
            node = after
        return head

    @staticmethod
    def string(plan: _Plan, values: _Context, key: str, item: str) -> str:
        """Value expansion (JSON-LD 1.1 API 5.3.2) and RDF conversion of one string."""
        mode = plan.mode
        if mode == _STRING:
            return _quote(item)
        if mode == _ID_VALUE:
            return values.id_term(item)
        if mode == _TYPED:
            datatype = plan.datatype
            assert datatype is not None
            if datatype != XSD_DOUBLE:
                return _literal(item, datatype)
            return _pyld_literal(item, datatype)
        if mode == _VOCAB_VALUE:
            return _iri_term(values.iri(item))
        raise NotCompilable(plan.reason)

    def scalar(self, plan: _Plan, graph: str, subject: str | None, key: str, item: Any) -> str:
        """RDF conversion of a number or a boolean."""
        if item is None:
            raise _Unsafe
        if isinstance(item, list):
            raise NotCompilable(f"{key}: nested arrays")
        if not isinstance(item, int | float):
            raise NotCompilable(f"{key}: {type(item).__name__} is not a JSON value")
        if plan.mode == _REFUSED:
            raise NotCompilable(plan.reason)
        datatype = plan.datatype
        if isinstance(item, float) and not math.isfinite(item):
            raise NotCompilable("a number that is not finite")
        if subject is not None:
            self.note_native(graph, subject, plan.predicate, item, datatype)
        if item is True or item is False:
            return _literal("true" if item else "false", datatype or XSD_BOOLEAN)
        return _pyld_literal(item, datatype)


def _pyld_literal(value: Any, datatype: str | None) -> str:
    """A number, or a string coerced to xsd:double, in pyld's canonical lexical form."""
    item = {"@value": value} if datatype is None else {"@value": value, "@type": datatype}
    obj = _PROCESSOR._object_to_rdf(item, None, [], _OPTIONS)
    return _literal(obj["value"], obj["datatype"])


def _json_literal(value: Any) -> str:
    obj = _PROCESSOR._object_to_rdf({"@value": value, "@type": "@json"}, None, [], _OPTIONS)
    return _literal(obj["value"], obj["datatype"])


def _walked(document: Mapping[str, Any], walk: _Walk) -> _Walk:
    if not isinstance(document, Mapping):
        raise NotCompilable("the compiled path takes one JSON object")
    context = compiled_context(_context_urls(document))
    try:
        walk.root(context, document)
    except _Unsafe:
        # The generic path names every problem; it raises SafeModeError here.
        jsonld.expand(document)
        raise NotCompilable("the compiled path refused what the generic path accepts") from None
    except RecursionError as error:
        raise NotCompilable("the document is nested too deeply") from error
    return walk


def _distinct(quads: list[Quad], repeated: list[Quad]) -> list[Quad]:
    # A statement made twice is one statement, as in pyld's node map.
    return list(dict.fromkeys(quads)) + repeated


def to_quads(document: Mapping[str, Any], shared: SharedWalks | None = None) -> list[Quad]:
    """The document's distinct quads as N-Quads terms (blank node labels are the walk's own).

    ``shared`` replays the quads of node objects this document shares with others of its run.

    Raises :class:`NotCompilable` for documents the compiled path does not handle and
    :class:`laurel.vc.jsonld.SafeModeError` for documents safe mode rejects.
    """
    walk = _walked(document, _Walk(shared))
    return _distinct(walk.quads, walk.repeated)


_ABSENT = object()


class Walked:
    """A signed document's quads, and apart from them those of the document without its proof.

    Verifying a credential needs both: its JSON-LD check looks at the whole document, its proof
    check canonicalizes the document without the proof. One walk serves the two; what the proof
    put in the dataset (its own graph and the statement naming it) is left out of the second.
    """

    def __init__(self, document: Mapping[str, Any], quads: list[Quad], unsecured: list[Quad] | None) -> None:
        self.document = document
        self.quads = quads
        self._unsecured = unsecured

    def unsecured_quads(self, unsecured: Mapping[str, Any]) -> list[Quad] | None:
        """The quads of ``unsecured`` when it is the walked document without its ``proof``:
        the same members holding the very same objects. None for any other document."""
        document = self.document
        if self._unsecured is None or "proof" in unsecured or len(unsecured) != len(document) - 1:
            return None
        for name, value in unsecured.items():
            if document.get(name, _ABSENT) is not value:
                return None
        return self._unsecured


def walk_signed(document: Mapping[str, Any]) -> Walked:
    """:func:`to_quads` of a signed document, with the quads of the document without its proof.

    The second are None when the document has no ``proof`` member the walk could set apart
    (a proof that is a plain string, or a document that is nothing but its proof). Raises as
    :func:`to_quads` does.
    """
    walk = _walked(document, _Walk(split_proof=True))
    quads = _distinct(walk.quads, walk.repeated)
    span = walk.proof_span
    if span is None:
        return Walked(document, quads, None)
    start, end, repeated_start, repeated_end = span
    unsecured = _distinct(
        walk.quads[:start] + walk.quads[end:], walk.repeated[:repeated_start] + walk.repeated[repeated_end:]
    )
    return Walked(document, quads, unsecured)


def to_nquads(document: Mapping[str, Any]) -> str:
    """The document's N-Quads (not canonical: blank node labels are the walk's own)."""
    return rdfc.nquads(to_quads(document))


def to_dataset(document: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The document's RDF dataset in pyld's form (``@default`` and blank-node named graphs)."""
    return rdfc.pyld_dataset(to_quads(document))


def canonize_compiled(document: Mapping[str, Any], shared: SharedWalks | None = None) -> str:
    """RDFC-1.0 canonical N-Quads of ``document``, equal to :func:`laurel.vc.jsonld.canonize`.

    Raises :class:`NotCompilable` for documents the compiled path does not handle and
    :class:`laurel.vc.jsonld.SafeModeError` for documents safe mode rejects.
    """
    return rdfc.canonize(to_quads(document, shared))
