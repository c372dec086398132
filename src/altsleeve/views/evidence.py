"""The fiduciary evidence report on paper: charts, one self-contained HTML file, a PDF, the JSON.

Owns turning the evidence payload (schema ``altsleeve.evidence/1``, built by
``altsleeve.workflows.evidence``) into the six charts of :data:`CHARTS` (matplotlib SVG,
deterministic), one self-contained HTML file with a section per entry of :data:`SECTIONS`
(jinja2 template ``report/templates/evidence.html.j2``: inline CSS, charts as ``data:`` URIs,
nothing fetched from the network, print-friendly for A4), a PDF of that HTML (WeasyPrint, when
its system libraries are there) and writing them next to ``evidence.json``
(:func:`write_report`).

Must not read the ledger, the policy or any input file, and must not compute figures: every
number shown comes from the payload; the renderer only formats, orders and selects (the 20
largest true-ups, the stale holdings past their limit). A value that is null (or a key the
payload lacks) is shown as ``n/a``, with the payload's ``missing`` reason where it gives one;
a chart without data is drawn as a small "no data: <reason>" placeholder.

Examples
--------
>>> from altsleeve.views.evidence import payload_json
>>> print(payload_json({"b": float("nan"), "a": 1}), end="")
{
  "a": 1,
  "b": null
}
"""

from __future__ import annotations

import base64
import io
import json
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import numpy as np
from numpy.typing import NDArray

from altsleeve.common.jsonvalues import plain
from altsleeve.report import FACTORS
from altsleeve.views.format import bp as _bp
from altsleeve.views.format import count as _count
from altsleeve.views.format import money as _money
from altsleeve.views.format import num as _num
from altsleeve.views.format import pct as _pct
from altsleeve.views.format import ratio as _ratio
from altsleeve.views.format import value as _value

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Charts drawn by :func:`chart_svgs`; each is ``<figure id="chart-NAME">`` in the HTML.
CHARTS: tuple[str, ...] = ("growth", "outcomes", "fee-waterfall", "stress", "nav", "private-share")
#: The HTML's sections, in order (each a ``<section id="NAME">``): a summary, one section per
#: factor of :data:`altsleeve.report.FACTORS`, then the checks, the triggers and the appendix.
SECTIONS: tuple[str, ...] = ("summary", *FACTORS, "checks", "triggers", "appendix")

TEMPLATE = "evidence.html.j2"

#: Headings of the sections (the ``<h2>`` of each).
_HEADINGS: dict[str, str] = {
    "summary": "Summary",
    "performance": "Performance",
    "fees": "Fees",
    "liquidity": "Liquidity",
    "valuation": "Valuation",
    "benchmark": "Meaningful benchmark",
    "complexity": "Complexity",
    "allocation": "Allocation",
    "checks": "Checks against the policy",
    "triggers": "Monitoring triggers",
    "appendix": "Appendix: how this file was made",
}

#: Alt text and caption of each chart.
_CHART_TEXT: dict[str, tuple[str, str]] = {
    "growth": (
        "Line chart: growth of one dollar for the vehicle, its benchmark and the alternatives",
        "Growth of $1 at month ends: the vehicle with the private sleeve, net of every fee layer "
        "(bold), the benchmark without the sleeve (dashed) and the alternatives (thin).",
    ),
    "outcomes": (
        "Histograms: simulated wealth at retirement with and without the sleeve, per cohort",
        "Simulated wealth at retirement per cohort, with the sleeve and without it (same market "
        "paths); vertical lines mark the medians.",
    ),
    "fee-waterfall": (
        "Waterfall bar chart: from the private sleeve's gross IRR to the return net of every "
        "fee layer, in percent a year",
        "From gross to net, % a year: totals are drawn from zero, each layer floats from the "
        "level before it (red: takes return away, green: adds).",
    ),
    "stress": (
        "Line charts: private share and cash share of net assets over each stress replay",
        "Stress replays: the private share (top, with the vehicle's cap dashed) and the cash "
        "share (bottom) of net assets, by calendar days from each scenario's first day.",
    ),
    "nav": (
        "Line chart: the private sleeve's daily NAV estimate with its range, the stale NAV and "
        "the GP-reported marks",
        "Private sleeve NAV in $m: the daily estimate (line) within its range (shaded), the last "
        "GP-reported NAV carried forward (grey steps) and the GP marks (dots).",
    ),
    "private-share": (
        "Line chart: private share of net assets against the policy cap and target",
        "Private share of the vehicle's net assets, daily, against the cap (red dashed) and the "
        "target (grey).",
    ),
}

