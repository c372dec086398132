"""The pacing plan as a chart (matplotlib): commitments per year and the projected private share.

Owns drawing a :class:`~altsleeve.pacing.PacingPlan`. Must not compute a figure the plan lacks.
"""

from __future__ import annotations

from pathlib import Path

from altsleeve.pacing import (
    PacingPlan,
)


def plan_chart(plan: PacingPlan, path: Path, title: str) -> Path:
    """Draw the plan (private share bands, target, band, maximum; commitments) to PNG or SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    share = plan.share
    fig, (ax, bx) = plt.subplots(
        2, 1, figsize=(10, 7), sharex=False, gridspec_kw={"height_ratios": [3, 1]}
    )
    x = share.index
    ax.fill_between(x, share["q05"], share["q95"], alpha=0.2, color="C0", label="5-95%")
    ax.fill_between(x, share["q25"], share["q75"], alpha=0.35, color="C0", label="25-75%")
    ax.plot(x, share["q50"], color="C0", label="median with plan")
    ax.plot(x, share["median_no_plan"], color="0.5", ls=":", label="median, no new commitment")
    ax.plot(x, share["target"], color="k", label="target")
    ax.plot(x, share["lower"], color="k", ls="--", lw=0.8, label="band")
    ax.plot(x, share["max"], color="C3", ls="--", label="maximum")
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_ylabel("private share of net assets")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, ncol=3)
    by_year = plan.commitments.pivot_table(
        index="year", columns="asset_class", values="commitment", aggfunc="sum"
    )
    (by_year / 1e6).plot(kind="bar", stacked=True, ax=bx, width=0.8)
    bx.set_ylabel("commitments ($m)")
    bx.set_xlabel("plan year")
    bx.legend(fontsize=7, ncol=5)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
