"""Distribution waterfalls: European (whole fund) and American (deal by deal), with clawback.

Owns splitting a drawdown fund's gross distributions between its limited partners (LPs) and its
general partner (GP). Pure functions of dated flows: must not read files or know about layers
other than the carry terms (:class:`altsleeve.fees.Carry`).

Tiers, in order (ILPA Private Equity Principles 3.0, "Waterfall Structure"; DOMAIN.md s. 4):

1. **Return of capital**: 100% to the LPs until they have their contributions back.
2. **Preferred return**: 100% to the LPs until they have ``p`` a year, compounded, on their
   contributions. Kept as a hurdle account ``H`` that grows by ``(1 + p)^(days/365)`` (ACT/365)
   between events, rises with each contribution and falls with each tier-1/2 receipt.
3. **GP catch-up**: the GP takes ``c`` of each dollar (``c = 1``: full catch-up) until it has
   ``k`` (the carry rate) of the profits distributed so far: the tier's size is
   ``x = (k (P_LP + G) - G) / (c - k)``, ``P_LP`` the LPs' profit received, ``G`` the GP's carry.
4. **Split**: ``k`` to the GP, ``1 - k`` to the LPs.

**Clawback** (end of the fund): the GP returns, gross of taxes (ILPA Principles 3.0,
"Clawback"), the lesser of its carry and the greater of (a) its carry above ``k`` of the fund's
net profit (all distributions less all contributions, the usual "excess amount" clause), (b)
what the LPs still lack of their contributions plus the preferred return, both future-valued at
``p`` to the end date, and, where the catch-up is not full (``c < 1``), (c) its carry, valued at
``p`` to the end date, above what the tiers would give it on the whole fund's distributions
valued the same way (capital ``C``, hurdle ``C`` plus the preferred return): without a catch-up
the GP is owed ``k`` of the profit *above* the preferred return, which (a) alone would leave it
(issue 17). With a full catch-up (c) is (a) and (b) together, and is not computed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from altsleeve.fees._layers import Carry

#: A dated amount in dollars: a contribution, a fee paid or a distribution.
Flow = tuple[dt.date, float]

DAYS_PER_YEAR = 365.0  # ACT/365 throughout

_COLUMNS = [
    "date",
    "deal",
    "gross",
    "lp_capital",
    "lp_pref",
    "gp_catch_up",
    "lp_catch_up",
    "lp_split",
    "gp_split",
    "lp",
    "gp",
]


@dataclass(frozen=True)
class Deal:
    """One investment of a drawdown fund.

    Attributes
    ----------
    name : str
        Label.
    invested : datetime.date
        Date the cost was contributed and invested.
    cost : float
        Dollars invested (> 0).
    exited : datetime.date
        Date of the (single) realisation.
    proceeds : float
        Gross dollars realised on ``exited`` (0 for a write-off).
    """

    name: str
    invested: dt.date
    cost: float
    exited: dt.date
    proceeds: float


@dataclass(frozen=True)
class WaterfallResult:
    """How a fund's distributions were split.

    Attributes
    ----------
    rows : pandas.DataFrame
        One row per distribution event, columns ``date, deal, gross, lp_capital, lp_pref,
        gp_catch_up, lp_catch_up, lp_split, gp_split, lp, gp`` (dollars; ``lp + gp = gross``).
    contributions : float
        All LP contributions counted by the clawback test (capital and fees), dollars.
    gp_carry : float
        Carry the GP received through the waterfall, before any clawback.
    clawback : float
        Dollars the GP returns to the LPs on ``end`` (0 without a clawback clause).
    end : datetime.date
        The clawback date (the fund's end).
    """

    rows: pd.DataFrame
    contributions: float
    gp_carry: float
    clawback: float
    end: dt.date
    notes: list[str] = field(default_factory=list)

    @property
    def gp_net(self) -> float:
        """The GP's carry after the clawback."""
        return self.gp_carry - self.clawback

    @property
    def lp_total(self) -> float:
        """Everything the LPs receive, the clawback included."""
        return float(self.rows["lp"].sum()) + self.clawback

    def lp_flows(self) -> list[Flow]:
        """The LPs' dated receipts, the clawback as a receipt on ``end``."""
        out = [(d, float(a)) for d, a in zip(self.rows["date"], self.rows["lp"], strict=True)]
        if self.clawback > 0:
            out.append((self.end, self.clawback))
        return out


def _years(a: dt.date, b: dt.date) -> float:
    return (b - a).days / DAYS_PER_YEAR


def _grow(value: float, since: dt.date, until: dt.date, p: float) -> float:
    return value * (1.0 + p) ** _years(since, until) if value > 0 and p > 0 else value


def _catch_up_size(k: float, c: float, lp_profit: float, gp: float) -> float:
    """Tier-3 size that brings the GP to ``k`` of profits distributed (0 if already there)."""
    if c <= 0.0:
        return 0.0
    return max(0.0, (k * (lp_profit + gp) - gp) / (c - k))


def _split(
    amount: float, capital_due: float, hurdle_due: float, lp_profit: float, gp: float, t: Carry
) -> dict[str, float]:
    """One distribution through the four tiers; ``hurdle_due`` includes ``capital_due``."""
    k, c = t.rate, t.catch_up
    lp_capital = min(amount, max(capital_due, 0.0))
    rem = amount - lp_capital
    lp_pref = min(rem, max(hurdle_due - lp_capital, 0.0))
    rem -= lp_pref
    x = min(rem, _catch_up_size(k, c, lp_profit + lp_pref, gp))
    rem -= x
    out = {
        "gross": amount,
        "lp_capital": lp_capital,
        "lp_pref": lp_pref,
        "gp_catch_up": c * x,
        "lp_catch_up": (1.0 - c) * x,
        "lp_split": (1.0 - k) * rem,
        "gp_split": k * rem,
    }
    out["lp"] = lp_capital + lp_pref + out["lp_catch_up"] + out["lp_split"]
    out["gp"] = out["gp_catch_up"] + out["gp_split"]
    return out


def _clawback(
    t: Carry,
    contributions: Sequence[Flow],
    rows: pd.DataFrame,
    gp_carry: float,
    end: dt.date,
) -> float:
    """The GP's return of carry at ``end`` (see the module docstring)."""
    if not t.clawback or gp_carry <= 0:
        return 0.0
    paid_in = sum(a for _, a in contributions)
    distributed = float(rows["gross"].sum()) if len(rows) else 0.0
    excess = gp_carry - t.rate * max(distributed - paid_in, 0.0)
    p = t.preferred_return
    owed = sum(_grow(a, d, end, p) for d, a in contributions)
    received = sum(
        _grow(float(a), d, end, p) for d, a in zip(rows["date"], rows["lp"], strict=True)
    )
    shortfall = owed - received
    whole_fund = 0.0
    if t.catch_up < 1.0:
        # (c) without a full catch-up the GP is owed less than k of the profit: its share of
        # the whole fund's distributions passed once through the tiers, in end-of-fund dollars
        worth = sum(
            _grow(float(a), d, end, p) for d, a in zip(rows["date"], rows["gross"], strict=True)
        )
        entitled = _split(worth, paid_in, owed, 0.0, 0.0, t)["gp"] if worth > 0 else 0.0
        carry_worth = sum(
            _grow(float(a), d, end, p) for d, a in zip(rows["date"], rows["gp"], strict=True)
        )
        whole_fund = carry_worth - entitled
    return float(min(gp_carry, max(0.0, excess, shortfall, whole_fund)))


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=_COLUMNS)