FloatArray = NDArray[np.float64]


def payload_json(payload: Mapping[str, Any]) -> str:
    """The payload as JSON text: sorted keys, indent 2, NaN and infinities as null.

    Parameters
    ----------
    payload : Mapping
        The evidence payload (JSON-ready: dicts, lists, str, int, float, bool, None).

    Returns
    -------
    str
        The text, ending in a newline; byte-identical for equal payloads.
    """
    return json.dumps(plain(payload), indent=2, sort_keys=True, allow_nan=False) + "\n"


# -- formatting (the template's filters) ------------------------------------------------------


def _by_unit(x: Any, unit: Any) -> str:
    """A check's value or threshold by its unit: share, bp, ratio, days or count."""
    if unit == "share":
        return _pct(x)
    if unit == "bp":
        return _bp(x)
    if unit == "ratio":
        return _ratio(x)
    if unit in ("days", "count"):
        return _count(x)
    return _num(x)


def _missing_text(x: Any) -> str:
    """A ``missing`` reason as one line: text as is, a mapping as ``key: reason; ...``."""
    if isinstance(x, str):
        return x
    if isinstance(x, Mapping):
        return "; ".join(f"{k}: {v}" for k, v in x.items() if v not in (None, ""))
    if isinstance(x, list | tuple):
        return "; ".join(str(v) for v in x if v not in (None, ""))
    return ""


def _weights(x: Any) -> str:
    """Portfolio weights ``{"A": 0.6, "B": 0.4}`` as ``A 60%, B 40%``."""
    if not isinstance(x, Mapping) or not x:
        return "n/a"
    return ", ".join(
        f"{k} {_pct(v, 0 if _value(v) in (None, 0.0, 1.0) else 1)}" for k, v in x.items()
    )


def _label(x: Any) -> str:
    """A key as words: ``gp_statements_last_year`` -> ``gp statements last year``."""
    return str(x).replace("_", " ")


def _finalize(x: Any) -> Any:
    """What ``{{ ... }}`` prints: ``n/a`` for null and for keys the payload lacks."""
    if x is None or isinstance(x, jinja2.Undefined):
        return "n/a"
    return x


class _NotAvailable(jinja2.ChainableUndefined):
    """A key the payload lacks: prints ``n/a``, is false, iterates as empty, chains."""

    __slots__ = ()

    def __str__(self) -> str:
        return "n/a"

    def __html__(self) -> str:
        return "n/a"


# -- charts -----------------------------------------------------------------------------------
class _NoDataError(Exception):
    """A chart's data is missing or empty (the message is the reason shown)."""


_RC: dict[Any, Any] = {
    "svg.hashsalt": "altsleeve",
    "svg.fonttype": "path",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
}
_WIDTH = 7.5  # inches: the A4 text width at 16 mm margins is about 7 in; the HTML scales it


def _mapping(parent: Any, key: str, where: str) -> Mapping[str, Any]:
    """``parent[key]`` as a mapping, or :class:`_NoDataError` saying why not."""
    if not isinstance(parent, Mapping):
        raise _NoDataError(f"{where.rsplit('.', 1)[0]} is not in the payload")
    x = parent.get(key)
    if not isinstance(x, Mapping):
        why = parent.get("missing")
        reason = _missing_text(why.get(key) if isinstance(why, Mapping) else why)
        raise _NoDataError(reason or f"{where} is not in the payload")
    return x


