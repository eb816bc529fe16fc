"""DataFrame and MLContext payloads (PROTOCOL.md 2 and 3)."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from .signer import json_quote

TYPES = ("C", "B", "T", "X", "S")


def _strings(items: Iterable[str]) -> str:
    return "[" + ",".join(json_quote(s) for s in items) + "]"


class DataFrame:
    """Column names, column types and rows of string cells.

    Serialized exactly as
    ``{"attributeNames":[...],"data":[[...],...],"attributeTypes":[...]}`` followed by
    ``,"errorHandling":N`` when ``error_handling`` is set. Types: C continuous, B binary (0/1),
    T category, X ignored, S partition column only. A None cell is sent as "" (a missing value:
    imputed in predict, refused in learn and forget). Not thread-safe while rows are added.
    """

    def __init__(self, names: Iterable[str], types: Iterable[str], rows: Iterable[Sequence[Optional[str]]] = (),
                 error_handling: Optional[int] = None) -> None:
        names, types = list(names), list(types)
        if len(names) != len(types):
            raise ValueError("%d names but %d types" % (len(names), len(types)))
        for n, t in zip(names, types):
            if not isinstance(n, str):
                raise ValueError("column name %r is not a string" % (n,))
            if t not in TYPES:
                raise ValueError('column "%s": type %r is not one of C, B, T, X, S' % (n, t))
        if error_handling not in (None, 0, 1):
            raise ValueError("error_handling must be 0 or 1")
        self.names = names
        self.types = types
        self.rows: List[List[str]] = []
        self.error_handling = error_handling
        for r in rows:
            self.add_row(r)

    def add_row(self, cells: Iterable[Optional[str]]) -> "DataFrame":
        """Adds one row of exactly one cell per column (str, or None for missing)."""
        row: List[Any] = ["" if c is None else c for c in cells]
        if len(row) != len(self.names):
            raise ValueError("row %d has %d cells, want %d" % (len(self.rows), len(row), len(self.names)))
        for c in row:
            if not isinstance(c, str):
                raise ValueError("cell %r is not a string" % (c,))
        self.rows.append(row)
        return self

    def to_json(self) -> str:
        """The JSON payload."""
        out = ['{"attributeNames":', _strings(self.names), ',"data":[',
               ",".join(_strings(r) for r in self.rows), '],"attributeTypes":', _strings(self.types)]
        if self.error_handling is not None:
            out.append(',"errorHandling":%d' % self.error_handling)
        out.append("}")
        return "".join(out)

    __str__ = to_json


class MLContext:
    """Targets and inputs of a build or an exploration, by index or by name (not both).

    Serialized as ``{"targets":[..],"inputAttributes":[..],"targetAttributeNames":[..],
    "inputAttributeNames":[..],"extraParameters":{..}}``, leaving out empty lists;
    ``extraParameters`` is always present.
    """

    def __init__(self, targets: Iterable[Any] = (), inputs: Iterable[Any] = (), target_names: Iterable[str] = (),
                 input_names: Iterable[str] = (), params: Optional[Mapping[str, Any]] = None) -> None:
        self.targets = [str(i) for i in targets]
        self.inputs = [str(i) for i in inputs]
        self.target_names = list(target_names)
        self.input_names = list(input_names)
        self.params: Dict[str, Any] = dict(params or {})
        if (self.targets or self.inputs) and (self.target_names or self.input_names):
            raise ValueError("attributes by index or by name, not both")

    def to_json(self) -> str:
        """The JSON object."""
        parts = []
        for key, vals in (("targets", self.targets), ("inputAttributes", self.inputs),
                          ("targetAttributeNames", self.target_names),
                          ("inputAttributeNames", self.input_names)):
            if vals:
                parts.append('"%s":%s' % (key, _strings(vals)))
        params = ",".join(json_quote(str(k)) + ":" + json_quote(str(v)) for k, v in self.params.items())
        parts.append('"extraParameters":{' + params + "}")
        return "{" + ",".join(parts) + "}"

    __str__ = to_json
