"""Progress reporting: the one callback type every long-running use case accepts.

Owns :data:`ProgressFn` and the silent default :func:`quiet`. A use case calls
``progress(step, done, total)`` as it goes (``total`` 0 when the number of steps is unknown);
the CLI draws it as a progress bar on stderr and the web API ignores it. Must not print.

Examples
--------
>>> seen = []
>>> def record(step: str, done: int, total: int) -> None:
...     seen.append((step, done, total))
>>> record("loading", 1, 3); quiet("loading", 1, 3); seen
[('loading', 1, 3)]
"""

from __future__ import annotations

from collections.abc import Callable

#: Called with (step description, steps completed, total steps; 0 when unknown).
ProgressFn = Callable[[str, int, int], None]


def quiet(step: str, done: int, total: int) -> None:
    """The default progress callback: says nothing."""
    del step, done, total
