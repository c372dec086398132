"""A projection made as of 2008-06-30 against what the SYNTHETIC sample book then did.

Run: .venv/bin/python benchmarks/validate_pacing.py [--as-of 2008-06-30] [--quarters 6]

Each drawdown fund of the sample book (seed 2045) is calibrated to its own cash flows and NAVs as
known on the date (point in time), then projected forward from its known state (paid-in capital,
last reported NAV plus flows since) with the deterministic Takahashi-Alexander recursion. The
projected calls and distributions of the next quarters are compared with the book's.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from bench_valuation import market

from altsleeve.pacing import calibrate, project_from_state, quarterly_history
from altsleeve.samplebook import generate_sample_book


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--as-of", default="2008-06-30")
    parser.add_argument("--quarters", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2045)
    args = parser.parse_args()
    as_of = pd.Timestamp(args.as_of)
    book = generate_sample_book(market(), seed=args.seed)
    cf = book.cashflows.assign(known_on=book.cashflows["date"])
    q_ends = pd.date_range(as_of + pd.offsets.QuarterEnd(1), periods=args.quarters, freq="QE")
    rows = []
    for h in book.holdings.itertuples():
        if h.vehicle_type != "drawdown":
            continue
        hcf = cf[cf["holding_id"] == h.holding_id]
        hst = book.statements[book.statements["holding_id"] == h.holding_id]
        calls = hcf[hcf["kind"] == "call"]
        if calls.empty or calls["date"].min() > as_of:
            continue
        hist = quarterly_history(
            hcf.drop(columns="holding_id"), hst.drop(columns="holding_id"), as_of
        )
        if hist.empty:
            continue
        res = calibrate(hist, float(h.commitment))
        known = hcf[hcf["date"] <= as_of]
        paid_in = float(known.loc[known["kind"] == "call", "amount"].sum())
        marks = hst[(hst["known_on"] <= as_of) & (hst["as_of"] <= as_of)].sort_values("as_of")
        if marks.empty:
            nav = paid_in - float(known.loc[known["kind"] == "distribution", "amount"].sum())
        else:
            last = marks.iloc[-1]
            after = known[known["date"] > last["as_of"]]
            signed = np.where(
                after["kind"] == "call", 1.0, np.where(after["kind"] == "distribution", -1.0, 0.0)
            )
            nav = float(last["nav"]) + float((signed * after["amount"]).sum())
        proj = project_from_state(
            res.params,
            float(h.commitment),
            paid_in=paid_in,
            nav=max(nav, 0.0),
            age_periods=len(hist),
            n_periods=args.quarters,
        )
        for i, qe in enumerate(q_ends):
            q0 = qe - pd.offsets.QuarterEnd(1)
            inq = hcf[(hcf["date"] > q0) & (hcf["date"] <= qe)]
            rows.append(
                {
                    "holding_id": h.holding_id,
                    "asset_class": h.asset_class,
                    "quarter": qe,
                    "commitment": float(h.commitment),
                    "proj_call": float(proj["call"].iloc[i]),
                    "proj_dist": float(proj["distribution"].iloc[i]),
                    "call": float(inq.loc[inq["kind"] == "call", "amount"].sum()),
                    "dist": float(inq.loc[inq["kind"] == "distribution", "amount"].sum()),
                }
            )
    df = pd.DataFrame(rows)
    by_q = df.groupby("quarter")[["proj_call", "call", "proj_dist", "dist"]].sum() / 1e6
    print(
        f"Projection as of {as_of.date()} for {df['holding_id'].nunique()} drawdown funds "
        f"(SYNTHETIC sample book, seed {args.seed}), $m:\n"
    )
    print(
        "| quarter | projected calls | actual calls | projected distributions | "
        "actual distributions |"
    )
    print("|---|---|---|---|---|")
    for q, r in by_q.iterrows():
        print(
            f"| {pd.Timestamp(q).date()} | {r['proj_call']:.1f} | {r['call']:.1f} | "
            f"{r['proj_dist']:.1f} | {r['dist']:.1f} |"
        )
    tot = by_q.sum()
    print(
        f"| total | {tot['proj_call']:.1f} | {tot['call']:.1f} | {tot['proj_dist']:.1f} | "
        f"{tot['dist']:.1f} |"
    )
    err = lambda a, b: (a - b) / b  # noqa: E731
    # per fund and quarter, as a fraction of the fund's commitment (commitment-weighted)
    mae_c = (df["proj_call"] - df["call"]).abs().sum() / df["commitment"].sum()
    mae_d = (df["proj_dist"] - df["dist"]).abs().sum() / df["commitment"].sum()
    print(
        f"\nSleeve totals over the {args.quarters} quarters: calls "
        f"{err(tot['proj_call'], tot['call']):+.1%}, distributions "
        f"{err(tot['proj_dist'], tot['dist']):+.1%} (projected vs actual). Mean absolute "
        f"per-fund error per quarter: calls {mae_c / len(q_ends):.2%}, distributions "
        f"{mae_d / len(q_ends):.2%} of commitment."
    )


if __name__ == "__main__":
    main()
