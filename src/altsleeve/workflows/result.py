"""What every use case returns: a typed result whose ``to_dict()`` is the JSON a user gets.

Owns the :class:`Result` protocol. A use case in :mod:`altsleeve.workflows` takes typed
parameters and returns a frozen dataclass with typed fields and a ``to_dict()`` giving plain JSON
values (:func:`altsleeve.common.jsonvalues.plain`); the CLI's ``--json`` prints exactly that
and the web API serves the same, so no interface computes a figure of its own. A result whose
JSON is a list (a table's rows) returns the list. Must not print or draw.

Examples
--------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Count:
...     rows: int
...     def to_dict(self) -> dict[str, int]:
...         return {"rows": self.rows}
>>> isinstance(Count(3), Result), Count(3).to_dict()
(True, {'rows': 3})
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Result(Protocol):
    """A use case's result: ``to_dict()`` gives its JSON (a mapping, or a list of rows)."""

    def to_dict(self) -> Any:
        """Plain JSON values: what ``--json`` prints and the web API serves."""
        ...


__all__ = ["Result"]
