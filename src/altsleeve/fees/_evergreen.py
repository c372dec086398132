"""An evergreen fund's fees on a NAV path: management on NAV, incentive over a hurdle with HWM.

Owns the period-by-period arithmetic. Pure functions of arrays: must not read files. The same
engine charges any NAV-proportional layer (a fund-of-funds' fee on NAV, the vehicle's basis-point
layers) with ``management_rate`` alone.

Each period ``t`` (length ``tau_t`` years, ACT/365), starting from ``NAV_{t-1}``:

```
pre_t   = NAV_{t-1} * (1 + r_t)                      gross growth
mgmt_t  = min(m * NAV_{t-1} * tau_t, pre_t)          management fee on the period's opening NAV
post_t  = pre_t - mgmt_t
at a crystallisation date (years y since the last one, base B = NAV after the last one):
  T     = max(HWM, B * (1 + h)^y)                    threshold (B * (1 + h)^y without a HWM)
  fee_t = k * max(post_t - T, 0)                     hard hurdle
  fee_t = max(min(k * (post_t - max(HWM, B)), post_t - T), 0)   with catch-up
  NAV_t = post_t - fee_t;  HWM = max(HWM, NAV_t);  B = NAV_t
otherwise NAV_t = post_t
```

The HWM starts at the subscription NAV and is the highest NAV after fees at any crystallisation
date; the last period always crystallises (the investor's exit at the horizon). One
subscription, no redemptions, so the fund's total NAV stands for the NAV per unit. Levels: a
large evergreen real-estate fund charges 1.25% of NAV plus 12.5% over a 5% hurdle (DOMAIN.md
s. 8). Money is conserved each period: ``pre_t = NAV_t + mgmt_t + fee_t``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from altsleeve.fees._layers import Incentive


@dataclass(frozen=True)
class EvergreenResult:
    """Per-period arrays (dollars), each of the length of the return path.

    Attributes
    ----------
    nav_pre : numpy.ndarray
        NAV after gross growth, before the period's fees.
    management : numpy.ndarray
        Management fee charged in the period.
    incentive : numpy.ndarray
        Incentive fee crystallised at the period's end (0 when none).
    nav : numpy.ndarray
        NAV after fees at the period's end.
    hwm : numpy.ndarray
        High-water mark after the period.
    """

    nav_pre: np.ndarray
    management: np.ndarray
    incentive: np.ndarray
    nav: np.ndarray
    hwm: np.ndarray

    def net_returns(self, nav0: float) -> np.ndarray:
        """The net return of each period, ``NAV_t / NAV_{t-1} - 1`` (NaN after a zero NAV)."""
        prev = np.concatenate([[nav0], self.nav[:-1]])
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(prev > 0, self.nav / prev - 1.0, np.nan)


def crystallisation_mask(n: int, every: int) -> np.ndarray:
    """Crystallise every ``every`` periods and at the last one (``every=1``: each period)."""
    mask: np.ndarray = (np.arange(1, n + 1) % max(every, 1)) == 0
    if n:
        mask[-1] = True
    return mask


def evergreen_fees(
    nav0: float,
    returns: ArrayLike,
    years: ArrayLike,
    *,
    management_rate: float = 0.0,
    fixed_basis: float | None = None,
    incentive: Incentive | None = None,
    periods_per_year: int = 4,
) -> EvergreenResult:
    """Charge a management fee on NAV and an incentive fee with a high-water mark.

    Parameters
    ----------
    nav0 : float
        Dollars subscribed at the start.
    returns : array_like, shape (n,)
        Gross return of each period, decimal (> -1).
    years : array_like, shape (n,)
        Length of each period in years (ACT/365).
    management_rate : float, default 0
        Management fee a year on the period's opening NAV (decimal; 0.0125 = 1.25%).
    fixed_basis : float, optional
        Charge the management fee on this fixed dollar basis (e.g. the amount committed)
        instead of the opening NAV.
    incentive : Incentive, optional
        Incentive terms (rate, hurdle a year, high-water mark, crystallisation, catch-up).
    periods_per_year : int, default 4
        Periods in a year, to place annual crystallisation dates (every ``periods_per_year``).

    Returns
    -------
    EvergreenResult
        Per-period NAV before fees, fees, NAV after fees and HWM.

    Examples
    --------
    One year, +20% gross, 1.25% management, 12.5% over a 5% hurdle: the management fee is
    1.25, the incentive ``0.125 * (118.75 - 105) = 1.71875``.

    >>> from altsleeve.fees import Incentive, evergreen_fees
    >>> r = evergreen_fees(100.0, [0.20], [1.0], management_rate=0.0125,
    ...                    incentive=Incentive(rate=0.125, hurdle=0.05))
    >>> float(r.management[0]), float(r.incentive[0]), float(r.nav[0])
    (1.25, 1.71875, 117.03125)
    """
    r = np.asarray(returns, dtype=float)
    tau = np.asarray(years, dtype=float)
    n = len(r)
    if tau.shape != r.shape:
        raise ValueError("returns and years must have the same length")
    every = 1 if incentive is None or incentive.crystallisation == "quarterly" else periods_per_year
    mask = crystallisation_mask(n, every)
    nav_pre, mgmt, inc, nav, hwm_out = (np.zeros(n) for _ in range(5))
    value = float(nav0)
    hwm = value
    base = value
    since = 0.0
    for t in range(n):
        pre = value * (1.0 + r[t])
        basis = value if fixed_basis is None else fixed_basis
        fee_m = min(management_rate * basis * tau[t], max(pre, 0.0))
        post = pre - fee_m
        since += tau[t]
        fee_i = 0.0
        if incentive is not None and mask[t]:
            hurdle_nav = base * (1.0 + incentive.hurdle) ** since
            threshold = max(hwm, hurdle_nav) if incentive.high_water_mark else hurdle_nav
            if incentive.catch_up:
                start = max(hwm, base) if incentive.high_water_mark else base
                fee_i = max(min(incentive.rate * (post - start), post - threshold), 0.0)
            else:
                fee_i = incentive.rate * max(post - threshold, 0.0)
        value = post - fee_i
        if incentive is not None and mask[t]:
            hwm = max(hwm, value)
            base = value
            since = 0.0
        nav_pre[t], mgmt[t], inc[t], nav[t], hwm_out[t] = pre, fee_m, fee_i, value, hwm
    return EvergreenResult(nav_pre, mgmt, inc, nav, hwm_out)