def european_waterfall(
    contributions: Sequence[Flow],
    distributions: Sequence[Flow],
    terms: Carry,
    *,
    fees: Sequence[Flow] = (),
    end: dt.date | None = None,
) -> WaterfallResult:
    """Split distributions through a whole-fund (European) waterfall, cumulatively.

    Each distribution, in date order, passes the four tiers given everything contributed and
    distributed before it (contributions dated the same day come first). Interim distributions
    can overpay the GP when later calls or losses follow: the clawback settles that on ``end``.

    Parameters
    ----------
    contributions : sequence of (date, dollars)
        LP capital contributions (investments, and fees when the caller counts them as capital).
    distributions : sequence of (date, dollars)
        Gross distributable proceeds, >= 0.
    terms : Carry
        Carry rate, preferred return, catch-up, clawback.
    fees : sequence of (date, dollars), optional
        Management fees paid by the LPs. With ``terms.return_fees`` they are contributions
        returned in tier 1 with the preferred return on them; otherwise they are not returned but
        still count as paid-in for the clawback test.
    end : datetime.date, optional
        The clawback date; default the last flow's date.

    Returns
    -------
    WaterfallResult
        Per-distribution split (``lp + gp = gross``), carry and clawback.

    Examples
    --------
    The CFA/CAIA-style problem quoted on AnalystForum (thread 154723): 50 contributed, 100
    distributed a year later, 8% preferred return, full catch-up, 20% carry:

    >>> from altsleeve.fees import Carry, european_waterfall
    >>> import datetime as dt
    >>> r = european_waterfall([(dt.date(2021, 1, 1), 50.0)], [(dt.date(2022, 1, 1), 100.0)],
    ...                        Carry(rate=0.2))
    >>> round(r.lp_total, 2), round(r.gp_net, 2)
    (90.0, 10.0)
    """
    k_p = terms.preferred_return
    capital_flows = list(contributions) + (list(fees) if terms.return_fees else [])
    events: list[tuple[dt.date, int, float]] = [(d, 0, a) for d, a in capital_flows]
    events += [(d, 1, a) for d, a in distributions]
    events.sort(key=lambda e: (e[0], e[1]))
    capital = 0.0  # unreturned contributions
    hurdle = 0.0  # capital plus compounded unpaid preferred return
    h_date: dt.date | None = None
    lp_profit = gp = 0.0
    rows: list[dict[str, object]] = []
    for d, kind, amount in events:
        if h_date is not None:
            hurdle = _grow(hurdle, h_date, d, k_p)
        h_date = d
        if kind == 0:
            capital += amount
            hurdle += amount
            continue
        s = _split(amount, capital, hurdle, lp_profit, gp, terms)
        capital -= s["lp_capital"]
        hurdle -= s["lp_capital"] + s["lp_pref"]
        lp_profit += s["lp_pref"] + s["lp_catch_up"] + s["lp_split"]
        gp += s["gp"]
        rows.append({"date": d, "deal": "", **s})
    frame = _frame(rows)
    paid_in = list(contributions) + list(fees)
    last = max([e[0] for e in events], default=dt.date(1970, 1, 1))
    end_date = end or last
    claw = _clawback(terms, paid_in, frame, gp, end_date)
    return WaterfallResult(frame, sum(a for _, a in paid_in), gp, claw, end_date)


