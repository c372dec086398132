"""Validation of the NAV estimators on HELD-OUT semi-synthetic books (docs/valuation.md).

Run: .venv/bin/python benchmarks/validate_heldout.py [--variants geltner,...] [--funds 60]
     [--seeds 0,1] [--out FILE.md]

The books come from a process the nowcast does not assume (``samplebook.generate_heldout_book``:
real S&P 500 / NASDAQ paths, each SYNTHETIC fund with its own beta in 0.8-1.5, alpha, idio vol and
smoothing, 40-145 day lags, marks that never arrive; variants: moving-average appraisal, missing
mark bursts with lags lengthening in crises). Each method runs strictly point in time over
1999-2018 and is scored against the hidden truth on the same days as the ORACLE (true value at
the last known mark's date rolled with the true alpha and beta; it reads the truth), and beside
it the nowcast's filter given each fund's true smoothing, alpha and beta (also reads the truth:
the cost of de-smoothing noisy marks once the parameters are known). The per-holding nowcast runs
twice: with Geltner's appraisal model (the default) and with ``appraisal="auto"`` (Geltner's or a
moving-average kernel, chosen by likelihood per class at each refit). Prints RMSE, mean true-up
and 90% coverage per method and the ratios to the oracle.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import numpy as np
import pandas as pd

from altsleeve.marketdata import arch_levels
from altsleeve.samplebook import HELDOUT_VARIANTS, HeldoutBook, generate_heldout_book
from altsleeve.valuation import (
    NowcastValuer,
    ProxyValuer,
    StaleValuer,
    Valuer,
    make_inputs,
)
from altsleeve.valuation._engine import Epochs, HoldingData, IntArray
from altsleeve.valuation._kalman import NowcastParams
from altsleeve.valuation._metrics import backtest_report, report_table
from altsleeve.valuation._oracle import OracleValuer


class TrueParamsNowcast(NowcastValuer):
    """The pooled nowcast's filter given each fund's TRUE smoothing, alpha and beta (reads the
    truth; validation only): what de-smoothing noisy marks costs once the parameters are known.
    The pooled sigma and noise are kept; a fund without a Geltner weight keeps the pooled one."""

    def __init__(self, fund_params: pd.DataFrame) -> None:
        super().__init__()
        self.fp = fund_params.set_index("holding_id")

    def _epochs(self, hd: HoldingData, starts: IntArray) -> Epochs:
        saved = self.params_
        row = self.fp.loc[hd.holding_id]
        a, alpha, beta = float(row["smoothing_a"]), float(row["alpha"]), float(row["beta"])

        def true(p: NowcastParams) -> NowcastParams:
            return NowcastParams(p.a if np.isnan(a) else a, alpha, beta, p.sigma, p.noise)

        self.params_ = {k: [true(p) for p in v] for k, v in saved.items()}
        try:
            return super()._epochs(hd, starts)
        finally:
            self.params_ = saved


def cases(book: HeldoutBook) -> list[tuple[str, Valuer]]:
    return [
        ("stale", StaleValuer()),
        ("proxy (beta estimated)", ProxyValuer(beta="estimate")),
        ("nowcast (pooled)", NowcastValuer(per_holding=False)),
        ("nowcast (per-holding)", NowcastValuer(per_holding=True)),
        (
            "nowcast (per-holding, appraisal auto)",
            NowcastValuer(per_holding=True, appraisal="auto"),
        ),
        (
            "nowcast given true a, alpha, beta (reads the truth)",
            TrueParamsNowcast(book.fund_params),
        ),
        ("oracle (reads the truth)", OracleValuer(book.truth, book.fund_params)),
    ]


def run(variant: str, seed: int, n_funds: int, mk: dict[str, pd.Series]) -> pd.DataFrame:
    import dataclasses

    params = dataclasses.replace(HELDOUT_VARIANTS[variant], n_funds=n_funds)
    book = generate_heldout_book(mk, params, seed=seed)
    inputs = make_inputs(book.holdings, book.statements, book.cashflows, mk)
    commitment = inputs.holdings.set_index("holding_id")["commitment"]
    rows = []
    for label, valuer in cases(book):
        t = time.perf_counter()
        est = valuer.fit(inputs).estimate().assign(method=label)
        rep = backtest_report(est, book.truth, commitment=commitment)
        tab = report_table(rep).iloc[0].to_dict()
        tab.update(case=label, variant=variant, seed=seed, seconds=time.perf_counter() - t)
        rows.append(tab)
        print(f"{variant} seed {seed} {label}: rmse {tab['rmse']:.4f}", file=sys.stderr)
    df = pd.DataFrame(rows)
    orc = df[df["case"].str.startswith("oracle")].iloc[0]
    df["rmse_x_oracle"] = df["rmse"] / orc["rmse"]
    df["true_up_x_oracle"] = df["true_up_mean_abs"] / orc["true_up_mean_abs"]
    return df


def markdown(df: pd.DataFrame) -> str:
    lines = [
        "| variant | seed | case | RMSE | x oracle | true-up | x oracle | 90% cover |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for _, r in df.iterrows():
        lines.append(
            f"| {r['variant']} | {r['seed']} | {r['case']} | {r['rmse']:.4f} |"
            f" {r['rmse_x_oracle']:.2f} | {r['true_up_mean_abs']:.4f} |"
            f" {r['true_up_x_oracle']:.2f} | {r['coverage']:.1%} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", default=",".join(HELDOUT_VARIANTS))
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--funds", type=int, default=60)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    mk = arch_levels()
    df = pd.concat(
        [
            run(v, int(s), args.funds, mk)
            for v in args.variants.split(",")
            for s in args.seeds.split(",")
        ],
        ignore_index=True,
    )
    text = markdown(df)
    if args.out:
        pathlib.Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
