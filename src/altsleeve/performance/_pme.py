"""Public-market equivalents on dated cash flows: the flows each PME solves or sums, per fund.

Owns the definitions of the Kaplan-Schoar PME, the Long-Nickels PME, PME+, Direct Alpha and the
modified PME (mPME) on the flows of :class:`FundFlows`, each fund's flows carried to its end date
``T`` with the index: a flow on date ``t`` is worth ``g_t = I(T) / I(t)`` times as much at ``T``,
``I`` being the index level known on each date (the last level dated on or before it). Returns
per-fund sums and the cash-flow sets whose XIRR gives the rate measures; solving them is
:mod:`._xirr`'s job. Pure computation.

Notation per fund: calls ``C_t`` and distributions ``D_t`` (dollars >= 0) on its dates ``t <= T``,
``V`` its value on ``T`` (its last ``nav`` row; 0 without one).

* Kaplan & Schoar (2005): ``KS-PME = (sum D_t g_t + V) / sum C_t g_t``.
* Long & Nickels (1996): invest each call in the index and withdraw each distribution from it;
  the index position is worth ``NAV_LN = sum C_t g_t - sum D_t g_t`` at ``T``. LN-PME is the
  XIRR of the fund's own calls and distributions with ``NAV_LN`` in place of ``V``.
* Rouvinez (2003), PME+: scale every distribution by
  ``lambda = (sum C_t g_t - V) / sum D_t g_t`` so that the index position ends at exactly ``V``;
  PME+ is the XIRR of the calls, the scaled distributions and ``V``.
* Gredil, Griffiths & Stucke (2014), Direct Alpha: the XIRR of the flows carried to ``T``,
  ``(D_t - C_t) g_t``, plus ``V`` on ``T``: the fund's annual return in excess of the index,
  compounded discretely (their continuously compounded alpha is ``ln(1 + a)``).
* mPME (Cambridge Associates' modified PME, as pyxirr's ``m_pme`` and pypme's ``xpme``): an
  index position ``P`` takes each call and, on each distribution, gives up the share
  ``D_t / (D_t + NAV_t)`` of itself that the distribution took of the fund (``NAV_t`` is the
  fund's value after that date's flows). mPME is the XIRR of the calls, those index
  distributions and ``P_T``. It needs a ``nav`` row on every distribution date; a fund without
  one gets NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from altsleeve.performance._flows import FundFlows

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PmeFlows:
    """Per-fund sums and the flow sets of the rate-type PMEs.

    Attributes
    ----------
    ks_pme : ndarray, shape (n_funds,)
        Kaplan-Schoar PME (a ratio; NaN without calls).
    ln_nav : ndarray, shape (n_funds,)
        The Long-Nickels index position on the end date (dollars; may be negative).
    pme_plus_lambda : ndarray, shape (n_funds,)
        PME+'s scale on distributions (NaN without distributions).
    ln_amounts, pme_plus_amounts, direct_alpha_amounts, m_pme_amounts : ndarray, shape (n_rows,)
        The cash flows whose XIRR is each measure, on the rows of :class:`FundFlows`
        (the terminal amount is on each fund's last row).
    m_pme_defined : ndarray of bool, shape (n_funds,)
        Whether the fund has a ``nav`` row on every distribution date (mPME needs them).
    """

    ks_pme: FloatArray
    ln_nav: FloatArray
    pme_plus_lambda: FloatArray
    ln_amounts: FloatArray
    pme_plus_amounts: FloatArray
    direct_alpha_amounts: FloatArray
    m_pme_amounts: FloatArray
    m_pme_defined: NDArray[np.bool_]


def _m_pme_position(flows: FundFlows, level: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Index distributions of the mPME per row and index position at each fund's end, in dollars.

    The position is tracked in index units, ``z = P / I``: on each row
    ``z <- (1 - w) * (z + C / I)`` with ``w = D / (D + NAV)``; the index distribution is
    ``w * (z + C / I) * I``. One NumPy step per row position, across all funds at once.
    """
    n_rows, n_funds = len(flows.day), flows.n_funds
    nav = np.nan_to_num(flows.nav, nan=0.0)
    dist = flows.distribution
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(dist > 0, dist / (dist + nav), 0.0)
    units = np.zeros(n_funds)
    paid = np.zeros(n_rows)
    starts = flows.first_row
    lengths = np.diff(flows.offsets)
    for k in range(int(lengths.max(initial=0))):
        live = np.flatnonzero(lengths > k)
        r = starts[live] + k
        before = units[live] + flows.call[r] / level[r]
        paid[r] = share[r] * before * level[r]
        units[live] = (1.0 - share[r]) * before
    end_level = level[flows.last_row]
    return paid, units * end_level


def pme_flows(flows: FundFlows, level: FloatArray) -> PmeFlows:
    """The PME sums and flow sets of every fund.

    Parameters
    ----------
    flows : FundFlows
        The funds' dated flows.
    level : ndarray of float64, shape (n_rows,)
        The index level known on each row's date (> 0).

    Returns
    -------
    PmeFlows
        Kaplan-Schoar PME, the Long-Nickels end position, PME+'s lambda and the flow sets.
    """
    last = flows.last_row
    growth = level[last][flows.fund] / level
    call_fv = flows.per_fund(flows.call * growth)
    dist_fv = flows.per_fund(flows.distribution * growth)
    v = flows.end_nav
    with np.errstate(invalid="ignore", divide="ignore"):
        ks = np.where(call_fv > 0, (dist_fv + v) / call_fv, np.nan)
        lam = np.where(dist_fv > 0, (call_fv - v) / dist_fv, np.nan)
    ln_nav = call_fv - dist_fv
    net = flows.net

    ln = net.copy()
    ln[last] += ln_nav
    plus = np.nan_to_num(lam, nan=0.0)[flows.fund] * flows.distribution - flows.call
    plus[last] += v
    alpha = net * growth
    alpha[last] += v
    paid, position = _m_pme_position(flows, level)
    mpme = paid - flows.call
    mpme[last] += position
    needs_nav = (flows.distribution > 0) & np.isnan(flows.nav)
    defined = np.bincount(flows.fund, weights=needs_nav.astype(float), minlength=flows.n_funds)
    return PmeFlows(
        ks_pme=ks,
        ln_nav=ln_nav,
        pme_plus_lambda=lam,
        ln_amounts=ln,
        pme_plus_amounts=plus,
        direct_alpha_amounts=alpha,
        m_pme_amounts=mpme,
        m_pme_defined=defined == 0,
    )
