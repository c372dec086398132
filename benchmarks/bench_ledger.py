"""Benchmark: ledger throughput (ingest, snapshot, verify) and the sample-book build.

Run: .venv/bin/python benchmarks/bench_ledger.py [--rows N]
Prints one line per figure; results go in BENCHMARKS.md with the machine and command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from altsleeve.ledger import Ledger, ingest_file
from altsleeve.workflows.marketdata import load_market_data
from altsleeve.workflows.samplebook import build_sample_book


def _prices_csv(path: Path, rows: int) -> Path:
    start = dt.date(1900, 1, 1)
    per_series = 40_000
    lines = ["series,date,level"]
    for i in range(rows):
        s, d = divmod(i, per_series)
        lines.append(f"S{s},{start + dt.timedelta(days=d)},{100 + d * 0.01:.2f}")
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000, help="price rows to ingest")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        with Ledger(db, create=True) as led:
            t = time.perf_counter()
            load_market_data(led)
            print(f"marketdata load: {time.perf_counter() - t:.2f} s")
            t = time.perf_counter()
            build_sample_book(led, 2045)
            print(f"sample book build (30 funds, ~80k rows): {time.perf_counter() - t:.2f} s")
            csv = _prices_csv(Path(tmp) / "prices.csv", args.rows)
            t = time.perf_counter()
            ingest_file(led, "prices", csv)
            el = time.perf_counter() - t
            print(f"ingest {args.rows:,} price rows: {el:.2f} s ({args.rows / el:,.0f} rows/s)")
            t = time.perf_counter()
            ingest_file(led, "prices", csv)
            print(f"re-ingest same file (no-op): {time.perf_counter() - t:.2f} s")
            t = time.perf_counter()
            for day in ("2002-06-30", "2008-12-31", "2018-12-31"):
                led.as_known_on(day)
            print(f"as_known_on, full snapshot: {(time.perf_counter() - t) / 3:.3f} s each")
            t = time.perf_counter()
            rep = led.verify()
            print(f"verify {rep.rows:,} rows: {time.perf_counter() - t:.2f} s (ok={rep.ok})")


if __name__ == "__main__":
    main()
