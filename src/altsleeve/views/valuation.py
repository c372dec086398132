"""The valuation testing pack on paper: CSV tables, the board summary and the annual assessment.

Owns turning the pack (:meth:`altsleeve.workflows.ValuationTestResult.to_dict`) into files: one
CSV per table (``coverage.csv``, ``arrivals.csv``, ``bias-by-class.csv``, ``bias-by-days.csv``,
``challenges.csv``, ``failures.csv``), the quarterly board summary and the annual assessment of
the methodology as Markdown (jinja2 templates ``report/templates/valuation-*.md.j2``) and as
self-contained HTML (the Markdown rendered by markdown-it). Must not read the ledger nor compute
figures: every number comes from the pack; the renderer only formats (percentages of log
errors, dollars).
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from altsleeve.views import format as fmt

#: CSV files written by :func:`write_tables`, by pack key.
TABLES: dict[str, str] = {
    "coverage": "coverage.csv",
    "arrivals": "arrivals.csv",
    "bias_by_class": "bias-by-class.csv",
    "bias_by_days": "bias-by-days.csv",
    "challenges": "challenges.csv",
    "failures": "failures.csv",
}

_CSS = (
    "body{font-family:sans-serif;max-width:70em;margin:2em auto;line-height:1.4}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.2em .5em;"
    "text-align:left;font-size:90%}th{background:#eee}"
)


def _pct(x: Any) -> str:
    return fmt.pct(x, 1, True)


def _share(x: Any) -> str:
    return fmt.pct(x, 1)


def _money(x: Any) -> str:
    return fmt.money(x, millions_from=1e5)


def _params(p: Mapping[str, Any]) -> str:
    keys = [k for k in p if k not in ("prior", "pooled")]
    if not keys:
        return "-"
    return ", ".join(f"{k} {p[k]:.3g}" if isinstance(p[k], float) else f"{k} {p[k]}" for k in keys)


def _changed(c: Mapping[str, Mapping[str, Any]]) -> str:
    if not c:
        return "none"
    out = []
    for k, v in c.items():
        a, b = v.get("from"), v.get("to")
        if isinstance(a, float) and isinstance(b, float):
            out.append(f"{k} {a:.3g} -> {b:.3g}")
        else:
            out.append(f"{k} {a} -> {b}")
    return "; ".join(out)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("altsleeve", "report/templates"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(
        money=_money, params=_params, changed=_changed, pct=_pct, share=_share, mag=_share
    )
    return env


def _render(template: str, pack: Mapping[str, Any], title: str, command: str) -> str:
    env = _environment()
    kinds = Counter(str(f["kind"]) for f in pack.get("failures", []))
    return env.get_template(template).render(
        p=pack,
        s=pack["summary"],
        title=title,
        command=command,
        failure_counts=dict(sorted(kinds.items())),
    )


def board_summary(
    pack: Mapping[str, Any],
    *,
    title: str = "Valuation testing",
    command: str = "altsleeve valuation test",
) -> str:
    """The quarterly board summary of a pack, Markdown."""
    return _render("valuation-board-summary.md.j2", pack, title, command)


def annual_assessment(
    pack: Mapping[str, Any],
    *,
    title: str = "Valuation testing",
    command: str = "altsleeve valuation test --period A",
) -> str:
    """The annual assessment of the methodology from a year's pack, Markdown."""
    return _render("valuation-annual-assessment.md.j2", pack, title, command)


def to_html(markdown: str, title: str) -> str:
    """A Markdown document as one self-contained HTML page (no external resources)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark").enable("table").render(markdown)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>\n<body>\n"
        f"{body}</body></html>\n"
    )


def _csv_value(v: Any) -> Any:
    if isinstance(v, dict | list):
        return json.dumps(v, sort_keys=True)
    return v


def write_tables(pack: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """One CSV per table of the pack (:data:`TABLES`); dicts (parameters) as JSON text."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for key, name in TABLES.items():
        rows = [{k: _csv_value(v) for k, v in r.items()} for r in pack.get(key, [])]
        path = out_dir / name
        pd.DataFrame(rows).to_csv(path, index=False, lineterminator="\n")
        files.append(path)
    return files


def write_documents(
    pack: Mapping[str, Any],
    out_dir: Path,
    *,
    annual: Mapping[str, Any] | None = None,
    command: str = "altsleeve valuation test",
) -> list[Path]:
    """``board-summary.md``/``.html`` of the pack and, given a year's pack, the annual ones."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    docs = [("board-summary", board_summary(pack, command=command), "Valuation board summary")]
    if annual is not None:
        docs.append(
            (
                "annual-assessment",
                annual_assessment(annual, command=f"{command} --annual"),
                "Annual assessment of the valuation methodology",
            )
        )
    for stem, md, title in docs:
        (out_dir / f"{stem}.md").write_text(md, encoding="utf-8")
        (out_dir / f"{stem}.html").write_text(to_html(md, title), encoding="utf-8")
        files += [out_dir / f"{stem}.md", out_dir / f"{stem}.html"]
    return files


__all__ = [
    "TABLES",
    "annual_assessment",
    "board_summary",
    "to_html",
    "write_documents",
    "write_tables",
]
