"""Management fees of a drawdown fund: quarterly on commitment, invested capital or NAV.

The step-down after the investment period switches the basis and rate.

Owns the fee amounts and their dates. Pure: must not read files. Convention (the sample book's,
docs/sample-book.md s. 4, with an exact day count): a fee is paid on the first day of each quarter
counted from the first close, in advance, equal to ``rate * basis * days / 365`` where ``days``
is the quarter's length (ACT/365) and ``basis`` is measured on the payment date.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

import pandas as pd

from altsleeve.fees._gross import add_months, deal_values
from altsleeve.fees._layers import Management
from altsleeve.fees._waterfall import DAYS_PER_YEAR, Deal


@functools.lru_cache(maxsize=256)
def quarter_starts(start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    """First days of the quarters from ``start`` (every three calendar months) before ``end``."""
    out: list[dt.date] = []
    q = 0
    while (d := add_months(start, 3 * q)) < end:
        out.append(d)
        q += 1
    return tuple(out)


def invested_capital(deals: Sequence[Deal], day: dt.date) -> float:
    """Net invested capital on ``day``: the cost of deals made and not yet realised."""
    return float(sum(d.cost for d in deals if d.invested <= day < d.exited))


def management_fee_schedule(
    terms: Management,
    *,
    start: dt.date,
    end: dt.date,
    commitment: float,
    deals: Sequence[Deal],
) -> pd.DataFrame:
    """The quarterly management fees of a drawdown fund from ``start`` to ``end``.

    Parameters
    ----------
    terms : Management
        Basis, rate and step-down.
    start, end : datetime.date
        First close and the fund's end (the last quarter is cut at ``end``).
    commitment : float
        Dollars committed.
    deals : sequence of Deal
        The investments (for ``invested`` and ``nav`` bases; NAV by :func:`deal_values`).

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (payment day), ``basis``, ``basis_amount``, ``rate``, ``days``, ``fee``
        (dollars), one row per quarter.

    Examples
    --------
    2% on a $100m commitment for a 91-day quarter: ``0.02 * 100e6 * 91 / 365 = 498,630.14``.
    """
    rows = []
    starts = quarter_starts(start, end)
    for i, day in enumerate(starts):
        nxt = starts[i + 1] if i + 1 < len(starts) else end
        basis, rate = terms.terms_after((day - start).days / DAYS_PER_YEAR)
        if basis == "commitment":
            amount = commitment
        elif basis == "invested":
            amount = invested_capital(deals, day)
        else:
            amount = deal_values(deals, day)
        days = (nxt - day).days
        rows.append(
            {
                "date": day,
                "basis": basis,
                "basis_amount": amount,
                "rate": rate,
                "days": days,
                "fee": rate * amount * days / DAYS_PER_YEAR,
            }
        )
    return pd.DataFrame(rows, columns=["date", "basis", "basis_amount", "rate", "days", "fee"])
