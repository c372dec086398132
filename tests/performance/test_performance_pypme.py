"""Cross-check against pypme (a test-only dependency) on randomly generated funds.

pypme 0.7 computes one public-market equivalent, the modified PME (mPME) of its ``xpme``, and the
asset's own IRR, both with dated flows (the ``xirr`` package: ACT/365F, scipy's secant method
from 0, then Brent's method). Its input is a unit-price path of the fund and of the index on every
flow date plus a final valuation date; the fund's NAV after each flow follows from the units it
holds. Where the definitions match, our measures must equal pypme's within 1e-6:

* ``irr`` = pypme's asset IRR (the fund's flows and its final value);
* ``m_pme`` = pypme's PME IRR, given a ``nav`` row on every flow date (the NAV after the flow);
* ``ln_pme`` = pypme's PME IRR for funds that distribute nothing before the end (then the index
  position of Long-Nickels and of the mPME are the same).

See docs/performance.md for where the two differ and why.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import pyxirr

from altsleeve.performance import fund_flows, index_levels, performance_table, pme_flows

pypme = pytest.importorskip("pypme")

START = dt.date(2005, 1, 3)
#: pypme 0.7 calls pandas in ways pandas 3 deprecates; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")


def daily_index(rng: np.random.Generator) -> pd.Series:
    """One public index for every fund: a daily random walk (levels > 0)."""
    days = pd.date_range(START, periods=4100, freq="D")
    return pd.Series(100 * np.exp(np.cumsum(rng.normal(0.0003, 0.01, len(days)))), index=days)


def _root_error(rate: float, dates: list[dt.date], amounts: np.ndarray) -> float:
    """|XNPV(rate)| relative to the flows' size: about 1e-12 at a root."""
    if not np.isfinite(rate):
        return np.inf
    npv = pyxirr.xnpv(rate, dates, amounts.tolist(), silent=True)
    return np.inf if npv is None else abs(npv) / float(np.abs(amounts).sum())


def random_fund(
    rng: np.random.Generator, fund: str, index: pd.Series, *, distributions: bool
) -> tuple[float, float, float, pd.DataFrame]:
    """pypme's (PME IRR, asset IRR) for a random fund, and the fund as our cash-flow rows.

    Also returns how far pypme's PME IRR is from a root of its own PME flows (its secant
    search from 0 sometimes stops at a rate that is not a root).

    The fund's unit price follows its own random walk; a call buys units, a distribution sells
    a random share of them. Our rows carry a ``nav`` row on every date: the NAV after the flow
    (pypme's ``NAVpost``), and on the last date the final value.
    """
    n = int(rng.integers(3, 25))
    days = np.sort(rng.choice(np.arange(1, 4000), size=n, replace=False))
    dates = [START + dt.timedelta(days=int(d)) for d in days]
    price = list(100 * np.exp(np.cumsum(rng.normal(0.02, 0.12, n))))
    pme_price = [float(index[pd.Timestamp(d)]) for d in dates]
    cashflows: list[float] = []
    units = 0.0
    for i in range(n - 1):
        if i == 0 or not distributions or rng.random() < 0.45:
            amount = float(rng.lognormal(15, 0.6))
            cashflows.append(-amount)
            units += amount / price[i]
        else:
            sold = units * float(rng.uniform(0.05, 0.6))
            cashflows.append(sold * price[i])
            units -= sold
    pme_irr, asset_irr, table = pypme.verbose_xpme(dates, cashflows, price, pme_price)
    miss = _root_error(float(pme_irr), dates, table["PME", "CF"].to_numpy(float))
    nav_after = table["Asset", "NAVpost"].to_numpy()
    rows: list[tuple[str, dt.date, str, float]] = []
    for i, cf in enumerate(cashflows):
        rows.append((fund, dates[i], "call" if cf < 0 else "distribution", abs(cf)))
        rows.append((fund, dates[i], "nav", float(nav_after[i])))
    rows.append((fund, dates[-1], "nav", float(table["Asset", "NAVpre"].iloc[-1])))
    frame = pd.DataFrame(rows, columns=["fund_id", "date", "kind", "amount"])
    return float(pme_irr), float(asset_irr), miss, frame


def compare(distributions: bool, seed: int, n: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Our table for n random funds (one vectorised call) beside pypme's two IRRs."""
    rng = np.random.default_rng(seed)
    index = daily_index(rng)
    frames, refs = [], []
    for i in range(n):
        pme_irr, asset_irr, miss, frame = random_fund(
            rng, f"F{i:03d}", index, distributions=distributions
        )
        frames.append(frame)
        refs.append((f"F{i:03d}", pme_irr, asset_irr, miss))
    flows = pd.concat(frames, ignore_index=True)
    table = performance_table(flows, index).set_index("fund_id")
    columns = ["fund_id", "pypme_pme", "pypme_irr", "pypme_pme_miss"]
    ref = pd.DataFrame(refs, columns=columns).set_index("fund_id")
    return table.join(ref), flows, index


@pytest.mark.parametrize("seed", [11, 12])
def test_irr_and_mpme_equal_pypme(seed: int) -> None:
    both, flows, index = compare(distributions=True, seed=seed, n=60)
    assert np.abs(both["irr"] - both["pypme_irr"]).max() < 1e-6
    # Where pypme's PME IRR is a root of its flows, ours is the same rate. Where pypme's secant
    # search stopped away from a root (rare), ours must still be a rate.
    found = both["pypme_pme_miss"] < 1e-9
    assert found.sum() >= 55
    assert np.abs(both["m_pme"] - both["pypme_pme"])[found].max() < 1e-6
    ff = fund_flows(flows)
    pme = pme_flows(ff, index_levels(index, ff.day))
    for f in np.flatnonzero(~found.reindex(ff.fund_ids).to_numpy()):
        lo, hi = ff.offsets[f], ff.offsets[f + 1]
        dates = [d.item() for d in ff.dates()[lo:hi]]
        ours = both.at[ff.fund_ids[f], "m_pme"]
        assert _root_error(ours, dates, pme.m_pme_amounts[lo:hi]) < 1e-9


def test_ln_pme_equals_pypme_without_interim_distributions() -> None:
    both, _, _ = compare(distributions=False, seed=13, n=60)
    assert np.abs(both["ln_pme"] - both["pypme_pme"]).max() < 1e-6
    assert np.abs(both["m_pme"] - both["pypme_pme"]).max() < 1e-6
    assert np.abs(both["irr"] - both["pypme_irr"]).max() < 1e-6
