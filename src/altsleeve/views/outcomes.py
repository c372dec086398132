"""Participant outcomes on paper: the tables a committee reads and the charts written to --out.

Owns rendering an outcomes result (:func:`altsleeve.workflows.outcomes.result_json` plus the
per-path
wealth) as rich tables, drawing its charts with matplotlib (PNG and SVG: the distribution of real
wealth at retirement with and without the sleeve per cohort, replacement ratios, the per-path
gain, fee sensitivity) and writing ``outcomes.json`` and the charts to a folder. Must not
simulate (``altsleeve.outcomes``) and must not read input files (``altsleeve.workflows.outcomes``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rich.console import Console
from rich.table import Table

from altsleeve.outcomes import BlockResult
from altsleeve.views import format as fmt

FloatArray = NDArray[np.float64]

#: Chart files written by :func:`write_outputs` (each as .png and .svg).
CHARTS: tuple[str, ...] = (
    "wealth_at_retirement",
    "replacement_ratio",
    "gain",
    "fee_sensitivity",
)


def render(payload: dict[str, Any], console: Console) -> None:
    """Print the result's tables: wealth, replacement ratio, better off, CE, fee sensitivity."""
    s = payload["settings"]
    console.print(
        f"[bold]Participant outcomes[/bold]: {payload['name']} ({payload['vehicle']}); "
        f"{s['paths']:,} paths per cohort, seed {s['seed']}, sleeve funded from {s['funding']}; "
        f"history {s['history_first']}..{s['history_last']} ({s['history_months']} months, "
        f"mean block {s['mean_block_months']:g} months)"
    )
    console.print(payload["note"], style="dim")
    by_type = payload.get("history", {}).get("by_asset_type", {})
    if by_type:
        console.print(
            "The vehicle's sleeves earn the long real history of their asset type: "
            + "; ".join(f"{k}: {v}" for k, v in by_type.items())
            + ".",
            markup=False,
        )
    t = Table(title="Real wealth at retirement (dollars of the as-of date)")
    for col in ("cohort", "", "p5", "p25", "median", "p75", "p95", "mean"):
        t.add_column(col, justify="left" if col in ("cohort", "") else "right")
    for c in payload["cohorts"]:
        for label in ("without", "with"):
            w = c["wealth"][label]
            t.add_row(
                c["cohort"] if label == "without" else "",
                f"{label} sleeve",
                *[fmt.dollars(w[k]) for k in ("p5", "p25", "p50", "p75", "p95", "mean")],
            )
    console.print(t)
    gammas = [r["risk_aversion"] for r in payload["cohorts"][0]["certainty_equivalent"]]
    t = Table(title="Does the sleeve leave savers better off? (same market path, paired)")
    cols = ["cohort", "P(better off)", "median gain", "gain p5..p95"]
    cols += [f"CE diff (CRRA {g:g})" for g in gammas]
    cols += ["repl. ratio without", "with"]
    for col in cols:
        t.add_column(col, justify="left" if col == "cohort" else "right")
    for c in payload["cohorts"]:
        ce = [
            f"{fmt.dollars(r['difference'])} ({100 * r['relative']:+.2f}%)"
            for r in c["certainty_equivalent"]
        ]
        t.add_row(
            c["cohort"],
            fmt.pct(c["p_better_off"], 1),
            fmt.dollars(c["gain"]["p50"]),
            f"{fmt.dollars(c['gain']['p5'])}..{fmt.dollars(c['gain']['p95'])}",
            *ce,
            fmt.pct(c["replacement_ratio"]["without"]["p50"], 1),
            fmt.pct(c["replacement_ratio"]["with"]["p50"], 1),
        )
    console.print(t)
    t = Table(
        title=f"Fee sensitivity: the sleeve's private fee layers times a multiplier "
        f"(CRRA {gammas[0]:g})"
    )
    for col in ("cohort", "fees x", "median with sleeve", "P(better off)", "CE diff"):
        t.add_column(col, justify="left" if col == "cohort" else "right")
    for c in payload["cohorts"]:
        rows = sorted(c["fee_sensitivity"], key=lambda r: r["fee_multiplier"])
        for i, r in enumerate(rows):
            ce = r["certainty_equivalent"][0]
            t.add_row(
                c["cohort"] if i == 0 else "",
                f"{r['fee_multiplier']:g}",
                fmt.dollars(r["wealth_with"]["p50"]),
                fmt.pct(r["p_better_off"], 1),
                f"{fmt.dollars(ce['difference'])} ({100 * ce['relative']:+.2f}%)",
            )
    console.print(t)
    sl = payload["sleeve"]
    console.print(
        f"Sleeve over {sl['years']:g} years, median a year: gross (reported) "
        f"{fmt.pct(sl['gross_return']['p50'], 2)}, net of every private layer and cash drag "
        f"{fmt.pct(sl['net_return']['p50'], 2)}; fees and drag "
        f"{fmt.pct(sl['fee_and_drag_median'], 2)}"
        " a year (median)."
    )


