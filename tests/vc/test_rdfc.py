"""RDFC-1.0 on serialized terms gives pyld's URDNA2015 output for any dataset, ties included."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pyld.canon import URDNA2015

from laurel.vc import rdfc

XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "https://example.org/"

# Abstract terms: ("iri", value) | ("blank", label) | ("literal", text, datatype)
BLANKS = st.sampled_from(["_:x0", "_:x1", "_:x2", "_:x3"])
IRIS = st.sampled_from([EX + "a", EX + "b", EX + "c/하나"])
TEXT = st.text(
    alphabet=st.sampled_from(["a", "한", "\t", "\n", "\r", '"', "\\", "t", "\x0b", "\u2028", "😀", "\x01"]),
    max_size=6,
)
LITERALS = st.tuples(st.just("literal"), TEXT, st.sampled_from([XSD + "string", XSD + "integer", EX + "dt"]))
NODES = st.one_of(st.tuples(st.just("iri"), IRIS), st.tuples(st.just("blank"), BLANKS))
PREDICATES = st.sampled_from([EX + "p", EX + "q"])
GRAPHS = st.one_of(st.just(None), st.tuples(st.just("blank"), BLANKS), st.tuples(st.just("iri"), IRIS))
QUADS = st.lists(
    st.tuples(NODES, PREDICATES, st.one_of(NODES, LITERALS), GRAPHS), min_size=0, max_size=12, unique=True
)


def _pyld_term(term: tuple[str, ...]) -> dict[str, str]:
    if term[0] == "iri":
        return {"type": "IRI", "value": term[1]}
    if term[0] == "blank":
        return {"type": "blank node", "value": term[1]}
    return {"type": "literal", "value": term[1], "datatype": term[2]}


def _ntriples_term(term: tuple[str, ...]) -> str:
    # Written here from the N-Quads grammar and pyld's escaping rules, not with Laurel's helpers.
    if term[0] == "iri":
        return f"<{term[1]}>"
    if term[0] == "blank":
        return term[1]
    text = term[1]
    for raw, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"), ('"', '\\"')):
        text = text.replace(raw, escaped)
    return f'"{text}"' if term[2] == XSD + "string" else f'"{text}"^^<{term[2]}>'


def _pyld(quads: list[Any]) -> str:
    dataset: dict[str, list[dict[str, Any]]] = {}
    for subject, predicate, obj, graph in quads:
        name = "@default" if graph is None else graph[1]
        triple = {"subject": _pyld_term(subject), "predicate": {"type": "IRI", "value": predicate}}
        triple["object"] = _pyld_term(obj)
        dataset.setdefault(name, []).append(triple)
    result: str = URDNA2015().main(dataset, {"format": "application/n-quads"})
    return result


def _ours(quads: list[Any]) -> str:
    return rdfc.canonize(
        (_ntriples_term(s), f"<{p}>", _ntriples_term(o), "" if g is None else _ntriples_term(g))
        for s, p, o, g in quads
    )


@settings(max_examples=400, deadline=None, database=None)
@given(QUADS)
def test_it_canonizes_any_dataset_like_pyld(quads: list[Any]) -> None:
    assert _ours(quads) == _pyld(quads)


def test_it_breaks_ties_between_identical_blank_nodes_like_pyld() -> None:
    # Two structurally identical anonymous nodes share a first-degree hash: the N-degree case.
    quads = [
        (("iri", EX + "a"), EX + "p", ("blank", "_:x0"), None),
        (("iri", EX + "a"), EX + "p", ("blank", "_:x1"), None),
        (("blank", "_:x0"), EX + "q", ("literal", "same", XSD + "string"), None),
        (("blank", "_:x1"), EX + "q", ("literal", "same", XSD + "string"), None),
    ]
    assert _ours(quads) == _pyld(quads)
    assert _ours(quads).count("_:c14n0") == 2


def test_it_counts_a_blank_node_once_per_position_it_holds() -> None:
    # A node that is its own object appears twice in its first-degree quads, as pyld counts it.
    quads = [
        (("blank", "_:x0"), EX + "p", ("blank", "_:x0"), None),
        (("blank", "_:x1"), EX + "p", ("blank", "_:x2"), None),
        (("blank", "_:x2"), EX + "q", ("literal", "a", XSD + "string"), ("blank", "_:x1")),
    ]
    assert _ours(quads) == _pyld(quads)


def test_it_leaves_datasets_without_blank_nodes_sorted() -> None:
    quads = [
        (("iri", EX + "b"), EX + "p", ("literal", 'say "hi"\n', XSD + "string"), None),
        (("iri", EX + "a"), EX + "p", ("iri", EX + "b"), ("iri", EX + "c/하나")),
    ]
    expected = f'<{EX}a> <{EX}p> <{EX}b> <{EX}c/하나> .\n<{EX}b> <{EX}p> "say \\"hi\\"\\n" .\n'
    assert _ours(quads) == expected == _pyld(quads)


def test_it_breaks_ties_inside_a_named_graph_like_pyld() -> None:
    # Ties take pyld's N-degree path, which names graphs by their bare IRI.
    graph = ("iri", EX + "a")
    quads = [
        (("iri", EX + "a"), EX + "p", ("iri", EX + "a"), graph),
        (("blank", "_:x0"), EX + "q", ("blank", "_:x1"), None),
        (("blank", "_:x0"), EX + "q", ("blank", "_:x2"), None),
    ]
    assert _ours(quads) == _pyld(quads)
    assert f"<{EX}a> <{EX}p> <{EX}a> <{EX}a> .\n" in _ours(quads)
