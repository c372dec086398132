"""The measure table: IRR, multiples and public-market equivalents of many funds at once.

Owns :func:`performance_table` (a long table of dated cash flows in, one row per fund out),
:data:`MEASURE_COLUMNS`, and :func:`pooled_cashflows` (all funds as one). The table groups the
flows once (:mod:`._flows`), sums with ``bincount``, carries flows with the index in NumPy
(:mod:`._pme`) and solves every IRR-type measure of every fund in one vectorised pyxirr-exact
XIRR run (:mod:`._xirr`). Pure computation; must not read files or the ledger.

Units: multiples are ratios; IRR, LN-PME, PME+, Direct Alpha and mPME are decimal rates a year,
compounded annually over ACT/365F years (pyxirr's default day count); dollars are dollars.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from altsleeve.performance._flows import FundFlows, fund_flows, index_levels
from altsleeve.performance._pme import pme_flows
from altsleeve.performance._xirr import xirr_many

#: Columns of :func:`performance_table`, in order.
MEASURE_COLUMNS: tuple[str, ...] = (
    "fund_id",
    "start",
    "end",
    "pic",
    "distributed",
    "nav",
    "irr",
    "tvpi",
    "dpi",
    "rvpi",
    "ks_pme",
    "ln_pme",
    "pme_plus",
    "pme_plus_lambda",
    "direct_alpha",
    "m_pme",
)

#: ``fund_id`` of :func:`pooled_cashflows`' single fund.
POOLED_ID = "POOLED"


def performance_table(cashflows: pd.DataFrame, index: pd.Series | None = None) -> pd.DataFrame:
    """IRR, multiples and public-market equivalents of every fund in a cash-flow table.

    Parameters
    ----------
    cashflows : DataFrame
        Long table with ``fund_id``, ``date``, ``kind`` (``call``, ``distribution``, ``nav``)
        and ``amount`` (dollars >= 0; the kind gives the sign). A ``nav`` row is the fund's
        value at the end of that date, after its flows; the last one ends the fund's history
        (no call or distribution may follow it). A fund without a ``nav`` row ends on its last
        flow with a value of 0 (fully realised).
    index : Series, optional
        Public index levels (> 0; a total-return index for a fair comparison) indexed by date.
        The level on a flow's date is the last level dated on or before it. Without an index
        the PME columns are NaN.

    Returns
    -------
    DataFrame
        One row per fund, sorted by ``fund_id``, with the columns of :data:`MEASURE_COLUMNS`:

        ``start``, ``end``
            The fund's first date and end date (``datetime64``).
        ``pic``
            Paid-in capital: the sum of calls (dollars).
        ``distributed``
            The sum of distributions (dollars).
        ``nav``
            The value on the end date (dollars).
        ``irr``
            XIRR of calls (negative), distributions and the end value (decimal a year,
            ACT/365F), equal to :func:`pyxirr.xirr` on the same flows.
        ``tvpi``, ``dpi``, ``rvpi``
            ``(distributed + nav) / pic``, ``distributed / pic``, ``nav / pic``; so
            ``tvpi = dpi + rvpi``.
        ``ks_pme``
            Kaplan & Schoar (2005) PME, a ratio (1 = matched the index).
        ``ln_pme``
            Long & Nickels (1996) PME: the IRR an index investor earns on the same flows.
        ``pme_plus``, ``pme_plus_lambda``
            Rouvinez (2003) PME+ (an IRR) and its scale on distributions.
        ``direct_alpha``
            Gredil, Griffiths & Stucke (2014) Direct Alpha: annual excess return over the
            index (discrete; ``ln(1 + a)`` is their continuous alpha).
        ``m_pme``
            Modified PME (an IRR); NaN unless the fund has a ``nav`` row on every
            distribution date.

        ``attrs["pyxirr_calls"]`` counts the IRR problems that the vectorised solver handed to
        :func:`pyxirr.xirr` one by one (see :func:`xirr_many`).

        Measures without a meaning are NaN: multiples and PMEs without calls, rates of a fund
        whose flows all fall on one date or lack a flow of either sign, PME+ without
        distributions, and rates for which pyxirr finds no root.

    Raises
    ------
    ValueError
        A malformed table (see :func:`fund_flows`), a bad index, or a fund whose first date is
        before the index's first date.

    Examples
    --------
    >>> import pandas as pd
    >>> flows = pd.DataFrame(
    ...     {
    ...         "fund_id": ["A", "A", "A"],
    ...         "date": ["2020-01-01", "2021-01-01", "2022-01-01"],
    ...         "kind": ["call", "distribution", "nav"],
    ...         "amount": [100.0, 50.0, 80.0],
    ...     }
    ... )
    >>> row = performance_table(flows).iloc[0]
    >>> float(row["tvpi"]), round(float(row["irr"]), 4)
    (1.3, 0.1784)
    """
    flows = fund_flows(cashflows)
    n = flows.n_funds
    pic = flows.per_fund(flows.call)
    dist = flows.per_fund(flows.distribution)
    v = flows.end_nav
    with np.errstate(invalid="ignore", divide="ignore"):
        dpi = np.where(pic > 0, dist / pic, np.nan)
        rvpi = np.where(pic > 0, v / pic, np.nan)
        tvpi = np.where(pic > 0, (dist + v) / pic, np.nan)

    irr_amounts = flows.net
    irr_amounts[flows.last_row] += v
    sets = [irr_amounts]
    nan = np.full(n, np.nan)
    ks, lam = nan, nan
    defined = np.zeros(n, bool)
    if index is not None:
        level = index_levels(index, flows.day)
        if np.isnan(level).any():
            early = np.unique(flows.fund[np.isnan(level)])
            names = ", ".join(str(f) for f in flows.fund_ids[early][:5])
            raise ValueError(
                f"the index starts after the first flow of {len(early)} fund(s): {names}"
            )
        pme = pme_flows(flows, level)
        ks, lam, defined = pme.ks_pme, pme.pme_plus_lambda, pme.m_pme_defined
        sets += [
            pme.ln_amounts,
            pme.pme_plus_amounts,
            pme.direct_alpha_amounts,
            pme.m_pme_amounts,
        ]
    rates, handed_over = _solve(flows, sets)
    spans = flows.day[flows.last_row] > flows.day[flows.first_row]
    rates[:, ~spans] = np.nan
    out = pd.DataFrame(
        {
            "fund_id": flows.fund_ids.astype(str),
            "start": flows.dates(flows.first_row).astype("datetime64[ns]"),
            "end": flows.dates(flows.last_row).astype("datetime64[ns]"),
            "pic": pic,
            "distributed": dist,
            "nav": v,
            "irr": rates[0],
            "tvpi": tvpi,
            "dpi": dpi,
            "rvpi": rvpi,
            "ks_pme": ks,
            "ln_pme": rates[1] if index is not None else nan,
            "pme_plus": np.where(np.isnan(lam), np.nan, rates[2]) if index is not None else nan,
            "pme_plus_lambda": lam,
            "direct_alpha": rates[3] if index is not None else nan,
            "m_pme": np.where(defined, rates[4], np.nan) if index is not None else nan,
        },
        columns=list(MEASURE_COLUMNS),
    )
    no_calls = pic <= 0
    out.loc[no_calls, ["ks_pme", "ln_pme", "pme_plus", "direct_alpha", "m_pme"]] = np.nan
    out.attrs["pyxirr_calls"] = handed_over
    return out


def _solve(flows: FundFlows, sets: list[np.ndarray]) -> tuple[np.ndarray, int]:
    """XIRR of every fund under every flow set, in one vectorised run.

    Returns the rates, shape (len(sets), n_funds), and how many sets went to pyxirr one by one.
    """
    n, k = flows.n_funds, len(sets)
    years = flows.years()
    group = (np.arange(k)[:, None] * n + flows.fund[None, :]).ravel()
    rates, handed_over = xirr_many(
        np.concatenate(sets),
        np.tile(years, k),
        group,
        n * k,
        np.tile(flows.dates(), k),
    )
    return rates.reshape(k, n), handed_over


def pooled_cashflows(cashflows: pd.DataFrame, fund_id: str = POOLED_ID) -> pd.DataFrame:
    """All funds as one: the pooled cash flows whose measures are the book's pooled figures.

    Every call and distribution is kept (summed per date and kind). A fund whose history ends
    before the latest end date leaves the pool on its end date: its value then counts as a
    distribution on that date. The pool's ``nav`` row, on the latest end date, is the sum of
    the values of the funds that end on it. Interim ``nav`` rows are dropped (so the pool's
    mPME is NaN).

    Parameters
    ----------
    cashflows : DataFrame
        As for :func:`performance_table`.
    fund_id : str
        The pooled fund's id.

    Returns
    -------
    DataFrame
        ``fund_id, date, kind, amount`` rows of one fund.
    """
    flows = fund_flows(cashflows)
    end_day = flows.day[flows.last_row]
    last = int(end_day.max())
    days = np.concatenate([flows.day, flows.day, end_day])
    kinds = np.concatenate(
        [
            np.full(len(flows.day), "call"),
            np.full(len(flows.day), "distribution"),
            np.where(end_day == last, "nav", "distribution"),
        ]
    )
    amounts = np.concatenate([flows.call, flows.distribution, flows.end_nav])
    frame = pd.DataFrame({"date": days.astype("datetime64[D]"), "kind": kinds, "amount": amounts})
    keep = (frame["amount"] > 0) | (frame["kind"] == "nav")
    pooled = frame[keep].groupby(["date", "kind"], as_index=False).agg(amount=("amount", "sum"))
    pooled.insert(0, "fund_id", fund_id)
    pooled["date"] = pooled["date"].astype("datetime64[ns]")
    return pooled.sort_values(["date", "kind"], ignore_index=True)
