"""Benchmark: the full performance measure set of N funds, vectorised vs a loop per fund.

Run: .venv/bin/python benchmarks/bench_performance.py [--funds 10000] [--flows 40] [--repeats 5]
     [--pypme-funds 1000]

The funds are SYNTHETIC: each has ``--flows`` dated flows between 1999 and 2018 (the first a
call, then calls and distributions), a unit price that follows its own random walk, a ``nav`` row
after every flow (so the mPME is defined) and a final value. The index is the REAL S&P 500
(adjusted close, daily, shipped with the ``arch`` package).

Timed, as the median of ``--repeats`` runs:

* vectorised: ``performance_table(cashflows, index)`` on the long table (grouping included):
  PIC, DPI, RVPI, TVPI, IRR, KS-PME, LN-PME, PME+, Direct Alpha and mPME of every fund;
* pyxirr loop: the same measures fund by fund (pandas ``groupby``, NumPy per fund, five
  ``pyxirr.xirr`` calls per fund), the obvious implementation;
* pypme loop: ``pypme.verbose_xpme`` per fund, which gives two of the ten measures (mPME and
  IRR), on the first ``--pypme-funds`` funds, scaled linearly to N (one run; it is slow).

Also prints the largest difference between the vectorised and the pyxirr-loop results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import statistics
import time
import warnings
from collections.abc import Callable

import arch.data
import numpy as np
import pandas as pd
import pyxirr

from altsleeve.performance import index_levels, performance_table

RATES = ("irr", "ln_pme", "pme_plus", "direct_alpha", "m_pme")


def sp500() -> pd.Series:
    base = pathlib.Path(arch.data.__file__).parent / "sp500" / "sp500.csv.gz"
    f = pd.read_csv(base, parse_dates=["Date"], date_format="%m/%d/%Y")
    return f.set_index("Date")["Adj Close"].sort_index()


def make_funds(
    n: int, k: int, index: pd.Series, seed: int
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """A long cash-flow table of n synthetic funds with k flows each, and pypme's inputs."""
    rng = np.random.default_rng(seed)
    first, last = index.index[0], index.index[-1]
    span = (last - first).days
    start = rng.integers(0, span - 140 * k - 100, n)
    days = start[:, None] + np.cumsum(rng.integers(1, 140, (n, k)), axis=1)  # increasing
    end = days[:, -1] + rng.integers(1, 90, n)
    price = 100 * np.exp(np.cumsum(rng.normal(0.02, 0.07, (n, k + 1)), axis=1))
    is_call = (rng.random((n, k)) < np.linspace(0.9, 0.2, k)[None, :]) | (np.arange(k) == 0)
    amount = np.zeros((n, k))
    nav_after = np.zeros((n, k))
    units = np.zeros(n)
    for j in range(k):
        call = rng.lognormal(14, 0.7, n)
        sold = units * rng.uniform(0.05, 0.5, n)
        amount[:, j] = np.where(is_call[:, j], call, sold * price[:, j])
        units = np.where(is_call[:, j], units + call / price[:, j], units - sold)
        nav_after[:, j] = units * price[:, j]
    final = units * price[:, k]
    base = np.datetime64(first.date(), "D")
    fund_ids = np.array([f"F{i:05d}" for i in range(n)])
    flow_dates = base + days
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "fund_id": np.repeat(fund_ids, k),
                    "date": flow_dates.ravel(),
                    "kind": np.where(is_call, "call", "distribution").ravel(),
                    "amount": amount.ravel(),
                }
            ),
            pd.DataFrame(
                {
                    "fund_id": np.repeat(fund_ids, k),
                    "date": flow_dates.ravel(),
                    "kind": "nav",
                    "amount": nav_after.ravel(),
                }
            ),
            pd.DataFrame({"fund_id": fund_ids, "date": base + end, "kind": "nav", "amount": final}),
        ],
        ignore_index=True,
    )
    frame["date"] = frame["date"].astype("datetime64[ns]")
    raw = {
        "days": days,
        "end": end,
        "base": np.array([base]),
        "amount": np.where(is_call, -amount, amount),
        "price": price,
    }
    return frame, raw


