"""Participant orders of the target-date vehicle: payroll purchases and redemptions.

Owns the sample book's flow model: a reference asset path growing at a stated rate, bi-weekly
payroll contributions, daily routine redemptions with noise, a redemption spike while a stress
state detected point in time from the S&P 500 path is on, and rare plan-level withdrawals
(Poisson). Every number comes from :class:`~altsleeve.samplebook._params.FlowParams`. Must not
read the private funds, the ledger or files; draws only from the generator it is given.

Per business day ``t`` (dollars; ``A_t`` the reference assets, ``dt_t`` ACT/365 years)::

    purchase_t   = A_t * deferral_rate * payroll_to_assets * interval / 365 * noise   (paydays)
    routine_t    = A_t * routine_redemption_rate * dt_t * noise * (stress_multiplier if stress)
    lumpy_t      = A_t * U(lumpy_fraction_min, lumpy_fraction_max)   with prob. 1 - exp(-lambda dt)
    stress_t     = some day s in (t - stress_hold_days, t] had S_{s-1} / S_{s-1-w} - 1 < threshold
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.random import Generator
from numpy.typing import NDArray

from altsleeve.domain import OrderKind
from altsleeve.samplebook._calendar import Calendar
from altsleeve.samplebook._params import SampleBookParams

FloatArray = NDArray[np.float64]

#: Columns of the flow-driver diagnostics table.
FLOW_DRIVER_COLUMNS = (
    "date",
    "reference_assets",
    "stress",
    "purchase",
    "routine_redemption",
    "lumpy_redemption",
)


def stress_flags(levels: FloatArray, window: int, threshold: float, hold: int) -> NDArray[np.bool_]:
    """Point-in-time stress state of each day from an index level path.

    Day ``t`` is a trigger when the trailing ``window``-day return up to the previous close,
    ``S_{t-1} / S_{t-1-window} - 1``, is below ``threshold``; the state is on for ``hold``
    business days from a trigger (the trigger day included).

    Parameters
    ----------
    levels : ndarray of float
        Index levels on the business days.
    window : int
        Business days in the trailing return.
    threshold : float
        Decimal return below which a day triggers.
    hold : int
        Business days the state lasts after the latest trigger.

    Returns
    -------
    ndarray of bool
        Stress state per day (False where the history is too short).

    """
    n = levels.size
    trailing = np.full(n, np.nan)
    if n > window + 1:
        trailing[window + 1 :] = levels[window:-1] / levels[: n - window - 1] - 1.0
    trigger = np.nan_to_num(trailing, nan=0.0) < threshold
    idx = np.arange(n)
    last = np.maximum.accumulate(np.where(trigger, idx, -hold - 1))
    return np.asarray(idx - last < hold, dtype=np.bool_)


def simulate_orders(
    calendar: Calendar,
    stress_levels: FloatArray,
    book: SampleBookParams,
    rng: Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate the vehicle's daily participant orders.

    Parameters
    ----------
    calendar : Calendar
        The book's business days.
    stress_levels : ndarray of float
        Levels of ``flows.stress_driver`` on the business days.
    book : SampleBookParams
        All assumptions (``book.flows`` is used).
    rng : numpy.random.Generator
        The orders' own generator.

    Returns
    -------
    orders : pandas.DataFrame
        ``vehicle, date, kind, amount``: one row per day and kind with a positive amount.
    flow_drivers : pandas.DataFrame
        Per day: reference assets, stress state and the purchase, routine and lumpy amounts.

    """
    fp = book.flows
    n = calendar.n_days
    days = calendar.days
    accrual = np.where(calendar.year_fraction > 0, calendar.year_fraction, 1.0 / book.days_per_year)
    years = np.cumsum(calendar.year_fraction)
    assets = fp.reference_assets_start * (1.0 + fp.reference_assets_growth) ** years

    # Paydays: every payroll_interval_days from the first payroll weekday, moved back to a
    # business day when the payday is not one.
    first_weekday = (days[0].astype("datetime64[D]").astype(np.int64) + 3) % 7  # Mon = 0
    offset = (fp.payroll_weekday - first_weekday) % 7
    paydays = np.arange(
        days[0] + np.timedelta64(int(offset), "D"),
        days[-1] + np.timedelta64(1, "D"),
        np.timedelta64(fp.payroll_interval_days, "D"),
    )
    pay_idx = np.unique(np.searchsorted(days, paydays, side="right") - 1)
    pay_idx = pay_idx[pay_idx >= 0]

    contribution_noise = rng.standard_normal(pay_idx.size)
    redemption_noise = rng.standard_normal(n)
    lumpy_u = rng.random(n)
    lumpy_size = rng.uniform(fp.lumpy_fraction_min, fp.lumpy_fraction_max, size=n)

    def mean_one(z: FloatArray, sd: float) -> FloatArray:
        return np.asarray(np.exp(sd * z - 0.5 * sd * sd), dtype=np.float64)

    purchase = np.zeros(n)
    per_payday = fp.deferral_rate * fp.payroll_to_assets * fp.payroll_interval_days
    purchase[pay_idx] = (
        assets[pay_idx]
        * per_payday
        / book.days_per_year
        * mean_one(contribution_noise, fp.contribution_noise_sd)
    )

    stress = stress_flags(
        stress_levels, fp.stress_window_days, fp.stress_threshold, fp.stress_hold_days
    )
    routine = (
        assets
        * fp.routine_redemption_rate
        * accrual
        * mean_one(redemption_noise, fp.redemption_noise_sd)
        * np.where(stress, fp.stress_multiplier, 1.0)
    )
    lumpy_hit = lumpy_u < 1.0 - np.exp(-fp.lumpy_rate_per_year * accrual)
    lumpy = np.where(lumpy_hit, assets * lumpy_size, 0.0)

    dec = book.amount_decimals
    purchase = np.round(purchase, dec)
    routine = np.round(routine, dec)
    lumpy = np.round(lumpy, dec)
    redemption = np.round(routine + lumpy, dec)

    dates = days.astype("datetime64[ns]")
    buy = purchase > 0
    sell = redemption > 0
    orders = pd.concat(
        [
            pd.DataFrame(
                {
                    "vehicle": fp.vehicle,
                    "date": dates[buy],
                    "kind": OrderKind.PURCHASE.value,
                    "amount": purchase[buy],
                }
            ),
            pd.DataFrame(
                {
                    "vehicle": fp.vehicle,
                    "date": dates[sell],
                    "kind": OrderKind.REDEMPTION.value,
                    "amount": redemption[sell],
                }
            ),
        ],
        ignore_index=True,
    )
    orders = orders.sort_values(["date", "kind"], kind="stable", ignore_index=True)
    drivers = pd.DataFrame(
        {
            "date": dates,
            "reference_assets": assets,
            "stress": stress,
            "purchase": purchase,
            "routine_redemption": routine,
            "lumpy_redemption": lumpy,
        },
        columns=list(FLOW_DRIVER_COLUMNS),
    )
    return orders, drivers
