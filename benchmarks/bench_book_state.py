"""Time the private book's projection state (pacing calibration of every holding) on a ledger.

``altsleeve liquidity``, the stress Monte Carlo and the evidence report all start from
``planning.ledger_state``: it calibrates the Takahashi-Alexander model to each holding's history
by least squares. Usage (after ``make demo``)::

    .venv/bin/python benchmarks/bench_book_state.py demo-output/altsleeve.duckdb 2018-12-31

Prints the holdings, the seconds of each of ``--repeat`` runs and their median.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from altsleeve.ledger import Ledger
from altsleeve.workflows.pacing import ledger_state


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("as_of")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    day = dt.date.fromisoformat(a.as_of)
    with Ledger(a.db, read_only=True) as led:
        times = []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            state = ledger_state(led, day)
            times.append(time.perf_counter() - t0)
    print(
        f"holdings {len(state)}; runs {', '.join(f'{t:.2f}' for t in times)} s; "
        f"median {statistics.median(times):.2f} s"
    )


if __name__ == "__main__":
    main()
