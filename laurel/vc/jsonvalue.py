"""JSON values in memory: a deep copy, and compact writers whose C encoder is made once.

``json.JSONEncoder.encode`` builds a new C encoder from its settings for every value it
writes; :func:`compact_writer` builds that same encoder once, so the signing paths, which
write one document per call, do not pay for it each time.
"""

import copy as _copy
import json
from collections.abc import Callable
from typing import Any

JsonWriter = Callable[[Any], str]


def copy(value: Any) -> Any:
    """A deep copy of a JSON value: what ``copy.deepcopy`` gives, at a fraction of its cost."""
    kind = type(value)
    if kind is dict:
        return {name: copy(item) for name, item in value.items()}
    if kind is list:
        return [copy(item) for item in value]
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    return _copy.deepcopy(value)


def compact_writer(*, ensure_ascii: bool, sort_keys: bool) -> JsonWriter:
    """``json.dumps(value, separators=(",", ":"), allow_nan=False, check_circular=False, …)``.

    The output is the standard library's, byte for byte: the same C encoder with the same
    settings (or ``JSONEncoder.encode`` itself where ``json`` runs without its C speedups).
    Without the circular-reference check, a value that contains itself raises RecursionError.
    """
    encoder = json.JSONEncoder(
        ensure_ascii=ensure_ascii,
        sort_keys=sort_keys,
        separators=(",", ":"),
        allow_nan=False,
        check_circular=False,
    )
    make = getattr(json.encoder, "c_make_encoder", None)  # absent from the typeshed stubs
    if make is None:
        return encoder.encode
    escape = json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring
    compiled = make(None, encoder.default, escape, None, ":", ",", sort_keys, False, False)
    return lambda value: "".join(compiled(value, 0))