def american_waterfall(
    deals: Sequence[Deal],
    terms: Carry,
    *,
    fees: Sequence[Flow] = (),
    end: dt.date | None = None,
) -> WaterfallResult:
    """Split each realisation through its own (American, deal-by-deal) waterfall.

    At a deal's exit the LPs first get back its cost (plus, with ``terms.return_fees``, the
    fees allocated to it: each fee is shared among the deals held on its date pro rata to cost)
    and the preferred return on those amounts, plus whatever earlier realisations left unpaid
    (realised losses and their preferred return, carried forward and compounding); then the GP
    catches up to ``k`` of that event's profit and the rest is split. Write-downs of unrealised
    deals are not charged (a simplification: the clawback settles them at the end).

    Parameters
    ----------
    deals : sequence of Deal
        The fund's investments; realisations are processed by exit date (ties in input order).
    terms : Carry
        Carry rate, preferred return, catch-up, clawback.
    fees : sequence of (date, dollars), optional
        Management fees paid by the LPs.
    end : datetime.date, optional
        The clawback date; default the last exit.

    Returns
    -------
    WaterfallResult
        One row per realisation (``lp + gp = gross``), carry and clawback.

    Examples
    --------
    Sydecar's clawback example (two $500k deals, the first realised for $2m, the second written
    off; 20% carry, no preferred return): the GP takes $300k on the first deal and returns $100k.

    >>> from altsleeve.fees import Carry, Deal, american_waterfall
    >>> import datetime as dt
    >>> t = Carry(rate=0.2, preferred_return=0.0, catch_up=0.0)
    >>> d0, d1, d2 = dt.date(2020, 1, 1), dt.date(2022, 1, 1), dt.date(2024, 1, 1)
    >>> r = american_waterfall([Deal("1", d0, 5e5, d1, 2e6), Deal("2", d0, 5e5, d2, 0.0)], t)
    >>> r.gp_carry, r.clawback
    (300000.0, 100000.0)
    """
    p = terms.preferred_return
    order = sorted(range(len(deals)), key=lambda i: (deals[i].exited, i))
    components: list[list[Flow]] = [[(d.invested, d.cost)] for d in deals]
    pool_cap = 0.0  # carried-forward unreturned capital of realised deals (and orphan fees)
    pool = 0.0  # the same plus its compounded unpaid preferred return
    pool_date: dt.date | None = None
    notes: list[str] = []
    if terms.return_fees:
        for fd, fa in fees:
            live = [i for i, d in enumerate(deals) if d.invested <= fd < d.exited]
            cost = sum(deals[i].cost for i in live)
            if cost <= 0:
                pool = _grow(pool, pool_date, fd, p) if pool_date else pool
                pool, pool_cap, pool_date = pool + fa, pool_cap + fa, fd
                continue
            for i in live:
                components[i].append((fd, fa * deals[i].cost / cost))
    rows: list[dict[str, object]] = []
    gp = 0.0
    for i in order:
        deal = deals[i]
        t_exit = deal.exited
        if pool_date is not None:
            pool = _grow(pool, pool_date, t_exit, p)
        pool_date = t_exit
        cap = sum(a for _, a in components[i]) + pool_cap
        hurdle = sum(_grow(a, d, t_exit, p) for d, a in components[i]) + pool
        s = _split(deal.proceeds, cap, hurdle, 0.0, 0.0, terms)
        gp += s["gp"]
        pool_cap = cap - s["lp_capital"]
        pool = max(hurdle - s["lp_capital"] - s["lp_pref"], 0.0)
        rows.append({"date": t_exit, "deal": deal.name, **s})
    if pool_cap > 1e-9:
        notes.append(
            f"deal by deal, the last realisation left {pool_cap:,.2f} of capital unreturned "
            "(the whole-fund clawback test covers it)"
        )
    frame = _frame(rows)
    paid_in = [(d.invested, d.cost) for d in deals] + list(fees)
    last = max([d.exited for d in deals], default=dt.date(1970, 1, 1))
    end_date = end or last
    claw = _clawback(terms, paid_in, frame, gp, end_date)
    return WaterfallResult(frame, sum(a for _, a in paid_in), gp, claw, end_date, notes)