def loop_pyxirr(frame: pd.DataFrame, index: pd.Series) -> pd.DataFrame:
    """The same measures, fund by fund: NumPy per fund and pyxirr.xirr for every rate."""
    out = []
    for fund, g in frame.groupby("fund_id", sort=True):
        g = g.sort_values("date", kind="stable")
        d = g["date"].to_numpy("datetime64[D]")
        kind = g["kind"].to_numpy()
        amt = g["amount"].to_numpy(float)
        dates, inv = np.unique(d, return_inverse=True)
        call = np.bincount(inv, np.where(kind == "call", amt, 0.0), len(dates))
        dist = np.bincount(inv, np.where(kind == "distribution", amt, 0.0), len(dates))
        nav = np.full(len(dates), np.nan)
        nav[inv[kind == "nav"]] = amt[kind == "nav"]
        v = nav[-1] if not np.isnan(nav[-1]) else 0.0
        level = index_levels(index, dates.astype(np.int64))
        g_ = level[-1] / level
        pic, dsum = call.sum(), dist.sum()
        fc, fd = (call * g_).sum(), (dist * g_).sum()
        lam = (fc - v) / fd if fd > 0 else np.nan
        net = dist - call
        sets = {}
        sets["irr"] = net.copy()
        sets["irr"][-1] += v
        sets["ln_pme"] = net.copy()
        sets["ln_pme"][-1] += fc - fd
        sets["pme_plus"] = (0.0 if np.isnan(lam) else lam) * dist - call
        sets["pme_plus"][-1] += v
        sets["direct_alpha"] = net * g_
        sets["direct_alpha"][-1] += v
        units, paid = 0.0, np.zeros(len(dates))
        for i in range(len(dates)):
            before = units + call[i] / level[i]
            w = dist[i] / (dist[i] + nav[i]) if dist[i] > 0 else 0.0
            paid[i] = w * before * level[i]
            units = (1 - w) * before
        sets["m_pme"] = paid - call
        sets["m_pme"][-1] += units * level[-1]
        row = {
            "fund_id": fund,
            "pic": pic,
            "dpi": dsum / pic,
            "rvpi": v / pic,
            "tvpi": (dsum + v) / pic,
            "ks_pme": (fd + v) / fc,
            "pme_plus_lambda": lam,
        }
        for name, a in sets.items():
            r = pyxirr.xirr(dates, a, silent=True)
            row[name] = np.nan if r is None else r
        out.append(row)
    return pd.DataFrame(out)


def loop_pypme(raw: dict[str, np.ndarray], index: pd.Series, n: int) -> int:
    """pypme.verbose_xpme per fund (mPME and IRR) on the first n funds; returns the count."""
    import pypme

    base = raw["base"][0]
    done = 0
    for i in range(n):
        days = [*raw["days"][i].tolist(), int(raw["end"][i])]
        dates = [(base + int(x)).item() for x in days]
        pme_prices = list(index_levels(index, (base + np.array(days)).astype(np.int64)))
        prices = list(raw["price"][i])
        pypme.verbose_xpme(dates, list(raw["amount"][i]), prices, pme_prices)
        done += 1
    return done


def timed(fn: Callable[[], object], repeats: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--funds", type=int, default=10_000)
    parser.add_argument("--flows", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pypme-funds", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2045)
    args = parser.parse_args()
    index = sp500()
    t = time.perf_counter()
    frame, raw = make_funds(args.funds, args.flows, index, args.seed)
    print(
        f"{args.funds:,} synthetic funds x {args.flows} flows ({len(frame):,} rows incl. nav), "
        f"index S&P 500 {index.index[0].date()}..{index.index[-1].date()}: "
        f"built in {time.perf_counter() - t:.1f} s"
    )
    performance_table(frame.head(200), index)  # warm-up
    vec_times, table = timed(lambda: performance_table(frame, index), args.repeats)
    assert isinstance(table, pd.DataFrame)
    vec = statistics.median(vec_times)
    print(
        f"vectorised performance_table: median {vec:.2f} s (min {min(vec_times):.2f}, "
        f"max {max(vec_times):.2f}, {args.repeats} runs); "
        f"{table.attrs['pyxirr_calls']:,} of {5 * args.funds:,} IRR problems handed to pyxirr"
    )
    loop_times, ref = timed(lambda: loop_pyxirr(frame, index), max(1, args.repeats // 2))
    loop = statistics.median(loop_times)
    print(
        f"pyxirr loop per fund: median {loop:.2f} s (min {min(loop_times):.2f}, "
        f"max {max(loop_times):.2f}, {len(loop_times)} runs); ratio {loop / vec:.1f}x"
    )
    assert isinstance(table, pd.DataFrame) and isinstance(ref, pd.DataFrame)
    a, b = table.set_index("fund_id"), ref.set_index("fund_id")
    for col in ("tvpi", "ks_pme", "pme_plus_lambda", *RATES):
        diff = (a[col] - b[col]).abs()
        both_nan = (a[col].isna() & b[col].isna()).sum()
        print(f"  {col:>15}: max |vectorised - loop| {diff.max():.2e}; NaN in both {both_nan}")
    if args.pypme_funds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = time.perf_counter()
            done = loop_pypme(raw, index, min(args.pypme_funds, args.funds))
            el = time.perf_counter() - t
        per = el / done
        print(
            f"pypme loop (mPME and IRR only): {el:.1f} s for {done:,} funds, {per * 1e3:.2f} ms "
            f"a fund; {per * args.funds:.0f} s for {args.funds:,} (scaled); "
            f"ratio {per * args.funds / vec:.0f}x"
        )
    print(f"date {dt.date.today()}")


if __name__ == "__main__":
    main()
