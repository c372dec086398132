"""The sample book's pacing rule against constant commitments (issue 17 item 5).

For the seed's sample book, each sizing rule (``PacingParams.rule``): the planner-driven rule
(the default), a constant yearly amount equal to the planner's average, and the per-fund uniform
draws of the book before issue 17; on the generator's mirror of the vehicle (private funds at
their true value): days above the 15% maximum, share of days in the 5-15% band, the highest
share, and the yearly commitments (range, largest rise and fall, years with none). With
``--ledger`` (a ledger the demo built) the same two measures from the strike's own private
weight (nowcast values), which is what ``altsleeve limits`` reads.

    PYTHONPATH=src python benchmarks/validate_sample_pacing.py [--seed 2045] [--ledger PATH]
"""

from __future__ import annotations

import argparse
import dataclasses
import json

import numpy as np
import pandas as pd

from altsleeve.marketdata import arch_levels
from altsleeve.samplebook import DEFAULT_PARAMS, SampleBook, generate_sample_book

CAP, LOWER = 0.15, 0.05


def _measures(share: pd.Series) -> dict[str, float]:
    return {
        "days": len(share),
        "days_above_cap": int((share > CAP + 1e-12).sum()),
        "in_band": float(((share >= LOWER) & (share <= CAP + 1e-12)).mean()),
        "highest": float(share.max()),
    }


def _commitments(book: SampleBook) -> dict[str, object]:
    h = book.holdings
    yearly = h.groupby("vintage")["commitment"].sum()
    yearly = yearly.reindex(range(1999, 2016), fill_value=0.0)
    change = yearly.diff().dropna()
    return {
        "total_m": round(float(yearly.sum()) / 1e6, 1),
        "yearly_m": {int(y): round(float(v) / 1e6, 1) for y, v in yearly.items()},
        "min_m": round(float(yearly.min()) / 1e6, 1),
        "max_m": round(float(yearly.max()) / 1e6, 1),
        "largest_rise_m": round(float(change.max()) / 1e6, 1),
        "largest_fall_m": round(float(change.min()) / 1e6, 1),
        "years_without": int((yearly == 0).sum()),
        "funds": len(h),
    }


def main() -> None:
    """Print the comparison as JSON."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=2045)
    ap.add_argument("--ledger", default=None, help="a demo ledger: measures from its strikes")
    args = ap.parse_args()
    market = arch_levels()
    base = generate_sample_book(market, seed=args.seed)
    average = float(base.holdings["commitment"].sum()) / 17.0
    rules = {
        "planner (default)": DEFAULT_PARAMS.pacing,
        f"constant ${average / 1e6:.1f}m a year (same dollars)": dataclasses.replace(
            DEFAULT_PARAMS.pacing, rule="constant", constant_amount=round(average, -5)
        ),
        "uniform $15-50m per fund (before issue 17)": dataclasses.replace(
            DEFAULT_PARAMS.pacing, rule="draw"
        ),
    }
    out: dict[str, object] = {}
    for name, pacing in rules.items():
        params = dataclasses.replace(DEFAULT_PARAMS, pacing=pacing)
        book = (
            base
            if pacing == DEFAULT_PARAMS.pacing
            else generate_sample_book(market, seed=args.seed, params=params)
        )
        share = book.vehicle.set_index("date")["private_share"]
        out[name] = {"mirror": _measures(share), "commitments": _commitments(book)}
    if args.ledger:
        from altsleeve.ledger import Ledger
        from altsleeve.workflows import pit

        with Ledger(args.ledger, read_only=True) as led:
            strikes = pit.strikes(led, "TDF2045")
        weights = pd.Series(
            [json.loads(c).get("weight_private", 0.0) for c in strikes["components"]],
            index=pd.DatetimeIndex(strikes["date"]),
        )
        out["strike (demo ledger)"] = _measures(weights)
    print(json.dumps(out, indent=1, default=lambda v: float(np.asarray(v))))


if __name__ == "__main__":
    main()
