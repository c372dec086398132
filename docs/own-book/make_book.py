"""Generate the walk-through book's SYNTHETIC data files (docs/own-book.md).

Writes, next to this script, ``prices.csv`` (daily levels of US_EQ, US_AGG and TBILL on the New
York Stock Exchange's sessions 2022-01-03..2024-12-31), ``statements.csv`` (the three private
funds' quarterly GP marks with their reporting lags), ``cashflows.csv`` (calls, distributions and
a fee, with call notices) and ``orders.csv`` (the vehicle's participant orders). The other files
of the book (``series.csv``, ``vehicle.toml``, ``holdings.csv``, ``policy.toml``) are written by
hand. Everything this script writes is SYNTHETIC: made-up numbers from the model below, for the
walk-through only, not market history. Same seed, same files (run it from anywhere)::

    python docs/own-book/make_book.py

The model (every number is stated here):

- Prices, geometric Brownian motion per business day (dt = 1/252 year): ``US_EQ`` drift 7% a
  year, volatility 18%; ``US_AGG`` drift 3%, volatility 6%, correlation 0.1 with ``US_EQ``;
  ``TBILL`` a cash index accruing 0.5% a year in 2022, 4.5% in 2023, 5.0% in 2024 (no noise),
  ``level_t = level_{t-1} * (1 + rate / 252)``. All start at 100.
- Private funds: true value ``V_t = V_{t-1} * exp(beta * r_proxy + alpha / 252 + e_t) + calls -
  distributions`` with ``e_t ~ N(0, (sigma_idio^2 / 252))``; beta, alpha and sigma_idio per
  fund in ``FUNDS``. Calls: a share of the commitment on each fund's call dates (noticed 10
  calendar days before), distributions: a share of the value on its distribution dates. The GP
  reports each quarter end's true value (rounded to dollars) with a lag of 45-75 days (Q4:
  90-120 days).
- Orders: payroll purchases on the 15th and the last business day of each month (0.35% of the
  seed assets, +/- 10%), routine redemptions on the last business day (0.45%, +/- 20%).
"""

from __future__ import annotations

from pathlib import Path

import exchange_calendars as xc
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 2060
FIRST, LAST = "2022-01-03", "2024-12-31"
SEED_ASSETS = 200_000_000.0

#: Per fund: proxy, beta on the proxy's daily log return, alpha a year, idiosyncratic vol a year,
#: commitment, (call date, share of commitment), (distribution date, share of value).
FUNDS: dict[str, dict[str, object]] = {
    "BO-ALPHA-I": {
        "proxy": "US_EQ",
        "beta": 1.0,
        "alpha": 0.02,
        "vol": 0.10,
        "commitment": 12_000_000.0,
        "calls": [
            ("2022-02-15", 0.20),
            ("2022-06-15", 0.15),
            ("2022-11-15", 0.15),
            ("2023-05-15", 0.15),
            ("2023-11-15", 0.10),
            ("2024-06-17", 0.10),
            ("2025-01-08", 0.05),
        ],
        "distributions": [("2024-03-15", 0.06), ("2024-09-16", 0.08)],
    },
    "PC-BETA-II": {
        "proxy": "US_AGG",
        "beta": 0.6,
        "alpha": 0.05,
        "vol": 0.04,
        "commitment": 8_000_000.0,
        "calls": [
            ("2022-03-15", 0.30),
            ("2022-09-15", 0.25),
            ("2023-03-15", 0.25),
            ("2023-09-15", 0.10),
        ],
        "distributions": [
            ("2023-06-15", 0.03),
            ("2023-12-15", 0.03),
            ("2024-06-17", 0.04),
            ("2024-12-16", 0.04),
        ],
    },
    "IN-GAMMA": {
        "proxy": "US_EQ",
        "beta": 0.5,
        "alpha": 0.03,
        "vol": 0.06,
        "commitment": 6_000_000.0,
        "calls": [("2023-02-15", 0.40), ("2023-08-15", 0.20), ("2024-04-15", 0.20)],
        "distributions": [("2024-10-15", 0.03)],
    },
}

#: A fee the buyout fund bills outside its NAV (an annual administration charge).
FEES = [("BO-ALPHA-I", "2023-01-17", 24_000.0), ("BO-ALPHA-I", "2024-01-16", 24_000.0)]

NOTICE_DAYS = 10


def sessions() -> pd.DatetimeIndex:
    """XNYS sessions FIRST..LAST (tz-naive)."""
    cal = xc.get_calendar("XNYS", start="2021-12-01", end="2025-12-31")
    days = pd.DatetimeIndex(cal.sessions)
    days = days.tz_localize(None) if days.tz is not None else days
    return days[(days >= FIRST) & (days <= LAST)]


def cash_rate(day: pd.Timestamp) -> float:
    """TBILL's accrual rate a year on ``day``."""
    return {2022: 0.005, 2023: 0.045}.get(day.year, 0.050)


