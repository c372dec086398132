"""Drawdown: the worst fall of a level series from its running peak.

Owns the one definition every report uses (the evidence file's trailing figures, the stress
replay's unit price, the demo's NAV path). Pure computation on arrays.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def worst_drawdown(levels: ArrayLike) -> tuple[float, int, int]:
    """The maximum drawdown with where it happened: ``(drawdown, peak position, trough position)``.

    ``drawdown`` as in :func:`max_drawdown` (``<= 0``); the positions index ``levels`` (the
    running peak before the trough, and the trough). Refuses an empty series (``ValueError``).

    Examples
    --------
    >>> worst_drawdown([100.0, 120.0, 60.0, 90.0, 130.0])
    (-0.5, 1, 2)
    """
    x = np.asarray(levels, dtype=float)
    if x.size == 0:
        raise ValueError("no levels: a drawdown needs at least one")
    dd = x / np.maximum.accumulate(x) - 1.0
    trough = int(np.argmin(dd))
    peak = int(np.argmax(x[: trough + 1]))
    return float(dd[trough]), peak, trough


def max_drawdown(levels: ArrayLike) -> float:
    """The maximum drawdown of a level series, a decimal return (``-0.5``: half lost).

    ``min_t (L_t / max_{s <= t} L_s - 1)`` over the levels in order (e.g. Magdon-Ismail & Atiya,
    "Maximum drawdown", Risk 2004, eq. 1, as a fraction of the peak). 0 when the series never
    falls; NaN when it is empty.

    Examples
    --------
    >>> max_drawdown([100.0, 120.0, 60.0, 90.0, 130.0])
    -0.5
    >>> max_drawdown([1.0, 2.0, 3.0])
    0.0
    """
    x = np.asarray(levels, dtype=float)
    if x.size == 0:
        return float("nan")
    return float((x / np.maximum.accumulate(x) - 1.0).min())