def _sub(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """``parent[key]`` when it is a mapping, else an empty one."""
    x = parent.get(key)
    return x if isinstance(x, Mapping) else {}


def _seq(x: Any) -> list[Any]:
    """``x`` as a list (empty for None or anything that is not a list)."""
    return list(x) if isinstance(x, list | tuple) else []


def _floats(x: Any) -> FloatArray:
    """A list of numbers (None as NaN) as a float array."""
    return np.array([np.nan if v is None else float(v) for v in _seq(x)], dtype=np.float64)


def _dates(x: Any) -> NDArray[np.datetime64]:
    """ISO dates as ``datetime64[D]``."""
    return np.array(_seq(x), dtype="datetime64[D]")


def _short_money(v: float) -> str:
    a, sign = abs(v), "-" if v < 0 else ""
    if a >= 1e9:
        return f"{sign}${a / 1e9:,.1f}bn"
    if a >= 1e6:
        return f"{sign}${a / 1e6:,.2f}m"
    if a >= 1e3:
        return f"{sign}${a / 1e3:,.0f}k"
    return f"{sign}${a:,.0f}"


def _pct_axis(ax: Axes, axis: str = "y", digits: int = 0) -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: f"{100 * v:.{digits}f}%")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _growth(payload: Mapping[str, Any]) -> Figure:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    perf = _mapping(payload, "performance", "performance")
    g = _mapping(perf, "growth", "performance.growth")
    lines = g.get("lines")
    if not _seq(g.get("dates")) or not isinstance(lines, Mapping) or not lines:
        raise _NoDataError("performance.growth has no dates or no lines")
    x = _dates(g["dates"])
    kinds = {
        r.get("name"): r.get("kind") for r in _seq(perf.get("trailing")) if isinstance(r, Mapping)
    }
    rank = {"vehicle": 0, "benchmark": 1}
    names = sorted(lines, key=lambda n: rank.get(str(kinds.get(n)), 2))
    fig, ax = plt.subplots(figsize=(_WIDTH, 3.5))
    alt = 0
    for name in names:
        y = _floats(lines[name])
        if len(y) != len(x):
            raise ValueError(f"line {name!r} has {len(y)} values for {len(x)} dates")
        kind = kinds.get(name)
        if kind == "vehicle":
            ax.plot(x, y, color="#1f3a5f", lw=2.4, label=name, zorder=4)
        elif kind == "benchmark":
            ax.plot(x, y, color="black", lw=1.4, ls="--", label=name, zorder=3)
        else:
            ax.plot(x, y, color=f"C{1 + alt % 8}", lw=0.9, label=name, zorder=2)
            alt += 1
    period = _sub(perf, "period")
    start, end = period.get("start") or str(x[0]), period.get("end") or str(x[-1])
    ax.set_title(f"Growth of $1, {start} to {end}")
    ax.set_xlabel("month end")
    ax.set_ylabel("value of $1 invested (dollars)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:,.2f}"))
    ax.legend(loc="upper left", fontsize=7.5, frameon=False)
    return fig


