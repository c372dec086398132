"""Number formats for people: the one definition of a percent, basis points, dollars and counts.

Owns how every table, chart label and document writes a figure: decimal returns as percents,
basis points, dollars (in millions from a threshold up), multiples and counts, with one
placeholder for a figure that is missing (``None``, NaN, infinite, non-numeric). Each view picks
its digits and placeholder; none formats numbers its own way. Must not round what it is not
asked to show: formatting never changes a stored or JSON figure.

Examples
--------
>>> pct(0.0772), pct(0.0772, 1, signed=True), pct(None)
('7.72%', '+7.7%', 'n/a')
>>> bp(123.4), bp(-5, signed=True, unit="", missing="-"), bp(None)
('123 bp', '-5', 'n/a')
>>> money(5_433_900_000), money(12_345.4), money(-2e5, millions_from=1e5)
('$5,433.9m', '$12,345', '-$0.2m')
>>> dollars(-1234.5)
'-$1,234'
>>> ratio(1.234), count(1234.4), num(3.0), num(3.14159)
('1.23x', '1,234', '3', '3.14')
"""

from __future__ import annotations

import math
from typing import Any

#: What a missing figure shows as, unless a view asks for another placeholder.
MISSING = "n/a"


def value(x: Any) -> float | None:
    """``x`` as a finite float, or ``None`` when it is missing, non-numeric or not finite.

    Strings and booleans count as non-numeric; so does anything ``float()`` refuses, whatever it
    raises (a template engine's undefined value raises its own error).
    """
    if x is None or isinstance(x, str | bool):
        return None
    try:
        v = float(x)
    except Exception:
        return None
    return v if math.isfinite(v) else None


def pct(x: Any, digits: int = 2, signed: bool = False, *, missing: str = MISSING) -> str:
    """A decimal as a percent (``0.0772`` -> ``7.72%``)."""
    v = value(x)
    if v is None:
        return missing
    return f"{100 * v:+.{digits}f}%" if signed else f"{100 * v:.{digits}f}%"


def bp(
    x: Any, digits: int = 0, signed: bool = False, *, unit: str = " bp", missing: str = MISSING
) -> str:
    """Basis points (``123.4`` -> ``123 bp``), thousands separated."""
    v = value(x)
    if v is None:
        return missing
    text = f"{v:+,.{digits}f}" if signed else f"{v:,.{digits}f}"
    return text + unit


def money(x: Any, digits: int = 1, *, millions_from: float = 1e6, missing: str = MISSING) -> str:
    """Dollars: ``$5,433.9m`` from ``millions_from`` up (``math.inf``: never), else ``$12,345``."""
    v = value(x)
    if v is None:
        return missing
    sign, a = ("-" if v < 0 else ""), abs(v)
    return f"{sign}${a / 1e6:,.{digits}f}m" if a >= millions_from else f"{sign}${a:,.0f}"


def dollars(x: Any, *, missing: str = MISSING) -> str:
    """Whole dollars, thousands separated (``-1234.5`` -> ``-$1,234``)."""
    return money(x, millions_from=math.inf, missing=missing)


def ratio(x: Any, digits: int = 2, *, missing: str = MISSING) -> str:
    """A multiple (``1.234`` -> ``1.23x``)."""
    v = value(x)
    return missing if v is None else f"{v:,.{digits}f}x"


def num(x: Any, digits: int = 2, *, missing: str = MISSING) -> str:
    """A plain number: whole numbers with thousands separators, others to ``digits`` places."""
    v = value(x)
    if v is None:
        return missing
    return f"{v:,.0f}" if v.is_integer() else f"{v:,.{digits}f}"


def count(x: Any, *, missing: str = MISSING) -> str:
    """A whole number (days, counts): ``1,234``."""
    v = value(x)
    return missing if v is None else f"{round(v):,d}"


__all__ = ["MISSING", "bp", "count", "dollars", "money", "num", "pct", "ratio", "value"]
