"""Regenerate the figures of docs/stress.md from a struck sample-book ledger.

Usage (after ``make demo``, which builds and strikes ``demo-output/altsleeve.duckdb``)::

    .venv/bin/python benchmarks/stress_figures.py [--db demo-output/altsleeve.duckdb] [--write]

Prints the tables as Markdown; ``--write`` also replaces the block between
``<!-- stress-figures:start -->`` and ``<!-- stress-figures:end -->`` in docs/stress.md.
The private book is the SYNTHETIC sample book; the public markets are the real arch data.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.ledger import Ledger
from altsleeve.liquidity import (
    Design,
    StressResult,
    builtin_scenario_paths,
    load_scenario,
    run_stress,
)
from altsleeve.workflows.stress import (
    StressRun,
    prepare,
    run_size_buffer,
)

START = "<!-- stress-figures:start -->"
END = "<!-- stress-figures:end -->"
REPLAYS = ("dotcom-2000-02", "gfc-2008-09", "euro-2011", "late-2018")


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _m(x: float) -> str:
    return f"{x / 1e6:,.1f}"


def _design_table(rows: Sequence[tuple[str, StressResult]]) -> list[str]:
    out = [
        "| design | peak private share (day) | days above 15% cap | most private above target "
        "($m) | lowest cash share | forced liquid sales ($m) | worst unit-price drawdown | "
        "cost to stayers ($m) | survives |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, r in rows:
        s = r.summary
        out.append(
            f"| {label} | {_pct(s['private_share_peak'])} ({s['private_share_peak_date']}) | "
            f"{s['days_above_cap']:,} | {_m(s['unrebalanced_max'])} | "
            f"{_pct(s['cash_share_min'])} | {_m(s['forced_liquid_sales'])} | "
            f"{_pct(s['max_drawdown'])} | {_m(s['stayers_cost'])} | "
            f"{'yes' if s['survives'] else 'no'} |"
        )
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Run the stress figures and print (or write) them."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", default="demo-output/altsleeve.duckdb")
    ap.add_argument("--write", action="store_true", help="Update docs/stress.md in place.")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    v = Vehicle.from_toml(sample_vehicle_path())
    scenarios = [load_scenario(s) for s in builtin_scenario_paths()]
    by_id = {s.id: s for s in scenarios}
    lines: list[str] = []
    with Ledger(args.db, read_only=True) as led:
        run = prepare(led, v, scenarios, lambda m: print(f"  {m}", flush=True))
    gfc = [by_id["gfc-2008-09"]]

    def one(sid: str, design: Design) -> StressResult:
        return run_stress(design, run.paths[sid], by_id[sid])

    # 1. the sample book as it is, at the vehicle's own 2% cash
    book = one("gfc-2008-09", Design(v))
    s = book.summary
    lines += [
        "### 2008-09 replay, the sample book as it is",
        "",
        f"- Window {s['first_day']} to {s['last_day']} ({s['days']} business days); the sample "
        f"book's commitments come from its pacing rule (docs/sample-book.md section 2b), and the "
        f"private share starts at {_pct(s['private_share_start'])}"
        + (", above the cap." if s["private_share_start"] > s["private_max"] else "."),
        f"- Peak private share **{_pct(s['private_share_peak'])}** on "
        f"{s['private_share_peak_date']}; **{s['days_above_cap']:,} days above the 15% cap** "
        f"(of {s['days']}); at most ${_m(s['unrebalanced_max'])}m of private assets "
        f"above the glide-path target that could not be sold to rebalance.",
        "- Calls over distributions (set by the scenario): "
        + ", ".join(f"{y}: {r:.2f}" for y, r in s["calls_over_distributions"].items() if r)
        + f"; calls ${_m(s['calls'])}m, distributions ${_m(s['distributions'])}m, "
        f"participant redemptions ${_m(s['redemptions'])}m.",
        f"- Forced sales of the liquid sleeves ${_m(s['forced_liquid_sales'])}m; shortfall days "
        f"{s['shortfall_days']}; the stale part of the NAV moved ${_m(s['to_leavers'])}m to "
        f"leaving participants.",
    ]
    sz = run_size_buffer(StressRun(run.ledger, v, gfc, run.paths), Design(v))
    lines += [
        "- Buffer needed (no shortfall, never above the cap): "
        + ("**none up to 40% works**" if sz.buffer is None else f"**{_pct(sz.buffer)}**")
        + f"; the largest starting private share that survives at "
        f"{_pct(sz.hi if sz.buffer is None else sz.buffer)} buffer is "
        f"**{_pct(sz.private_share)}**.",
        "",
    ]
    # 2. the design at its 10% private target: 2% (as shipped), 5% and 20% buffers
    rows = []
    for b, label in ((None, "2% cash (as shipped)"), (0.05, "5% buffer"), (0.20, "20% buffer")):
        rows.append((label, one("gfc-2008-09", Design(v, buffer=b, private_share=0.10))))
    lines += [
        "### 2008-09 replay, the private sleeve at its 10% target: 5% vs 20% liquid buffer",
        "",
        *_design_table(rows),
        "",
    ]
    gfc_run = StressRun(run.ledger, v, gfc, run.paths)
    for crit in (("shortfall", "cap"), ("shortfall", "cap", "forced_sales")):
        sz = run_size_buffer(gfc_run, Design(v, private_share=0.10), criteria=crit)
        lines.append(
            f"- Buffer needed at a 10% start avoiding {' + '.join(crit)}: "
            f"**{_pct(sz.buffer)}**; largest starting private share at that buffer: "
            f"**{_pct(sz.private_share)}**."
        )
    lines.append("")
    # 3. every built-in scenario, at the 10% target, 5% and 20% buffers
    table = [
        "| scenario | buffer | peak private share | days above cap | forced liquid sales ($m) "
        "| secondary sold ($m) / discount ($m) | plan withdrawals paid / queued ($m) | "
        "worst drawdown | survives |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for sc in scenarios:
        for b in (0.05, 0.20):
            r = one(sc.id, Design(v, buffer=b, private_share=0.10)).summary
            table.append(
                f"| {sc.id} | {_pct(b)} | {_pct(r['private_share_peak'])} | "
                f"{r['days_above_cap']:,} | {_m(r['forced_liquid_sales'])} | "
                f"{_m(r['secondary_sold'])} / {_m(r['secondary_cost'])} | "
                f"{_m(r['plan_withdrawals'])} / {_m(r['queued_withdrawal_end'])} | "
                f"{_pct(r['max_drawdown'])} | {'yes' if r['survives'] else 'no'} |"
            )
    lines += [
        "### Every built-in scenario, private sleeve at 10% on the first day",
        "",
        *table,
        "",
    ]
    replays = StressRun(run.ledger, v, [by_id[s] for s in REPLAYS], run.paths)
    sz = run_size_buffer(replays, Design(v, private_share=0.10))
    lines.append(
        f"- All four replays together at a 10% start: buffer needed **{_pct(sz.buffer)}**, "
        f"largest starting private share at that buffer **{_pct(sz.private_share)}** "
        f"({len(sz.trials)} runs)."
    )
    seconds = time.perf_counter() - started
    lines += [
        "",
        f"_Generated by `benchmarks/stress_figures.py --db {args.db}` in {seconds:.0f} s._",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        doc = Path(__file__).resolve().parents[1] / "docs" / "stress.md"
        body = doc.read_text()
        a, b_ = body.index(START) + len(START), body.index(END)
        doc.write_text(body[:a] + "\n" + text + "\n" + body[b_:])
        print(f"updated {doc}")


if __name__ == "__main__":
    main()