def _outcomes(payload: Mapping[str, Any]) -> Figure:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    perf = _mapping(payload, "performance", "performance")
    out = _mapping(perf, "outcomes", "performance.outcomes")
    cohorts = [c for c in _seq(out.get("cohorts")) if isinstance(c, Mapping)][:4]
    if not cohorts:
        raise _NoDataError(
            _missing_text(out.get("missing")) or "performance.outcomes has no cohorts"
        )
    n = len(cohorts)
    cols = min(n, 2)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(_WIDTH, 2.7 * rows + 0.5), squeeze=False)
    money = FuncFormatter(lambda v, _: _short_money(v))
    for i, c in enumerate(cohorts):
        ax = axes[i // cols][i % cols]
        h = _sub(c, "histogram")
        edges = _floats(h.get("edges"))
        label = str(c.get("label") or f"cohort {i + 1}")
        ax.set_title(label)
        if len(edges) < 2:
            ax.text(
                0.5,
                0.5,
                "no data: no histogram",
                ha="center",
                va="center",
                transform=ax.transAxes,
                color="0.4",
            )
            continue
        tops: list[FloatArray] = []
        for key, wkey, color, text in (
            ("without", "wealth_without", "#1f77b4", "without sleeve"),
            ("with", "wealth_with", "#d95f02", "with sleeve"),
        ):
            counts = _floats(h.get(key))
            tops.append(counts)
            if len(counts) == len(edges) - 1:
                ax.stairs(counts, edges, color=color, lw=1.5, label=text)
            w = c.get(wkey)
            med = _value(w.get("p50")) if isinstance(w, Mapping) else None
            if med is not None:
                ax.axvline(
                    med,
                    color=color,
                    lw=1.0,
                    ls=":",
                    label=f"median {text.split()[0]}: {_short_money(med)}",
                )
        top = max((float(np.nanmax(a)) for a in tops if a.size and np.isfinite(a).any()), default=0)
        if top > 0:
            ax.set_ylim(0.0, 1.45 * top)  # room for the legend above the bars
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.xaxis.set_major_formatter(money)
        ax.set_xlabel("wealth at retirement (dollars)")
        ax.set_ylabel("simulated paths")
        ax.legend(fontsize=6.5, frameon=False, loc="upper right")
    for j in range(n, rows * cols):
        axes[j // cols][j % cols].axis("off")
    paths = out.get("paths")
    fig.suptitle(
        "Wealth at retirement with and without the sleeve"
        + (f" ({_count(paths)} paths per cohort)" if _value(paths) is not None else ""),
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def _fee_waterfall(payload: Mapping[str, Any]) -> Figure:
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    fees = _mapping(payload, "fees", "fees")
    rows = [r for r in _seq(fees.get("waterfall")) if isinstance(r, Mapping)]
    if not rows:
        raise _NoDataError(_missing_text(fees.get("missing")) or "fees.waterfall is empty")
    fig, ax = plt.subplots(figsize=(_WIDTH, 3.5))
    level = 0.0
    tops: list[float] = []
    for i, r in enumerate(rows):
        v = _value(r.get("value"))
        total = r.get("kind") == "total"
        if v is None:
            ax.text(i, level, "n/a", ha="center", va="bottom", fontsize=8)
            tops.append(level)
            continue
        bottom = 0.0 if total else level
        color = "#1f3a5f" if total else ("#c0392b" if v < 0 else "#2e8b57")
        ax.bar(i, v, bottom=bottom, color=color, edgecolor="black", lw=0.5, width=0.65)
        if i > 0:
            ax.plot([i - 1 + 0.33, i - 0.33], [level, level], color="0.5", lw=0.7, ls=":")
        level = v if total else level + v
        top = max(bottom, bottom + v)
        tops.append(top)
        ax.text(i, top, _pct(v, 2, signed=not total), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(rows)))
    wrap = 16 if len(rows) <= 6 else 11
    ax.set_xticklabels(
        [textwrap.fill(str(r.get("label", "")), wrap, break_long_words=False) for r in rows],
        fontsize=7,
    )
    ax.set_ylim(min(0.0, *tops), max([0.0, *tops]) * 1.15 or 0.01)
    _pct_axis(ax, digits=1)
    ax.set_ylabel("return (% a year)")
    ax.set_title("From gross to net: what each fee layer takes, % a year")
    ax.axhline(0.0, color="black", lw=0.8)
    ax.legend(
        handles=[
            Patch(color="#1f3a5f", label="total"),
            Patch(color="#c0392b", label="layer takes away"),
            Patch(color="#2e8b57", label="layer adds"),
        ],
        loc="upper right",
        frameon=False,
    )
    ax.grid(axis="x", visible=False)
    fig.tight_layout()
    return fig


def _stress(payload: Mapping[str, Any]) -> Figure:
    import matplotlib.pyplot as plt

    liq = _mapping(payload, "liquidity", "liquidity")
    scen = [
        s
        for s in _seq(liq.get("stress"))
        if isinstance(s, Mapping) and isinstance(s.get("path"), Mapping) and s["path"].get("dates")
    ]
    if not scen:
        raise _NoDataError(
            _missing_text(liq.get("missing")) or "liquidity.stress has no scenario paths"
        )
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(_WIDTH, 4.6), sharex=True, layout="constrained"
    )
    for i, s in enumerate(scen):
        path = s["path"]
        d = _dates(path["dates"])
        days = (d - d[0]).astype(np.int64)
        name = str(s.get("name") or s.get("scenario") or f"scenario {i + 1}")
        for ax, key in ((top, "private_share"), (bottom, "cash_share")):
            y = _floats(path.get(key))
            if len(y) == len(days):
                ax.plot(days, y, color=f"C{i % 10}", lw=1.5, label=name if ax is top else None)
    veh = payload.get("vehicle")
    cap = _value(veh.get("private_max")) if isinstance(veh, Mapping) else None
    if cap is not None:
        top.axhline(cap, color="#c0392b", ls="--", lw=1.2, label=f"vehicle cap {_pct(cap, 0)}")
    top.set_title("Stress replays: private share and cash share of net assets")
    top.set_ylabel("private share (%)")
    bottom.set_ylabel("cash share (%)")
    bottom.set_xlabel("calendar days from the scenario's first day")
    _pct_axis(top, digits=1)
    _pct_axis(bottom, digits=1)
    top.set_ylim(bottom=0.0)
    bottom.set_ylim(bottom=0.0)
    handles, labels = top.get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncol=min(3, len(labels)),
        fontsize=7.5,
        frameon=False,
    )
    return fig


