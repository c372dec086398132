"""The unit price's path: year-end NAV per unit, the annualised return and the worst drawdown.

Owns summarising a strike history for people (the demo, the README): pure computation on the
``strikes`` table's rows. Must not read the ledger.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from altsleeve.performance import max_drawdown


def nav_path_summary(strikes: pd.DataFrame) -> dict[str, Any]:
    """Year-end NAV per unit, the annualised return and the worst drawdown of a strike history.

    ``strikes``: one row per struck day with ``date``, ``nav_per_unit`` (dollars a unit),
    ``net_assets`` (dollars) and ``components`` (the strike's JSON, whose ``weight_private`` is
    the private sleeve's share). The annualised return is ``(last / first) ^ (365 / days) - 1``
    (ACT/365F, the day count of every rate in :mod:`altsleeve.performance`); the drawdown is
    :func:`altsleeve.performance.max_drawdown` of the daily unit price. Empty in, empty out.
    """
    if strikes.empty:
        return {}
    days = pd.DatetimeIndex(strikes["date"])
    s = strikes.set_index(days)
    nav = s["nav_per_unit"].astype(float)
    comps = [json.loads(c) for c in s["components"]]
    share = pd.Series([c.get("weight_private", 0.0) for c in comps], index=s.index)
    year_end = nav.groupby(days.year).tail(1)
    rows = []
    prev = float(nav.iloc[0])
    net_assets = s["net_assets"].astype(float)
    for day, v in zip(pd.DatetimeIndex(year_end.index), year_end.to_numpy(), strict=True):
        rows.append(
            {
                "year": str(day.year),
                "nav": float(v),
                "return": float(v) / prev - 1,
                "net_assets": float(net_assets[day]),
                "private_share": float(share[day]),
            }
        )
        prev = float(v)
    years = (days[-1] - days[0]).days / 365.0  # ACT/365F, as altsleeve.performance
    return {
        "first_nav": float(nav.iloc[0]),
        "last_nav": float(nav.iloc[-1]),
        "annualised": float((nav.iloc[-1] / nav.iloc[0]) ** (1 / years) - 1),
        "max_drawdown": max_drawdown(nav.to_numpy()),
        "year_ends": rows,
    }
