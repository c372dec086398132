"""Benchmark: the stochastic pacing projection of N holdings x P paths x Q quarters on Dask.

Run: .venv/bin/python benchmarks/bench_pacing.py [--holdings 1000] [--paths 10000]
     [--quarters 40] [--chunk 50] [--workers N] [--scheduler ADDRESS] [--in-process]

Builds a SYNTHETIC book from the documented class defaults (CLASS_DEFAULTS: a mix of the five
classes, drawdown funds aged 0..40 quarters with their deterministic Takahashi-Alexander state at
that age, 5 % future commitments starting within two years, about 10 % perpetual vehicles), makes
market paths by the stationary bootstrap of the real quarterly returns of FF_MKT_TR, BOND_AAA_TR
and CASH_TBILL (arch's files via altsleeve.marketdata), then times project_stochastic alone on a
Dask LocalCluster (or the scheduler at ADDRESS). Prints one line per figure: the projection's
wall seconds, holding-path-quarters per second, and peak memory of this process and each worker.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
import pandas as pd

from altsleeve.common.scaleout import dask_client
from altsleeve.marketdata import load_arch_market_data
from altsleeve.pacing import CLASS_DEFAULTS, REDEMPTION_TERMS, project_commitment
from altsleeve.pacing._stochastic import (
    StochasticSettings,
    bootstrap_scenarios,
    project_stochastic,
    quarterly_returns,
    state_frame,
)

SERIES = ("FF_MKT_TR", "BOND_AAA_TR", "CASH_TBILL")
#: Proxy, beta and idiosyncratic volatility (annual) per class: assumptions of this benchmark.
LINKS = {
    "buyout": ("FF_MKT_TR", 1.0, 0.20),
    "venture": ("FF_MKT_TR", 1.3, 0.35),
    "private_credit": ("BOND_AAA_TR", 0.5, 0.10),
    "real_estate": ("FF_MKT_TR", 0.6, 0.15),
    "infrastructure": ("FF_MKT_TR", 0.5, 0.12),
}


def market_levels() -> dict[str, pd.Series]:
    """Monthly index levels dated when known (BOND_AAA_TR: dated on the 1st, known at month end)."""
    data = {s.meta.series_id: s.data for s in load_arch_market_data()}
    return {sid: data[sid].set_index("known_on")["level"] for sid in SERIES}


def synthetic_book(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    classes = list(CLASS_DEFAULTS)
    perpetual_types = list(REDEMPTION_TERMS)
    rows = []
    for i in range(n):
        asset_class = classes[i % len(classes)]
        p = CLASS_DEFAULTS[asset_class]
        proxy, beta, vol = LINKS[asset_class]
        row = {
            "holding_id": f"SYN{i:05d}",
            "asset_class": asset_class,
            "rate_of_contribution": p.rate_of_contribution,
            "life": p.life,
            "bow": p.bow,
            "growth": p.growth,
            "yield_": p.yield_,
            "beta": beta,
            "idio_vol": vol,
            "proxy": proxy,
            "start_quarter": 0,
            "age_quarters": 0,
        }
        if i % 10 == 9:  # perpetual vehicles
            vtype = perpetual_types[(i // 10) % len(perpetual_types)]
            nav = float(rng.uniform(5e6, 50e6))
            row |= {
                "vehicle_type": vtype,
                "commitment": 0.0,
                "paid_in": 0.9 * nav,
                "nav": nav,
                "redemption_rate": float(rng.choice([0.0, 0.05, 0.2])),
                "gate_per_quarter": REDEMPTION_TERMS[vtype].gate_per_quarter,
            }
        else:
            commitment = float(rng.uniform(10e6, 50e6))
            row |= {
                "vehicle_type": "drawdown",
                "commitment": commitment,
                "redemption_rate": 0.0,
                "gate_per_quarter": 0.0,
            }
            if i % 20 == 4:  # a commitment planned for the next two years
                row |= {"start_quarter": int(rng.integers(1, 9)), "paid_in": 0.0, "nav": 0.0}
            else:
                age = int(rng.integers(0, 41))
                paid_in = nav = 0.0
                if age > 0:
                    past = project_commitment(p, commitment, 4, n_periods=age).iloc[-1]
                    paid_in, nav = float(past["paid_in"]), float(past["nav"])
                row |= {"age_quarters": age, "paid_in": paid_in, "nav": nav}
        rows.append(row)
    return state_frame(rows)


def peak_rss_mib() -> float:
    """Peak resident memory of the calling process, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--holdings", type=int, default=1000)
    parser.add_argument("--paths", type=int, default=10000)
    parser.add_argument("--quarters", type=int, default=40)
    parser.add_argument("--chunk", type=int, default=50, help="holdings per Dask task")
    parser.add_argument("--workers", type=int, default=None, help="local workers (default: cores)")
    parser.add_argument("--scheduler", default=None, help="address of a running Dask scheduler")
    parser.add_argument("--in-process", action="store_true", help="no Dask: chunks in turn")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    t = time.perf_counter()
    returns = quarterly_returns(market_levels())
    print(
        f"market: {len(returns)} quarters {returns.index[0]:%Y-%m} .. {returns.index[-1]:%Y-%m} "
        f"of {', '.join(returns.columns)}: {time.perf_counter() - t:.1f} s"
    )
    t = time.perf_counter()
    state = synthetic_book(args.holdings, args.seed)
    kinds = state["vehicle_type"].value_counts().to_dict()
    print(f"synthetic book: {len(state)} holdings {kinds}: {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    settings = StochasticSettings(n_paths=args.paths, n_quarters=args.quarters, seed=args.seed)
    scenarios = bootstrap_scenarios(returns, args.paths, args.quarters, seed=args.seed)
    el = time.perf_counter() - t
    print(f"bootstrap {args.paths:,} paths x {args.quarters} quarters: {el:.1f} s")

    size = args.holdings * args.paths * args.quarters
    if args.in_process:
        t = time.perf_counter()
        proj = project_stochastic(state, scenarios, settings, chunk_holdings=args.chunk)
        elapsed = time.perf_counter() - t
        workers = "in process"
        worker_peaks: list[float] = []
    else:
        t = time.perf_counter()
        with dask_client(args.scheduler, args.workers) as client:
            n_workers = len(client.scheduler_info()["workers"])
            print(f"dask client ({n_workers} workers): {time.perf_counter() - t:.1f} s")
            t = time.perf_counter()
            proj = project_stochastic(
                state, scenarios, settings, client=client, chunk_holdings=args.chunk
            )
            elapsed = time.perf_counter() - t
            worker_peaks = sorted(client.run(peak_rss_mib).values())
        workers = f"{n_workers} Dask workers"
    print(
        f"projection {args.holdings:,} holdings x {args.paths:,} paths x {args.quarters} "
        f"quarters, chunks of {args.chunk}, {workers}: {elapsed:.1f} s "
        f"({size / elapsed:,.0f} holding-path-quarters/s)"
    )
    nav = proj.sleeve_quantiles
    last = nav[(nav["variable"] == "nav") & (nav["quarter"] == args.quarters)].iloc[0]
    print(
        f"sleeve NAV after {args.quarters} quarters, $m: q05 {last['q05'] / 1e6:,.0f}, "
        f"median {last['q50'] / 1e6:,.0f}, q95 {last['q95'] / 1e6:,.0f} "
        f"(today {state['nav'].sum() / 1e6:,.0f})"
    )
    peaks = ", ".join(f"{p:,.0f}" for p in worker_peaks) or "-"
    print(f"peak memory MiB: this process {peak_rss_mib():,.0f}; workers {peaks}")
    print(f"cores {os.cpu_count()}")


if __name__ == "__main__":
    main()