def _nav(payload: Mapping[str, Any]) -> Figure:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    val = _mapping(payload, "valuation", "valuation")
    h = _mapping(val, "nav_history", "valuation.nav_history")
    x = _dates(h.get("dates"))
    est = _floats(h.get("estimate"))
    if len(x) == 0 or len(est) != len(x):
        raise _NoDataError(_missing_text(h.get("missing")) or "valuation.nav_history is empty")
    fig, ax = plt.subplots(figsize=(_WIDTH, 3.4))
    lo, hi = _floats(h.get("lower")), _floats(h.get("upper"))
    if len(lo) == len(x) and len(hi) == len(x):
        ax.fill_between(x, lo, hi, color="#1f77b4", alpha=0.18, lw=0, label="estimate range")
    stale = _floats(h.get("stale"))
    if len(stale) == len(x):
        ax.step(x, stale, where="post", color="0.55", lw=1.1, label="stale NAV (last GP report)")
    ax.plot(x, est, color="#1f3a5f", lw=1.5, label="daily estimate")
    marks = [m for m in _seq(h.get("gp_marks")) if isinstance(m, Mapping)]
    mx = [m.get("date") for m in marks if m.get("date") and _value(m.get("nav")) is not None]
    my = [float(m["nav"]) for m in marks if m.get("date") and _value(m.get("nav")) is not None]
    if mx:
        ax.scatter(_dates(mx), my, color="black", s=14, zorder=5, label="GP-reported NAV")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v / 1e6:,.0f}m"))
    ax.set_ylabel("private sleeve NAV ($m)")
    ax.set_xlabel("date")
    ax.set_title("Private sleeve NAV: daily estimate, stale NAV and GP marks")
    ax.legend(fontsize=7.5, frameon=False, loc="best")
    fig.tight_layout()
    return fig


