"""Benchmark: the Monte Carlo liquidity stress, 100,000 paths x 10 years, in process and on Dask.

Run: .venv/bin/python benchmarks/bench_stress_montecarlo.py [--db demo-output/altsleeve.duckdb]
     [--paths 100000] [--years 10] [--seed 7] [--chunk 10000] [--repeats 3] [--workers 1,2]
     [--no-in-process]

Reads the inputs once from a ledger holding the struck sample book (``altsleeve demo`` writes
one): the sample 2045 vehicle as of its last strike, its private book's state (20 SYNTHETIC
funds), the real quarterly history of FF_MKT_TR, BOND_AAA_TR, BOND_BAA_TR and CASH_TBILL, and
the trailing year's flows. Then times ``run_montecarlo`` alone: in this process (chunks one
after another), and on a Dask LocalCluster of each worker count (one warm-up run of 2,000 paths
first, so the workers have imported the package; the cluster's start is printed apart). Every
counted run must give the same result bit for bit, in process and on every cluster; the script
stops otherwise. Prints, per mode, the median, min and max seconds of the counted runs and the
paths per second at the median, the peak memory of this process and of each worker, and the
machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

from altsleeve.common.scaleout import dask_client
from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.ledger import Ledger
from altsleeve.liquidity import (
    Design,
    MonteCarloInputs,
    MonteCarloResult,
    MonteCarloSettings,
    run_montecarlo,
)
from altsleeve.workflows.stress_montecarlo import montecarlo_inputs


def peak_rss_mib() -> float:
    """Peak resident memory of the calling process, MiB.

    ``VmHWM`` of the process's own memory map: ``ru_maxrss`` would also count the parent's
    peak that a spawned Dask worker inherits across ``exec`` on Linux.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import numpy
    import pandas

    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}, "
        f"numpy {numpy.__version__}, pandas {pandas.__version__}, {dt.date.today()}"
    )


def same(a: MonteCarloResult, b: MonteCarloResult) -> bool:
    return a.summary == b.summary and all(
        np.array_equal(a.outcomes[k], b.outcomes[k]) for k in a.outcomes
    )


def timed(
    label: str,
    inputs: MonteCarloInputs,
    settings: MonteCarloSettings,
    repeats: int,
    chunk: int,
    reference: MonteCarloResult | None,
    client: Any = None,
) -> tuple[MonteCarloResult, list[float]]:
    times: list[float] = []
    result = reference
    for k in range(repeats):
        t = time.perf_counter()
        out = run_montecarlo(inputs, settings, client=client, chunk_paths=chunk)
        times.append(time.perf_counter() - t)
        print(f"  {label} run {k + 1}: {times[-1]:.1f} s", flush=True)
        if result is None:
            result = out
        elif not same(result, out):
            raise SystemExit(f"{label}: the result differs from the reference run")
    assert result is not None
    return result, times


def report(label: str, times: list[float], n_paths: int) -> None:
    med = statistics.median(times)
    print(
        f"{label}: median {med:.1f} s (min {min(times):.1f}, max {max(times):.1f}; "
        f"{len(times)} runs), {n_paths / med:,.0f} paths/s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=Path("demo-output/altsleeve.duckdb"))
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--chunk", type=int, default=10_000, help="paths per Dask task")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", default="1,2", help="local cluster sizes, comma-separated")
    parser.add_argument("--no-in-process", action="store_true")
    args = parser.parse_args()

    print(machine(), flush=True)
    t = time.perf_counter()
    design = Design(Vehicle.from_toml(sample_vehicle_path()))
    with Ledger(args.db, read_only=True) as led:
        inputs = montecarlo_inputs(led, design)
    print(
        f"inputs from {args.db} as of {inputs.as_of.date()}: {len(inputs.state)} holdings, "
        f"{len(inputs.returns)} quarters of history: {time.perf_counter() - t:.1f} s",
        flush=True,
    )
    settings = MonteCarloSettings(n_paths=args.paths, years=args.years, seed=args.seed)
    what = f"{args.paths:,} paths x {args.years} years, chunks of {args.chunk:,}"
    reference: MonteCarloResult | None = None
    if not args.no_in_process:
        reference, times = timed("in process", inputs, settings, args.repeats, args.chunk, None)
        report(f"{what}, in process", times, args.paths)
    warm = MonteCarloSettings(n_paths=2_000, years=args.years, seed=args.seed)
    for n in (int(w) for w in args.workers.split(",")):
        t = time.perf_counter()
        with dask_client(n_workers=n) as client:
            started = time.perf_counter() - t
            t = time.perf_counter()
            run_montecarlo(inputs, warm, client=client, chunk_paths=1_000)
            print(
                f"{n} Dask workers: cluster start {started:.1f} s, warm-up "
                f"{time.perf_counter() - t:.1f} s",
                flush=True,
            )
            reference, times = timed(
                f"{n} workers", inputs, settings, args.repeats, args.chunk, reference, client
            )
            peaks = sorted(client.run(peak_rss_mib).values())
        report(f"{what}, {n} Dask workers", times, args.paths)
        print(f"  peak memory of the workers (MiB): {', '.join(f'{p:,.0f}' for p in peaks)}")
    assert reference is not None
    h = reference.summary["horizons"]
    print(
        "identical bit for bit across every run and mode; "
        + "; ".join(
            f"{x['years']} y: P(buffer exhausted) {x['buffer_exhausted']['probability']:.4f}, "
            f"P(shortfall) {x['shortfall']['probability']:.4f}, "
            f"P(cap breach) {x['cap_breach']['probability']:.4f}"
            for x in h
        )
    )
    print(f"peak memory of this process: {peak_rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
