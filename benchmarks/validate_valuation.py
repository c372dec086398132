"""Validation of the daily NAV estimators on the SYNTHETIC sample book (docs/valuation.md).

Run: .venv/bin/python benchmarks/validate_valuation.py [--seeds 2045,1,2] [--out FILE.md]

For each seed: the sample book (synthetic funds driven by the real S&P 500 / NASDAQ paths), every
method run strictly point in time over 1999-2018 and scored against the synthetic truth; then two
deliberately mis-specified cases (every holding given the wrong proxy; the nowcast and the proxy
method forced to beta 2); and an ORACLE that knows each fund's true value at its last mark and its
true alpha and beta (validation only: it reads the truth), i.e. the error left by the
idiosyncratic moves since the last mark, which no estimator can see.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import numpy as np
import pandas as pd

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from bench_valuation import market

from altsleeve.samplebook import generate_sample_book
from altsleeve.valuation import (
    NowcastValuer,
    ProxyValuer,
    StaleValuer,
    ValuationInputs,
    Valuer,
    make_inputs,
)
from altsleeve.valuation._engine import (
    Epochs,
    FloatArray,
    HoldingData,
    IntArray,
    Rolled,
    base_epochs,
)
from altsleeve.valuation._metrics import backtest_report, report_table
from altsleeve.workflows.samplebook import flow_fractions

WRONG_PROXY = {"SP500_TR": "NASDAQ_TR", "NASDAQ_TR": "SP500_TR"}


class OracleValuer(Valuer):
    """Knows the true value at each mark's as-of date and each fund's true alpha and beta."""

    method = "oracle"

    def __init__(self, truth: pd.DataFrame, fund_params: pd.DataFrame) -> None:
        super().__init__()
        self.truth = {h: g.set_index("date")["value"] for h, g in truth.groupby("holding_id")}
        self.fp = fund_params.set_index("holding_id")

    def _epochs(self, hd: HoldingData, starts: IntArray) -> Epochs:
        ep = base_epochs(hd, starts)
        t = self.truth[hd.holding_id]
        days = pd.DatetimeIndex(ep.as_of.astype("datetime64[D]"))
        pos = np.searchsorted(t.index.values, days.values, side="right") - 1
        ok = (ep.as_of > -(10**8)) & (pos >= 0)
        ep.anchor = np.where(ok, t.to_numpy()[np.maximum(pos, 0)], ep.anchor)
        ep.alpha = np.full(len(starts), float(self.fp.loc[hd.holding_id, "alpha"]))
        ep.beta = np.full(len(starts), float(self.fp.loc[hd.holding_id, "beta"]))
        return ep

    def _log_sd(self, hd: HoldingData, ep: Epochs, r: Rolled) -> FloatArray:
        vol = float(self.fp.loc[hd.holding_id, "idio_vol"])
        return np.asarray(vol * np.sqrt(np.maximum(r.tau, 1e-6)), dtype=float)


def with_wrong_proxy(inputs: ValuationInputs) -> ValuationInputs:
    h = inputs.holdings.assign(proxy=inputs.holdings["proxy"].map(WRONG_PROXY))
    return ValuationInputs(h, inputs.statements, inputs.cashflows, inputs.proxies)


def run(seed: int, mk: dict[str, pd.Series]) -> list[dict[str, object]]:
    book = generate_sample_book(mk, seed=seed)
    inputs = make_inputs(book.holdings, book.statements, book.cashflows, mk)
    fp = book.params.flows
    flows = flow_fractions(book.orders, fp.reference_assets_start, fp.reference_assets_growth)
    truth = book.truth[["holding_id", "date", "value"]]
    commitment = inputs.holdings.set_index("holding_id")["commitment"]
    cases: list[tuple[str, Valuer, ValuationInputs]] = [
        ("stale", StaleValuer(), inputs),
        ("proxy (beta 1)", ProxyValuer(beta=1.0), inputs),
        ("proxy (beta estimated)", ProxyValuer(beta="estimate"), inputs),
        ("nowcast", NowcastValuer(), inputs),
        ("nowcast (per-holding)", NowcastValuer(per_holding=True), inputs),
        ("oracle (reads the truth)", OracleValuer(book.truth, book.fund_params), inputs),
        ("wrong proxy: proxy (beta 1)", ProxyValuer(beta=1.0), with_wrong_proxy(inputs)),
        ("wrong proxy: nowcast", NowcastValuer(), with_wrong_proxy(inputs)),
        ("wrong beta: proxy (beta 2)", ProxyValuer(beta=2.0), inputs),
        ("wrong beta: nowcast (beta forced to 2)", NowcastValuer(fixed_beta=2.0), inputs),
    ]
    rows = []
    for label, valuer, inp in cases:
        t = time.perf_counter()
        est = valuer.fit(inp).estimate().assign(method=label)
        rep = backtest_report(est, truth, flows=flows, commitment=commitment)
        tab = report_table(rep).iloc[0].to_dict()
        tab.update(case=label, seed=seed, seconds=time.perf_counter() - t)
        rows.append(tab)
        print(
            f"seed {seed} {label}: rmse {tab['rmse']:.4f} ({tab['seconds']:.1f} s)", file=sys.stderr
        )
    return rows


def fmt(x: object, spec: str) -> str:
    return "n/a" if x is None or (isinstance(x, float) and not np.isfinite(x)) else format(x, spec)


def change(base: pd.Series, row: pd.Series, col: str, less: str, more: str) -> str:
    """``row`` against ``base`` on ``col`` in words: "12.3% lower"."""
    r = 1 - row[col] / base[col]
    return f"{abs(r):.1%} {less if r >= 0 else more}"


def markdown(df: pd.DataFrame) -> str:
    cols = [
        ("rmse", "RMSE", ".4f"),
        ("mae", "MAE", ".4f"),
        ("bias", "bias", "+.4f"),
        ("rmse_0-30", "RMSE 0-30d", ".4f"),
        ("rmse_31-60", "RMSE 31-60d", ".4f"),
        ("rmse_61-92", "RMSE 61-92d", ".4f"),
        ("rmse_2000-02", "RMSE 2000-02", ".4f"),
        ("rmse_2008-09", "RMSE 2008-09", ".4f"),
        ("true_up_mean_abs", "true-up", ".4f"),
        ("coverage", "90% cover", ".1%"),
        ("dilution_bp_per_year", "dilution bp/yr", ".1f"),
    ]
    lines = []
    for seed, g in df.groupby("seed", sort=False):
        lines.append(f"\n**Seed {seed}** ({int(g['n'].iloc[0]):,} holding-days scored)\n")
        lines.append("| case | " + " | ".join(h for _, h, _ in cols) + " |")
        lines.append("|---|" + "---|" * len(cols))
        for _, r in g.iterrows():
            lines.append(
                f"| {r['case']} | " + " | ".join(fmt(r.get(c), f) for c, _, f in cols) + " |"
            )
        base = g.set_index("case")
        st, nc = base.loc["stale"], base.loc["nowcast"]
        orc = base.loc["oracle (reads the truth)"]
        wp = base.loc["wrong proxy: nowcast"]
        lines.append("")

        tu, dl = "true_up_mean_abs", "dilution_bp_per_year"
        lines.append(
            f"nowcast vs stale: RMSE {change(st, nc, 'rmse', 'lower', 'higher')}"
            f" (oracle: {change(st, orc, 'rmse', 'lower', 'higher')}); mean true-up"
            f" {change(st, nc, tu, 'smaller', 'larger')}"
            f" (oracle: {change(st, orc, tu, 'smaller', 'larger')});"
            f" dilution {change(st, nc, dl, 'smaller', 'larger')}"
            f" (oracle: {change(st, orc, dl, 'smaller', 'larger')});"
            f" wrong-proxy nowcast RMSE {change(st, wp, 'rmse', 'lower', 'higher')} than stale."
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default="2045,1,2")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    mk = market()
    rows = [r for s in args.seeds.split(",") for r in run(int(s), mk)]
    text = markdown(pd.DataFrame(rows))
    if args.out:
        pathlib.Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
