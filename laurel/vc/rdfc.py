"""RDF Dataset Canonicalization (RDFC-1.0, https://www.w3.org/TR/rdf-canon/) on serialized terms.

Quads here are tuples of N-Quads terms as pyld writes them: ``<iri>``, ``_:label`` or a quoted
literal with its ``^^<datatype>`` or ``@language``, and the graph name, ``""`` for the default
graph. A term is a blank node exactly when it starts with ``_``.

Canonicalization issues labels in the order of the blank nodes' first-degree hashes (section
4.4 step 5). When every hash is distinct, which is the rule for credentials, that order is the
whole answer and nothing else needs computing; pyld takes the same steps, but on dictionaries,
and hashes every node twice. When two blank nodes share a first-degree hash the N-degree
algorithm decides, and that is left to pyld's implementation on the same quads, so ties are
resolved by exactly the code the generic path uses.

Output equals ``pyld.jsonld.normalize`` (URDNA2015, which is RDFC-1.0 with SHA-256) byte for
byte, including pyld's string escaping (tests/vc/test_rdfc.py, tests/vc/test_compiled*.py).
"""

import re
from collections.abc import Iterable
from hashlib import sha256
from typing import Any

from pyld.canon import URDNA2015  # type: ignore[import-untyped]

Quad = tuple[str, str, str, str]  # subject, predicate, object, graph ("" for the default graph)

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_UNESCAPE = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "\\": "\\"}


def line(subject: str, predicate: str, obj: str, graph: str) -> str:
    """One N-Quads statement, with its newline."""
    if graph:
        return f"{subject} {predicate} {obj} {graph} .\n"
    return f"{subject} {predicate} {obj} .\n"


def nquads(quads: Iterable[Quad]) -> str:
    """The quads as N-Quads, one statement per line, sorted as pyld's serializer sorts them."""
    return "".join(sorted(line(*quad) for quad in quads))


def _mentions(quads: list[Quad]) -> dict[str, list[Quad]]:
    """The quads each blank node occurs in, once per occurrence (section 4.4 step 2)."""
    found: dict[str, list[Quad]] = {}
    for quad in quads:
        subject, _, obj, graph = quad
        if subject[0] == "_":
            found.setdefault(subject, []).append(quad)
        if obj[0] == "_":
            found.setdefault(obj, []).append(quad)
        if graph and graph[0] == "_":
            found.setdefault(graph, []).append(quad)
    return found


def first_degree_hash(node: str, quads: list[Quad]) -> str:
    """Hash First Degree Quads (section 4.6): the node as ``_:a``, every other blank node ``_:z``."""
    lines = []
    for s, p, o, g in quads:
        if s[0] == "_":
            s = "_:a" if s == node else "_:z"
        if o[0] == "_":
            o = "_:a" if o == node else "_:z"
        if g:
            lines.append(f"{s} {p} {o} {'_:a' if g == node else '_:z' if g[0] == '_' else g} .\n")
        else:
            lines.append(f"{s} {p} {o} .\n")
    lines.sort()
    return sha256("".join(lines).encode("utf-8")).hexdigest()


def canonize(quads: Iterable[Quad]) -> str:
    """RDFC-1.0 canonical N-Quads of a dataset given as distinct quads."""
    dataset = list(quads)
    mentions = _mentions(dataset)
    if not mentions:
        return nquads(dataset)
    by_hash = {first_degree_hash(node, found): node for node, found in mentions.items()}
    if len(by_hash) < len(mentions):
        return _canonize_with_ties(dataset)
    labels = {node: f"_:c14n{index}" for index, (_, node) in enumerate(sorted(by_hash.items()))}
    get = labels.get
    lines = [
        f"{get(s, s)} {p} {get(o, o)} {get(g, g)} .\n" if g else f"{get(s, s)} {p} {get(o, o)} .\n"
        for s, p, o, g in dataset
    ]
    lines.sort()
    return "".join(lines)


def _canonize_with_ties(dataset: list[Quad]) -> str:
    canonical: str = URDNA2015().main(pyld_dataset(dataset), {"format": "application/n-quads"})
    return canonical


def pyld_dataset(quads: Iterable[Quad]) -> dict[str, list[dict[str, Any]]]:
    """The quads in pyld's dataset form: triples by graph name, ``@default`` for the default graph."""
    graphs: dict[str, list[dict[str, Any]]] = {}
    for subject, predicate, obj, graph in quads:
        triple = {"subject": _term(subject), "predicate": _term(predicate), "object": _term(obj)}
        # pyld names graphs by their IRI or blank node label, without N-Quads brackets.
        name = "@default" if not graph else graph[1:-1] if graph[0] == "<" else graph
        graphs.setdefault(name, []).append(triple)
    return graphs


def _term(term: str) -> dict[str, str]:
    """A serialized term back in pyld's dataset form, for its N-degree algorithm."""
    if term[0] == "<":
        return {"type": "IRI", "value": term[1:-1]}
    if term[0] == "_":
        return {"type": "blank node", "value": term}
    # A literal: "escaped text" then nothing, or ^^<datatype>; the text itself holds no bare quote.
    end = term.rindex('"')
    suffix = term[end + 1 :]
    value = _ESCAPED.sub(lambda match: _UNESCAPE[match.group(1)], term[1:end])
    return {"type": "literal", "value": value, "datatype": suffix[3:-1] if suffix else XSD_STRING}