def prices(days: pd.DatetimeIndex, rng: np.random.Generator) -> pd.DataFrame:
    """Levels of US_EQ, US_AGG and TBILL (100 on the first day)."""
    n = len(days)
    h = 1 / 252
    z = rng.standard_normal((n - 1, 2))
    z[:, 1] = 0.1 * z[:, 0] + np.sqrt(1 - 0.1**2) * z[:, 1]
    eq = (0.07 - 0.18**2 / 2) * h + 0.18 * np.sqrt(h) * z[:, 0]
    bd = (0.03 - 0.06**2 / 2) * h + 0.06 * np.sqrt(h) * z[:, 1]
    cash = np.log1p(np.array([cash_rate(d) for d in days[1:]]) / 252)
    out = pd.DataFrame(index=days)
    for sid, r in (("US_EQ", eq), ("US_AGG", bd), ("TBILL", cash)):
        out[sid] = 100.0 * np.exp(np.concatenate([[0.0], np.cumsum(r)]))
    return out


def private_book(
    days: pd.DatetimeIndex, px: pd.DataFrame, rng: np.random.Generator
) -> tuple[list[tuple[str, str, str, str, float]], list[tuple[str, str, str, str, str]]]:
    """Cash-flow rows and statement rows of the three funds."""
    flows: list[tuple[str, str, str, str, float]] = []
    marks: list[tuple[str, str, str, str, str]] = []
    quarter_ends = pd.date_range(FIRST, LAST, freq="QE")
    for hid, f in FUNDS.items():
        logret = np.log(px[str(f["proxy"])]).diff().fillna(0.0).to_numpy()
        calls = {pd.Timestamp(d): s * float(f["commitment"]) for d, s in f["calls"]}  # type: ignore[attr-defined]
        dists = dict((pd.Timestamp(d), s) for d, s in f["distributions"])  # type: ignore[attr-defined]
        for d, amount in calls.items():
            notice = (d - pd.Timedelta(days=NOTICE_DAYS)).date().isoformat()
            flows.append((hid, d.date().isoformat(), "call", notice, round(amount, 2)))
        value = 0.0
        values = np.zeros(len(days))
        noise = rng.standard_normal(len(days)) * float(f["vol"]) / np.sqrt(252)
        for i, day in enumerate(days):
            if value > 0:
                value *= np.exp(float(f["beta"]) * logret[i] + float(f["alpha"]) / 252 + noise[i])
            value += calls.get(day, 0.0)
            if day in dists:
                amount = round(value * dists[day], 2)
                value -= amount
                flows.append((hid, day.date().isoformat(), "distribution", "", amount))
            values[i] = value
        series = pd.Series(values, index=days)
        for qe in quarter_ends:
            v = float(series[series.index <= qe].iloc[-1])
            if v <= 0:
                continue
            lag = int(rng.integers(90, 121) if qe.month == 12 else rng.integers(45, 76))
            known = qe + pd.Timedelta(days=lag)
            if known > pd.Timestamp(LAST):
                continue  # not yet reported when the book ends
            marks.append((hid, qe.date().isoformat(), known.date().isoformat(), f"{v:.2f}", ""))
    for hid, d, amount in FEES:
        flows.append((hid, d, "fee", "", amount))
    return sorted(flows), sorted(marks)


def orders(days: pd.DatetimeIndex, rng: np.random.Generator) -> list[tuple[str, str, float]]:
    """(date, kind, amount) rows: payroll purchases and month-end redemptions."""
    rows: list[tuple[str, str, float]] = []
    frame = pd.Series(days, index=days)
    month_ends = set(frame.groupby(days.to_period("M")).max())
    mid = set(frame[frame.dt.day >= 15].groupby(days[days.day >= 15].to_period("M")).min())
    for day in days:
        if day in month_ends or day in mid:
            amount = SEED_ASSETS * 0.0035 * (1 + 0.1 * rng.uniform(-1, 1))
            rows.append((day.date().isoformat(), "purchase", round(amount, 2)))
        if day in month_ends:
            amount = SEED_ASSETS * 0.0045 * (1 + 0.2 * rng.uniform(-1, 1))
            rows.append((day.date().isoformat(), "redemption", round(amount, 2)))
    return rows


def main() -> None:
    """Write the four generated files."""
    rng = np.random.default_rng(SEED)
    days = sessions()
    px = prices(days, rng)
    with open(HERE / "prices.csv", "w") as fh:
        fh.write("series,date,level\n")
        for sid in px.columns:
            for day, level in px[sid].items():
                fh.write(f"{sid},{day.date().isoformat()},{level:.6f}\n")
    flows, marks = private_book(days, px, rng)
    with open(HERE / "cashflows.csv", "w") as fh:
        fh.write("holding_id,date,kind,amount,known_on\n")
        for hid, d, kind, known, amount in flows:
            fh.write(f"{hid},{d},{kind},{amount:.2f},{known}\n")
    with open(HERE / "statements.csv", "w") as fh:
        fh.write("holding_id,as_of,known_on,nav\n")
        for hid, as_of, known, nav, _ in marks:
            fh.write(f"{hid},{as_of},{known},{nav}\n")
    with open(HERE / "orders.csv", "w") as fh:
        fh.write("vehicle,date,kind,amount\n")
        for d, kind, amount in orders(days, rng):
            fh.write(f"MYCIT2060,{d},{kind},{amount:.2f}\n")
    print(f"wrote SYNTHETIC files for {len(days)} sessions {days[0].date()}..{days[-1].date()}")


if __name__ == "__main__":
    main()
