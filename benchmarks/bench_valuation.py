"""Benchmark: a NAV backtest of N synthetic holdings over 20 years of business days.

Run: .venv/bin/python benchmarks/bench_valuation.py [--holdings 1000] [--methods LIST]
     [--book sample|heldout]
Builds a synthetic book (``sample``: the sample-book generator with every class scaled up; since
the pacing rule of issue 17 decides commitments it no longer reaches the requested count;
``heldout``: the held-out generator, ``samplebook.generate_heldout_book``, with exactly that many
funds; both SYNTHETIC funds driven by the real S&P 500 / NASDAQ paths), then times each estimator
over 1999-2018 (every holding, every business day, strictly point in time). Methods are
``stale, proxy, nowcast`` and ``nowcast-per-holding`` (``NowcastValuer(per_holding=True)``).
Prints one line per figure.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import pandas as pd

from altsleeve.marketdata import arch_levels
from altsleeve.samplebook import (
    DEFAULT_PARAMS,
    HeldoutParams,
    generate_heldout_book,
    generate_sample_book,
)
from altsleeve.valuation import (
    NowcastValuer,
    Valuer,
    make_inputs,
)
from altsleeve.workflows.valuation import make_valuers


def market() -> dict[str, pd.Series]:
    return arch_levels()


def scaled_params(n_holdings: int) -> object:
    classes = DEFAULT_PARAMS.asset_classes
    total = sum(c.n_funds for c in classes)
    scaled = tuple(
        dataclasses.replace(c, n_funds=max(1, round(c.n_funds * n_holdings / total)))
        for c in classes
    )
    # The pacing rule (issue 17) sizes commitments to one vehicle's policy, so it caps the count
    # of funds a year; a scaled book draws its commitments instead (`pacing.rule = "draw"`, the
    # sizing before issue 17) so that N holdings really are N.
    pacing = dataclasses.replace(DEFAULT_PARAMS.pacing, rule="draw")
    return dataclasses.replace(DEFAULT_PARAMS, asset_classes=scaled, pacing=pacing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--holdings", type=int, default=1000)
    parser.add_argument("--methods", default="stale,proxy,nowcast")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--book", choices=("sample", "heldout"), default="sample")
    args = parser.parse_args()
    mk = market()
    t = time.perf_counter()
    if args.book == "heldout":
        hb = generate_heldout_book(mk, HeldoutParams(n_funds=args.holdings), seed=args.seed)
        holdings, statements, cashflows = hb.holdings, hb.statements, hb.cashflows
    else:
        book = generate_sample_book(mk, seed=args.seed, params=scaled_params(args.holdings))  # type: ignore[arg-type]
        holdings, statements, cashflows = book.holdings, book.statements, book.cashflows
    print(f"generate {len(holdings)} synthetic holdings: {time.perf_counter() - t:.1f} s")
    inputs = make_inputs(holdings, statements, cashflows, mk)
    total = 0.0
    valuers: list[Valuer] = []
    for m in args.methods.split(","):
        valuers += (
            [NowcastValuer(per_holding=True)] if m == "nowcast-per-holding" else make_valuers([m])
        )
    for m, v in zip(args.methods.split(","), valuers, strict=True):
        t = time.perf_counter()
        est = v.fit(inputs).estimate()
        el = time.perf_counter() - t
        total += el
        print(f"{m}: {len(est):,} daily estimates in {el:.1f} s ({len(est) / el:,.0f} rows/s)")
    print(
        f"backtest total ({args.methods}): {total:.1f} s for {len(holdings)} holdings x "
        f"{inputs.calendar().size} business days"
    )


if __name__ == "__main__":
    main()
