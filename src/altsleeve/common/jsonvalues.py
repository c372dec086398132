"""Plain JSON values: the one conversion every JSON report of altsleeve uses.

Owns turning nested mappings and sequences of numpy and pandas scalars, dates and floats into
values ``json.dumps`` writes the same way every time: ``str`` keys, lists for tuples, Python
``bool``/``int``/``float``, ``None`` for NaN and infinities, ISO dates (``YYYY-MM-DD``) for dates
and midnight timestamps, full ISO text for a ``datetime`` with a time. Must not round, format or
reorder: what a figure is stays the caller's business.

Examples
--------
>>> import datetime as dt, numpy as np
>>> plain({"a": np.float64("nan"), 2: (np.int64(3), dt.date(2018, 12, 31))})
{'a': None, '2': [3, '2018-12-31']}
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def plain(value: Any) -> Any:
    """``value`` with every nested scalar made a plain JSON value (see the module docstring)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def finite(x: Any) -> float | None:
    """One number for JSON: a finite ``float``, or ``None`` for missing, NaN and infinities.

    >>> finite(2), finite(float("inf")), finite(None)
    (2.0, None, None)
    """
    if x is None:
        return None
    f = float(x)
    return f if math.isfinite(f) else None


__all__ = ["finite", "plain"]
