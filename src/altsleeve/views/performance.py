"""``altsleeve perf`` as a terminal table (rich): each fund, the pooled row and the sleeve's TWR.

Owns drawing a :class:`~altsleeve.workflows.performance.Performance`. Must not compute a figure
the result lacks.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from altsleeve.workflows.performance import Performance


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def _mult(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}x"


def render_performance(res: Performance, console: Console) -> None:
    """The table of :meth:`Performance.to_dict`'s rows and the notes under it."""
    rows: list[dict[str, Any]] = res.to_dict()
    n_funds = len(rows) - 1
    t = Table(title=f"Fund performance to each fund's end date ({res.source})")
    for c in ("fund", "from", "to", "paid $m", "dist $m", "NAV $m", "IRR", "TVPI"):
        t.add_column(c, justify="left" if c == "fund" else "right")
    for c in ("DPI", "RVPI", "KS-PME", "LN-PME", "PME+", "Direct α"):
        t.add_column(c, justify="right")
    for i, r in enumerate(rows):
        ks, alpha = r["ks_pme"], r["direct_alpha"]
        t.add_row(
            str(r["fund_id"]),
            r["start"][:7],
            r["end"][:7],
            f"{r['pic'] / 1e6:,.1f}",
            f"{r['distributed'] / 1e6:,.1f}",
            f"{r['nav'] / 1e6:,.1f}",
            _pct(r["irr"]),
            _mult(r["tvpi"]),
            _mult(r["dpi"]),
            _mult(r["rvpi"]),
            "n/a" if ks is None else f"{ks:.2f}",
            _pct(r["ln_pme"]),
            _pct(r["pme_plus"]),
            "n/a" if alpha is None else f"{alpha:+.1%}",
            end_section=i == n_funds - 1,
        )
    console.print(t)
    if res.has_index:
        console.print(
            f"Index: {res.index_name}. KS-PME above 1 and Direct α above 0 mean the fund beat "
            "the index; LN-PME and PME+ are the IRRs of the index on the fund's own flows, to "
            "compare with its IRR."
        )
    else:
        console.print("No index given (--index or --index-series): public-market equivalents n/a.")
    console.print(
        "Rates are a year, compounded annually over ACT/365F days (pyxirr's XIRR). Pooled: all "
        "funds as one; a fund that ends early leaves at its NAV. $m: millions of dollars."
    )
    twr = res.twr
    if twr.unavailable is not None or twr.start is None or twr.end is None:
        console.print(f"Sleeve time-weighted return: n/a ({twr.unavailable}).")
    else:
        how = "exact" if twr.method == "exact" else "chain-linked Modified Dietz"
        console.print(
            f"Sleeve time-weighted return {twr.start:%Y-%m-%d} to {twr.end:%Y-%m-%d}: "
            f"{twr.annualised:+.2%} a year ({twr.cumulative:+.1%} in all; {how} over "
            f"{twr.periods} periods between NAV dates, NAVs rolled forward with cash between "
            "statements)."
        )
    for note in res.notes:
        console.print(f"Note: {note}.")
