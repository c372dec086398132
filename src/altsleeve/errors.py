"""Errors that the command line maps to exit codes.

Owns :class:`InputError` (exit status 2: the user's input is wrong, nothing was written) and the
:class:`Problem` record that names the file, row and column of each fault. Must not do I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: At most this many problems are listed for one file; the rest are counted.
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    """One fault in user input.

    Attributes
    ----------
    file : str
        The file's path as given by the user (or a label such as ``<memory>``).
    message : str
        What is wrong, in words a user can act on.
    row : int | None
        1-based data row (the header is not counted); ``None`` for whole-file faults.
    column : str | None
        The column (field) at fault; ``None`` when the fault is not about one column.
    line : int | None
        1-based line in a CSV file (header is line 1); ``None`` for Parquet or whole-file faults.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        """Render as ``file: row R (line L), column 'C': message``."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}" + (f" (line {self.line})" if self.line else ""))
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        return f"{', '.join(parts)}: {self.message}"


class InputError(Exception):
    """Bad user input: one or more :class:`Problem`; nothing was written."""

    def __init__(self, problems: Sequence[Problem], *, total: int | None = None) -> None:
        self.problems = list(problems)[:MAX_PROBLEMS]
        self.total = total if total is not None else len(problems)
        super().__init__(self.render())

    def render(self) -> str:
        """All problems, one per line, with a count of those left off past the cap."""
        lines = [str(p) for p in self.problems]
        if self.total > len(self.problems):
            lines.append(f"... and {self.total - len(self.problems)} more problems")
        return "\n".join(lines)
