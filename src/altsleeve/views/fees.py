"""The fee reports as terminal tables (rich): the stack layer by layer and the break-even.

Owns drawing the dicts that :mod:`altsleeve.fees` assembles
(:func:`~altsleeve.fees.fee_stack_report`,
:func:`~altsleeve.fees.breakeven_report`). Must not compute a figure the dict lacks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    pass


# -- rich tables ------------------------------------------------------------------------------
def _pct(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{100 * x:.{digits}f}%"


def _bp(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "-"
    return f"{x:+,.0f}" if signed else f"{x:,.0f}"


def _label(row: dict[str, Any]) -> str:
    level = {"fund": "fund", "fund of funds": "FoF", "vehicle": "vehicle"}.get(row["level"], "")
    return f"{level}: {row['name']}" if level else str(row["name"])


def _layers_table(
    title: str, gross_irr: float | None, rows: list[dict[str, Any]], *, terms: bool = True
) -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column("layer")
    if terms:
        t.add_column("basis")
    t.add_column("rate", justify="right")
    if terms:
        t.add_column("terms", overflow="fold", max_width=48)
    for c in ("$m", "bp/yr of NAV", "IRR after", "drag bp"):
        t.add_column(c, justify="right")

    def add(label: str, basis: str, rate: str, text: str, *figures: str) -> None:
        head = [label, basis, rate, text] if terms else [label, rate]
        t.add_row(*head, *figures)

    add("gross", "", "", "", "", "", _pct(gross_irr), "")
    total_d = total_bp = 0.0
    for r in rows:
        if not r["active"] and not r["dollars"]:
            add(_label(r), "-", "-", "none", "-", "-", _pct(r["irr_after"]), "-")
            continue
        total_d += r["dollars"] or 0.0
        total_bp += r["bp_per_year"] or 0.0
        add(
            _label(r),
            str(r["basis"]),
            str(r["rate"]),
            str(r["terms"]),
            f"{(r['dollars'] or 0.0) / 1e6:,.2f}",
            _bp(r["bp_per_year"]),
            _pct(r["irr_after"]),
            _bp(r["drag_bp"]),
        )
    net = rows[-1]["irr_after"] if rows else gross_irr
    drag = None if net is None or gross_irr is None else 1e4 * (gross_irr - net)
    add(
        "[bold]all layers[/bold]",
        "",
        "",
        "",
        f"[bold]{total_d / 1e6:,.2f}[/bold]",
        f"[bold]{_bp(total_bp)}[/bold]",
        f"[bold]{_pct(net)}[/bold]",
        f"[bold]{_bp(drag)}[/bold]",
    )
    return t


def render_stack(report: dict[str, Any], console: Console, *, routes: bool = True) -> None:
    """Print the fee stack: one table per fund (``routes``) and the pooled sleeve."""
    a = report["assumptions"]
    if routes:
        for r in report["routes"]:
            title = (
                f"{r['fund_id']} ({r['kind']}, {100 * r['weight']:.0f}% of the sleeve, "
                f"${r['size'] / 1e6:,.1f}m): gross {_pct(r['gross_irr'])} "
                f"({r['gross_multiple']:.2f}x) -> net {_pct(r['net_irr'])} "
                f"({r['net_multiple']:.2f}x)"
            )
            console.print(_layers_table(title, r["gross_irr"], r["layers"]))
            for note in r["notes"]:
                console.print(f"  note: {note}", markup=False)
    s = report["sleeve"]
    title = (
        f"Fee stack of {report['vehicle']}'s private sleeve (${a['sleeve_size'] / 1e6:,.0f}m, "
        f"{100 * a['private_weight']:.0f}% of assets): gross {_pct(s['gross_irr'])} -> net "
        f"{_pct(s['net_irr'])}, drag {_bp(s['total_drag_bp'])} bp a year"
    )
    console.print(_layers_table(title, s["gross_irr"], s["layers"], terms=False))
    console.print(
        "$m: dollars each layer takes over the life (undiscounted); bp/yr of NAV: those dollars "
        "over the gross NAV's dollar-years; IRR: XIRR ACT/365 of the investor's flows after the "
        "layer; drag: the IRR the layer costs. " + a["case"],
        markup=False,
    )


def render_breakeven(report: dict[str, Any], console: Console) -> None:
    """Print the break-even per layer, cumulative."""
    t = Table(
        title=(
            f"Break-even: gross excess return a year over the benchmark that {report['vehicle']}"
            f"'s private sleeve needs, after the layers down to each row"
        ),
        title_justify="left",
    )
    t.add_column("after layer")
    t.add_column("rate", justify="right")
    t.add_column("break-even bp/yr", justify="right")
    t.add_column("layer adds bp/yr", justify="right")
    t.add_column("sleeve gross needed", justify="right")
    t.add_column("sleeve net needed", justify="right")
    for r in report["rows"]:
        label = "no fees (gross)" if r["key"] == "gross" else _label(r)
        t.add_row(
            label,
            str(r["rate"]),
            _bp(r["excess_bp"], signed=True),
            "" if r["key"] == "gross" else _bp(r["increment_bp"], signed=True),
            _pct(r["required_gross"]),
            _pct(r["required_net"]),
        )
    console.print(t)
    console.print(
        f"Benchmark {report['benchmark']['text']}. Private weight "
        f"{100 * report['private_weight']:.0f}%; alternative: {report['alternative']}; "
        f"representative funds over {report['horizon_years']} years, evergreen path "
        f"{report['evergreen_path']}. Break-even: the vehicle's return equals the "
        "alternative's (docs/fees.md)."
        + (
            ""
            if report["same_wrapper"]
            else " The vehicle layers are charged on all the vehicle's assets, so the sleeve "
            "must also earn (1 - w) / w times their cost: a vehicle-level question."
        ),
        markup=False,
    )
    line = report.get("vehicle_vs_index_tdf")
    if line:
        console.print(f"Vehicle level: {line['text']}.", markup=False)


def render_fee_report(report: dict[str, Any], console: Console) -> None:
    """Print :func:`sample_fee_report`'s result: the pooled stack and the break-even."""
    render_stack(report["stack"], console, routes=False)
    render_breakeven(report["breakeven"], console)
