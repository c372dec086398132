"""Benchmark: ingest, re-ingest, verify and strike one day on a ledger of ~7 million prices.

Run: .venv/bin/python benchmarks/bench_ingest_scale.py [--series 1000] [--days 7000]
Writes a synthetic price file (SERIES series x DAYS business days of positive random-walk levels,
about 200 MB for 7 million rows) to a temporary folder, then runs each step as its own
``altsleeve`` process and prints its wall time and peak resident memory (the child's maximum
RSS): ledger init and series registration, the price ingest, the same file again (no change),
``ledger verify``, and a one-day strike of a small vehicle whose sleeves use three of the series.
The code measured is whatever ``altsleeve`` the Python running this imports (set PYTHONPATH to
compare two checkouts). ``--keep DIR`` writes there instead and keeps the files.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

VEHICLE = """\
[vehicle]
id = "BIG"
inception = "{start}"
initial_assets = 100000000.0

[[sleeves]]
id = "equity"
kind = "liquid"
series = "S0000"
asset_type = "equity"

[[sleeves]]
id = "bonds"
kind = "liquid"
series = "S0001"
asset_type = "bond"

[[sleeves]]
id = "cash"
kind = "cash"
series = "S0002"

[[sleeves]]
id = "private"
kind = "private"

[pricing]
nav_move_floor = 0.5  # the one synthetic fund's first valuation moves the NAV; not timed here

[[glide_path]]
date = "{start}"
weights = {{ equity = 0.55, bonds = 0.35, cash = 0.05, private = 0.05 }}
"""


def write_prices(path: Path, n_series: int, n_days: int, seed: int = 7) -> tuple[int, str, str]:
    """Write ``series,date,level`` rows, series by series; return rows and first/last date."""
    days = pd.bdate_range("1999-01-04", periods=n_days)
    text_days = np.asarray(days.strftime("%Y-%m-%d"), dtype=object)
    rng = np.random.default_rng(seed)
    with path.open("w") as f:
        f.write("series,date,level\n")
        for s in range(n_series):
            vol = 0.0001 if s == 2 else 0.01  # S0002 is the cash sleeve's (a tight tolerance)
            steps = rng.normal(0.0001, vol, n_days)
            levels = 100.0 * np.exp(np.cumsum(steps))
            sid = f"S{s:04d}"
            f.write(
                "".join(f"{sid},{d},{lv:.6f}\n" for d, lv in zip(text_days, levels, strict=True))
            )
    return n_series * n_days, str(days[0].date()), str(days[-1].date())


def write_series(path: Path, n_series: int) -> None:
    kinds = {1: "bond", 2: "cash"}
    path.write_text(
        "series,description,unit,frequency,asset_type\n"
        + "".join(
            f"S{s:04d},synthetic {s},index,daily,{kinds.get(s, 'equity')}\n"
            for s in range(n_series)
        )
    )


def measure(label: str, args: list[str], env: dict[str, str]) -> None:
    """Run ``altsleeve ARGS`` in a fresh wrapper; print wall time and peak RSS."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "el = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(f'{el:.1f} {rss / 1024:.0f} {r.returncode}')\n"
        "sys.stderr.write(r.stdout[-600:] + r.stderr[-1500:])\n"
    )
    cli = "import sys; from altsleeve.cli import main; sys.argv[0] = 'altsleeve'; main()"
    cmd = [sys.executable, "-c", wrapper, sys.executable, "-c", cli, *args]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    el, rss, rc = out.stdout.split()
    tail = out.stderr.strip().splitlines()
    print(f"{label}: {float(el):.1f} s, peak RSS {int(rss):,} MiB, exit {rc}", flush=True)
    if rc != "0" or os.environ.get("BENCH_VERBOSE"):
        print("    " + "\n    ".join(tail[-6:]), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--days", type=int, default=7000)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument(
        "--skip", default="", help="comma list of steps to skip: reingest,verify,strike"
    )
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    with tempfile.TemporaryDirectory() as tmp:
        d = args.keep or Path(tmp)
        d.mkdir(parents=True, exist_ok=True)
        prices, db = d / "prices.csv", d / "big.duckdb"
        db.unlink(missing_ok=True)
        t = time.perf_counter()
        n, start, end = write_prices(prices, args.series, args.days)
        size = prices.stat().st_size / 1e6
        print(
            f"price file: {n:,} rows ({args.series:,} series x {args.days:,} days, "
            f"{start}..{end}), {size:,.0f} MB, written in {time.perf_counter() - t:.0f} s"
        )
        write_series(d / "series.csv", args.series)
        launch = str(pd.Timestamp(end) - pd.offsets.BDay(20))[:10]
        before = str(pd.Timestamp(end) - pd.offsets.BDay(1))[:10]
        (d / "vehicle.toml").write_text(VEHICLE.format(start=launch))
        (d / "holdings.csv").write_text(
            "holding_id,name,asset_class,vehicle_type,proxy,commitment,vintage\n"
            f"H1,Fund one,buyout,drawdown,S0000,10000000,{start[:4]}\n"
        )
        (d / "cashflows.csv").write_text(
            f"holding_id,date,kind,amount\nH1,{start[:4]}-03-31,call,9000000\n"
        )
        (d / "statements.csv").write_text(
            "holding_id,as_of,known_on,nav\n"
            f"H1,{start[:4]}-12-31,{int(start[:4]) + 1}-02-15,9000000\n"
        )
        env = dict(os.environ, ALTSLEEVE_LOCK_TIMEOUT="5")
        dbo = ["--db", str(db)]
        measure("ledger init", ["ledger", "init", *dbo], env)
        measure("register series", ["marketdata", "register", str(d / "series.csv"), *dbo], env)
        measure(f"ingest {n:,} prices", ["ingest", "prices", str(prices), *dbo, "--json"], env)
        print(f"ledger file: {db.stat().st_size / 1e6:,.0f} MB")
        if "reingest" not in skip:
            measure(
                "ingest the same file again (no change)",
                ["ingest", "prices", str(prices), *dbo, "--json"],
                env,
            )
        if "verify" not in skip:
            measure("ledger verify", ["ledger", "verify", *dbo], env)
        if "strike" not in skip:
            measure("register vehicle", ["vehicle", "register", str(d / "vehicle.toml"), *dbo], env)
            for kind in ("holdings", "cashflows", "statements"):
                measure(f"ingest {kind}", ["ingest", kind, str(d / f"{kind}.csv"), *dbo], env)
            measure(f"strike {launch}..{before}", ["strike", "--to", before, *dbo], env)
            measure(
                f"strike one day ({end})",
                ["strike", "--vehicle", "BIG", "--date", end, *dbo],
                env,
            )
    _ = resource  # the wrapper measures the child processes


if __name__ == "__main__":
    main()