def _private_share(payload: Mapping[str, Any]) -> Figure:
    import matplotlib.pyplot as plt

    alloc = _mapping(payload, "allocation", "allocation")
    h = _mapping(alloc, "history", "allocation.history")
    x = _dates(h.get("dates"))
    share = _floats(h.get("private_share"))
    if len(x) == 0 or len(share) != len(x):
        raise _NoDataError(_missing_text(h.get("missing")) or "allocation.history is empty")
    fig, ax = plt.subplots(figsize=(_WIDTH, 3.0))
    ax.plot(x, share, color="#1f3a5f", lw=1.6, label="private share")
    styles: tuple[tuple[str, dict[str, Any]], ...] = (
        ("cap", {"color": "#c0392b", "ls": "--", "lw": 1.3}),
        ("target", {"color": "0.5", "ls": "-", "lw": 1.1}),
    )
    for key, style in styles:
        y = _floats(h.get(key))
        if len(y) == len(x):
            ax.plot(x, y, label=key, **style)
        elif _value(alloc.get(key)) is not None:
            ax.axhline(float(alloc[key]), label=key, **style)
    _pct_axis(ax, digits=1)
    ax.set_ylim(bottom=0.0)
    ax.set_ylabel("share of net assets (%)")
    ax.set_xlabel("date")
    ax.set_title("Private share of net assets against the cap and the target")
    ax.legend(fontsize=7.5, frameon=False, loc="lower right")
    fig.tight_layout()
    return fig


_DRAW: dict[str, Callable[[Mapping[str, Any]], Figure]] = {
    "growth": _growth,
    "outcomes": _outcomes,
    "fee-waterfall": _fee_waterfall,
    "stress": _stress,
    "nav": _nav,
    "private-share": _private_share,
}


def _placeholder(name: str, reason: str) -> Figure:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(_WIDTH, 0.9))
    ax.axis("off")
    ax.set_title(name, fontsize=9, color="0.35", loc="left")
    ax.text(
        0.5,
        0.45,
        textwrap.shorten(f"no data: {reason}", 150),
        ha="center",
        va="center",
        fontsize=10,
        color="0.35",
        transform=ax.transAxes,
    )
    return fig


def _svg(fig: Figure, title: str, description: str) -> str:
    """The figure as SVG text (the title and description also go in the SVG's metadata)."""
    buf = io.StringIO()
    meta = {"Date": None, "Title": title, "Description": description}
    fig.savefig(buf, format="svg", metadata=meta, bbox_inches="tight")
    return buf.getvalue()


def chart_svgs(payload: Mapping[str, Any]) -> dict[str, str]:
    """Draw the charts of :data:`CHARTS` from the payload, as SVG text.

    A chart whose data are missing, empty or malformed is drawn as a small placeholder saying
    ``no data: <reason>`` (never raises for bad data; the reason is also the SVG's
    description). Deterministic: the same payload gives the same text (fixed SVG hash salt, no
    date in the metadata).

    Parameters
    ----------
    payload : Mapping
        The evidence payload.

    Returns
    -------
    dict of str to str
        Chart name (each of :data:`CHARTS`) to its SVG document.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out: dict[str, str] = {}
    with matplotlib.rc_context(_RC):
        for name in CHARTS:
            description = _CHART_TEXT[name][0]
            before = set(plt.get_fignums())
            try:
                fig = _DRAW[name](payload)
            except _NoDataError as exc:
                description = f"no data: {exc}"
                fig = _placeholder(name, str(exc))
            except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
                for num in set(plt.get_fignums()) - before:
                    plt.close(num)
                description = f"no data: the payload's data could not be drawn ({exc})"
                fig = _placeholder(name, description.removeprefix("no data: "))
            try:
                out[name] = _svg(fig, name, description)
            finally:
                plt.close(fig)
    return out


# -- HTML -------------------------------------------------------------------------------------
def _environment(*, strict: bool = False) -> jinja2.Environment:
    """The template's environment; ``strict`` makes a key the payload lacks an error (tests)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("altsleeve", "report/templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined if strict else _NotAvailable,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        pct=_pct,
        bp=_bp,
        money=_money,
        ratio=_ratio,
        num=_num,
        count=_count,
        unit=_by_unit,
        missing=_missing_text,
        weights=_weights,
        label=_label,
    )
    return env


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


_PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="540" height="40" viewBox="0 0 540 40">'
    '<text x="270" y="24" text-anchor="middle" font-family="sans-serif" font-size="13" '
    'fill="#595959">no data: chart not drawn</text></svg>'
)


def _rows(x: Any) -> list[Mapping[str, Any]]:
    return [r for r in _seq(x) if isinstance(r, Mapping)]


def _quantiles(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The outcome table's columns: p10, p50, p90 (p5 and p95 where the payload has those)."""
    cohorts = _rows(_sub(_sub(payload, "performance"), "outcomes").get("cohorts"))
    keys = {k for c in cohorts for w in ("wealth_with", "wealth_without") for k in _sub(c, w)}
    low = "p10" if "p10" in keys or "p5" not in keys else "p5"
    high = "p90" if "p90" in keys or "p95" not in keys else "p95"
    return [(low, f"{low[1:]}th percentile"), ("p50", "median"), (high, f"{high[1:]}th percentile")]


def _breakeven_cell(key: str, x: Any, unit: Any) -> str:
    if key == "value":
        return _by_unit(x, unit or "bp")
    if key.endswith("_bp"):
        return _bp(x, 1)
    if key.startswith("required") or "return" in key or key.endswith("share"):
        return _pct(x)
    if isinstance(x, str):
        return x
    return _num(x)


def _breakeven(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The break-even rows as a table: ``label`` first, then the row's other keys in order."""
    rows = _rows(_sub(_sub(payload, "fees"), "breakeven").get("rows"))
    keys: list[str] = []
    for r in rows:
        keys += [str(k) for k in r if k not in ("label", "unit") and str(k) not in keys]
    heads = {
        "value": "break-even",
        "excess_bp": "gross excess needed",
        "increment_bp": "layer adds",
        "required_gross": "sleeve gross return needed",
        "required_net": "sleeve net return needed",
    }
    return {
        "columns": ["after layer", *[heads.get(k, _label(k.removesuffix("_bp"))) for k in keys]],
        "rows": [
            [
                str(r.get("label") or "n/a"),
                *[_breakeven_cell(k, r.get(k), r.get("unit")) for k in keys],
            ]
            for r in rows
        ],
    }


def _selections(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The rows the template shows from long lists (selection and order only, no figures)."""
    val = payload.get("valuation")
    val = val if isinstance(val, Mapping) else {}
    trueups = _rows(val.get("trueups"))
    top = sorted(trueups, key=lambda r: -abs(_value(r.get("size")) or 0.0))[:20]
    stale = [
        r
        for r in _rows(val.get("staleness"))
        if _value(r.get("days")) is not None
        and _value(r.get("max_days")) is not None
        and float(r["days"]) > float(r["max_days"])
    ]
    stale.sort(key=lambda r: -float(r["days"]))
    return {
        "quantiles": _quantiles(payload),
        "breakeven": _breakeven(payload),
        "trueups_top": top,
        "trueups_more": len(trueups) - len(top),
        "stale_over": stale,
        "stale_rows": len(_rows(val.get("staleness"))),
    }


def _render(payload: Mapping[str, Any], charts: Mapping[str, str], *, strict: bool) -> str:
    figures = {
        name: {
            "id": f"chart-{name}",
            "src": _data_uri(charts.get(name) or _PLACEHOLDER_SVG),
            "alt": _CHART_TEXT[name][0],
            "caption": _CHART_TEXT[name][1],
        }
        for name in CHARTS
    }
    template = _environment(strict=strict).get_template(TEMPLATE)
    return template.render(
        p=payload,
        charts=figures,
        sections=SECTIONS,
        headings=_HEADINGS,
        sel=_selections(payload),
    )


def render_html(payload: Mapping[str, Any], charts: Mapping[str, str]) -> str:
    """The self-contained HTML report (one ``<section>`` per entry of :data:`SECTIONS`).

    Parameters
    ----------
    payload : Mapping
        The evidence payload. Nulls, and keys it lacks, are shown as ``n/a``.
    charts : Mapping
        Chart name to SVG text (:func:`chart_svgs`); embedded as ``data:`` URIs. A chart not
        given is shown as a placeholder.

    Returns
    -------
    str
        The HTML document: inline CSS, no scripts, nothing loaded from the network.
    """
    return _render(payload, charts, strict=False)


# -- files ------------------------------------------------------------------------------------
def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def write_pdf(html: str, path: Path) -> str | None:
    """Print the HTML to a PDF with WeasyPrint.

    Parameters
    ----------
    html : str
        The document (:func:`render_html`).
    path : Path
        Where to write the PDF.

    Returns
    -------
    str or None
        None when written; otherwise one line saying why not (WeasyPrint missing, or a system
        library it needs such as pango missing). Never raises for those.
    """
    try:
        from weasyprint import HTML
    except ImportError as exc:
        return (
            f"PDF not written: WeasyPrint is not installed ({_one_line(exc)}); "
            "the HTML and JSON are complete."
        )
    except OSError as exc:
        return (
            f"PDF not written: WeasyPrint needs the system library pango ({_one_line(exc)}); "
            "the HTML and JSON are complete."
        )
    try:
        HTML(string=html).write_pdf(path)
    except OSError as exc:
        return f"PDF not written: {_one_line(exc)}; the HTML and JSON are complete."
    return None


@dataclass(frozen=True)
class ReportFiles:
    """The files :func:`write_report` wrote.

    Attributes
    ----------
    html : Path
        ``evidence.html``.
    json : Path
        ``evidence.json``.
    pdf : Path or None
        ``evidence.pdf``; None when not asked for or not written.
    pdf_note : str or None
        Why the PDF was not written (one line), else None.
    """

    html: Path
    json: Path
    pdf: Path | None
    pdf_note: str | None

    def summary(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The files and the payload's check counts: what ``report --json`` prints."""
        head = payload["summary"]
        return {
            "html": str(self.html),
            "pdf": None if self.pdf is None else str(self.pdf),
            "json": str(self.json),
            "pdf_note": self.pdf_note,
            "counts": head["status_counts"],
            "triggers_fired": head["triggers_fired"],
        }


def write_report(payload: Mapping[str, Any], out_dir: Path, *, pdf: bool = True) -> ReportFiles:
    """Write ``evidence.json``, ``evidence.html`` and ``evidence.pdf`` into ``out_dir``.

    The HTML and PDF are rendered from the JSON as written (so NaN shows as ``n/a`` in both).
    An ``evidence.pdf`` left from an earlier run is removed when no PDF is written, so the
    folder never holds a PDF that disagrees with the JSON.

    Parameters
    ----------
    payload : Mapping
        The evidence payload.
    out_dir : Path
        The folder (created if needed).
    pdf : bool
        Whether to print the PDF.

    Returns
    -------
    ReportFiles
        The paths written and, when the PDF could not be printed, why.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    text = payload_json(payload)
    data: dict[str, Any] = json.loads(text)
    json_path = out_dir / "evidence.json"
    json_path.write_text(text, encoding="utf-8")
    html = render_html(data, chart_svgs(data))
    html_path = out_dir / "evidence.html"
    html_path.write_text(html, encoding="utf-8")
    pdf_path: Path | None = out_dir / "evidence.pdf"
    note: str | None = None
    if pdf:
        note = write_pdf(html, out_dir / "evidence.pdf")
    if not pdf or note is not None:
        (out_dir / "evidence.pdf").unlink(missing_ok=True)
        pdf_path = None
    return ReportFiles(html=html_path, json=json_path, pdf=pdf_path, pdf_note=note)