# -- charts -----------------------------------------------------------------------------------
def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _grid(n: int) -> tuple[int, int]:
    cols = min(n, 2)
    return (n + cols - 1) // cols, cols


def _save(fig: Any, out: Path, name: str) -> list[Path]:
    paths = []
    for ext in ("png", "svg"):
        p = out / f"{name}.{ext}"
        fig.savefig(p, dpi=110, metadata={"Date": None} if ext == "svg" else None)
        paths.append(p)
    return paths


def draw_charts(payload: dict[str, Any], result: BlockResult, out: Path) -> list[Path]:
    """Draw the charts of :data:`CHARTS` into ``out`` (PNG and SVG); returns the files."""
    plt = _plt()
    out.mkdir(parents=True, exist_ok=True)
    cohorts = payload["cohorts"]
    n = len(cohorts)
    rows, cols = _grid(n)
    foot = "Private funds SYNTHETIC (factor model on real bootstrapped markets); docs/outcomes.md"
    files: list[Path] = []

    # 1. wealth at retirement, with and without
    fig, axes = plt.subplots(rows, cols, figsize=(5.5 * cols, 3.6 * rows), squeeze=False)
    for i, c in enumerate(cohorts):
        ax = axes[i // cols][i % cols]
        w0, w1 = result.wealth[i, 0], result.wealth[i, 1]
        hi = float(np.percentile(np.concatenate([w0, w1]), 99))
        bins = np.linspace(0.0, hi, 60)
        ax.hist(w0, bins=bins, alpha=0.5, label="without sleeve", color="C0")
        ax.hist(w1, bins=bins, alpha=0.5, label="with sleeve", color="C1")
        for w, col in ((c["wealth"]["without"], "C0"), (c["wealth"]["with"], "C1")):
            ax.axvline(w["p50"], color=col, lw=1.2)
            ax.axvline(w["p5"], color=col, lw=0.8, ls=":")
        ax.set_title(f"{c['cohort']}: real wealth at retirement", fontsize=9)
        ax.set_xlabel("dollars of the as-of date (lines: median, 5th percentile)", fontsize=8)
        ax.xaxis.set_major_formatter(lambda x, _: f"${x / 1e6:.1f}m")
        ax.legend(fontsize=7)
    for j in range(n, rows * cols):
        axes[j // cols][j % cols].axis("off")
    fig.text(0.01, 0.005, foot, fontsize=7, color="0.4")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    files += _save(fig, out, "wealth_at_retirement")
    plt.close(fig)

    # 2. replacement ratio percentiles
    fig, ax = plt.subplots(figsize=(8, 4))
    x = np.arange(n)
    for k, (label, col, dx) in enumerate(
        (("without sleeve", "C0", -0.15), ("with sleeve", "C1", 0.15))
    ):
        key = "without" if k == 0 else "with"
        p = [c["replacement_ratio"][key] for c in cohorts]
        ax.vlines(x + dx, [q["p5"] for q in p], [q["p95"] for q in p], color=col, lw=1)
        ax.vlines(x + dx, [q["p25"] for q in p], [q["p75"] for q in p], color=col, lw=6)
        ax.plot(x + dx, [q["p50"] for q in p], "o", color="k", ms=4)
        ax.plot([], [], color=col, lw=6, label=label)
    ax.set_xticks(x, [c["cohort"] for c in cohorts])
    ax.yaxis.set_major_formatter(lambda y, _: f"{100 * y:.0f}%")
    ax.set_ylabel("replacement ratio (5-25-50-75-95%)")
    ax.set_title("Income from a level real annuity over final pay", fontsize=9)
    ax.legend(fontsize=8)
    fig.text(0.01, 0.005, foot, fontsize=7, color="0.4")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    files += _save(fig, out, "replacement_ratio")
    plt.close(fig)

    # 3. per-path gain
    fig, axes = plt.subplots(rows, cols, figsize=(5.5 * cols, 3.4 * rows), squeeze=False)
    for i, c in enumerate(cohorts):
        ax = axes[i // cols][i % cols]
        w0, w1 = result.wealth[i, 0], result.wealth[i, 1]
        rel = np.divide(w1, w0, out=np.ones_like(w0), where=w0 > 0) - 1.0
        lo, hi = np.percentile(rel, [0.5, 99.5])
        ax.hist(rel, bins=np.linspace(lo, hi, 60), color="C2")
        ax.axvline(0.0, color="k", lw=1)
        ax.set_title(
            f"{c['cohort']}: with / without - 1 (P(better off) {fmt.pct(c['p_better_off'], 1)})",
            fontsize=9,
        )
        ax.xaxis.set_major_formatter(lambda v, _: f"{100 * v:+.0f}%")
    for j in range(n, rows * cols):
        axes[j // cols][j % cols].axis("off")
    fig.text(0.01, 0.005, foot, fontsize=7, color="0.4")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    files += _save(fig, out, "gain")
    plt.close(fig)

    # 4. fee sensitivity
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4))
    for i, c in enumerate(cohorts):
        rows_ = sorted(c["fee_sensitivity"], key=lambda r: r["fee_multiplier"])
        m = [r["fee_multiplier"] for r in rows_]
        ax.plot(m, [r["p_better_off"] for r in rows_], "o-", label=c["cohort"], color=f"C{i}")
        bx.plot(
            m,
            [r["certainty_equivalent"][0]["relative"] for r in rows_],
            "o-",
            label=c["cohort"],
            color=f"C{i}",
        )
    g = cohorts[0]["certainty_equivalent"][0]["risk_aversion"]
    ax.set_xlabel("private fee layers x")
    ax.set_ylabel("P(better off with the sleeve)")
    ax.yaxis.set_major_formatter(lambda y, _: f"{100 * y:.0f}%")
    ax.axhline(0.5, color="0.6", lw=0.8, ls=":")
    bx.set_xlabel("private fee layers x")
    bx.set_ylabel("CE wealth, with / without - 1")
    bx.set_title(f"certainty-equivalent wealth, CRRA {g:g}", fontsize=9)
    bx.yaxis.set_major_formatter(lambda y, _: f"{100 * y:+.1f}%")
    bx.axhline(0.0, color="0.6", lw=0.8)
    ax.legend(fontsize=8)
    fig.text(0.01, 0.005, foot, fontsize=7, color="0.4")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    files += _save(fig, out, "fee_sensitivity")
    plt.close(fig)
    return files


def write_outputs(payload: dict[str, Any], result: BlockResult, out: Path) -> list[Path]:
    """Write ``outcomes.json`` (sorted keys) and the charts into ``out``; returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "outcomes.json"
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return [path, *draw_charts(payload, result, out)]
