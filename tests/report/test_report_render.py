"""The evidence report renderer: JSON, charts, HTML, PDF, from a hand-made payload."""

from __future__ import annotations

import base64
import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from altsleeve.views import evidence as er
from altsleeve.views.evidence import (
    CHARTS,
    SECTIONS,
    chart_svgs,
    payload_json,
    render_html,
    write_pdf,
    write_report,
)
from tests.report.evidence_fixture import sample_payload

DATA_URI = re.compile(r'src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"')


@pytest.fixture(scope="module")
def charts() -> dict[str, str]:
    return chart_svgs(sample_payload())


@pytest.fixture(scope="module")
def html(charts: dict[str, str]) -> str:
    return render_html(sample_payload(), charts)


def text_of(doc: str) -> str:
    """The HTML without its embedded images (base64 can spell anything)."""
    return DATA_URI.sub('src=""', doc)


def section(doc: str, sid: str) -> str:
    m = re.search(rf'<section id="{sid}"[^>]*>(.*?)</section>', doc, re.S)
    assert m, sid
    return m.group(1)


def row_with(doc: str, label: str) -> str:
    m = re.search(rf"<tr>(?:(?!</tr>).)*{re.escape(label)}(?:(?!</tr>).)*</tr>", doc, re.S)
    assert m, label
    return m.group(0)


# -- JSON -------------------------------------------------------------------------------------
def test_payload_json_is_byte_identical_sorted_and_finite() -> None:
    p = sample_payload()
    p["performance"]["excess"]["1y"] = float("nan")
    p["fees"]["total_drag_bp"] = float("inf")
    a, b = payload_json(p), payload_json(copy.deepcopy(p))
    assert a == b
    assert a.endswith("}\n")
    data = json.loads(a)
    assert a == json.dumps(data, indent=2, sort_keys=True, allow_nan=False) + "\n"
    assert data["performance"]["excess"]["1y"] is None
    assert data["fees"]["total_drag_bp"] is None
    assert p["fees"]["total_drag_bp"] == float("inf")  # the payload itself is not changed
    # insertion order does not matter
    reordered = dict(reversed(list(sample_payload().items())))
    assert payload_json(reordered) == payload_json(sample_payload())


def test_payload_json_cleans_nested_lists_and_tuples() -> None:
    text = payload_json({"a": [1.0, float("-inf"), (float("nan"), 2)], "b": {"c": None}})
    assert json.loads(text) == {"a": [1.0, None, [None, 2]], "b": {"c": None}}


# -- formatting -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fn", "args", "want"),
    [
        (er._pct, (0.0772,), "7.72%"),
        (er._pct, (-0.013, 2, True), "-1.30%"),
        (er._pct, (0.002, 2, True), "+0.20%"),
        (er._pct, (None,), "n/a"),
        (er._pct, (float("nan"),), "n/a"),
        (er._bp, (123.4,), "123 bp"),
        (er._bp, (483.8, 1), "483.8 bp"),
        (er._bp, (None,), "n/a"),
        (er._money, (5.4339e9,), "$5,433.9m"),
        (er._money, (12345.4,), "$12,345"),
        (er._money, (-2.5e6,), "-$2.5m"),
        (er._money, (None,), "n/a"),
        (er._ratio, (1.234,), "1.23x"),
        (er._ratio, (None,), "n/a"),
        (er._num, (1234,), "1,234"),
        (er._num, (1.5,), "1.50"),
        (er._num, (None,), "n/a"),
        (er._by_unit, (0.0772, "share"), "7.72%"),
        (er._by_unit, (123.0, "bp"), "123 bp"),
        (er._by_unit, (1.234, "ratio"), "1.23x"),
        (er._by_unit, (184.0, "days"), "184"),
        (er._by_unit, (5, "count"), "5"),
        (er._by_unit, (None, "share"), "n/a"),
    ],
)
def test_filters(fn: Any, args: tuple[Any, ...], want: str) -> None:
    assert fn(*args) == want


# -- charts -----------------------------------------------------------------------------------
def test_chart_svgs_six_deterministic_svgs(charts: dict[str, str]) -> None:
    assert tuple(charts) == CHARTS
    for name, svg in charts.items():
        assert svg.lstrip().startswith("<?xml"), name
        assert "<svg" in svg and svg.rstrip().endswith("</svg>"), name
        assert "no data" not in svg, name
        assert "<dc:date>" not in svg, name
    assert chart_svgs(sample_payload()) == charts


def test_chart_svgs_placeholders_for_empty_or_missing_data() -> None:
    p = sample_payload()
    p["performance"]["growth"] = {"dates": [], "lines": {}}
    p["performance"]["outcomes"]["cohorts"] = []
    p["fees"]["waterfall"] = None
    p["liquidity"]["stress"] = []
    del p["valuation"]["nav_history"]
    p["allocation"] = None
    svgs = chart_svgs(p)
    assert tuple(svgs) == CHARTS
    for name, svg in svgs.items():
        assert "no data:" in svg, name
        assert "<svg" in svg


def test_chart_svgs_cope_with_a_bare_payload_and_bad_data() -> None:
    assert all("no data:" in s for s in chart_svgs({}).values())
    p = sample_payload()
    p["performance"]["growth"]["lines"]["broken"] = [1.0, 2.0]  # wrong length
    p["allocation"]["history"]["dates"] = ["not a date"] * 120
    svgs = chart_svgs(p)
    assert "could not be drawn" in svgs["growth"]
    assert "could not be drawn" in svgs["private-share"]
    assert "no data" not in svgs["nav"]


def test_chart_placeholder_uses_the_payloads_missing_reason() -> None:
    p = sample_payload()
    p["valuation"]["nav_history"] = None
    p["valuation"]["missing"] = {"nav_history": "no holdings valued before 2018"}
    assert "no data: no holdings valued before 2018" in chart_svgs(p)["nav"]


def test_chart_svgs_close_their_figures() -> None:
    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    chart_svgs(sample_payload())
    chart_svgs({})
    assert len(plt.get_fignums()) == before


# -- HTML -------------------------------------------------------------------------------------
def test_html_sections_in_order_each_with_a_heading(html: str) -> None:
    ids = re.findall(r'<section id="([^"]+)"', html)
    assert tuple(ids) == SECTIONS
    for sid in SECTIONS:
        assert "<h2>" in section(html, sid), sid


def test_html_embeds_every_chart_as_a_data_uri_in_its_section(html: str) -> None:
    where = {
        "growth": "performance",
        "outcomes": "performance",
        "fee-waterfall": "fees",
        "stress": "liquidity",
        "nav": "valuation",
        "private-share": "allocation",
    }
    for name in CHARTS:
        body = section(html, where[name])
        m = re.search(
            rf'<figure class="chart" id="chart-{name}">\s*<img alt="[^"]+" '
            r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)">\s*<figcaption>[^<]+</figcaption>',
            body,
        )
        assert m, name
        assert base64.b64decode(m.group(1)).decode("utf-8").lstrip().startswith("<?xml")


def test_html_is_self_contained(html: str) -> None:
    for attr in re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', html):
        assert not attr.startswith(("http:", "https:", "//")), attr
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert "@import" not in html
    assert "@page" in html and "A4" in html


def test_html_shows_the_figures(html: str) -> None:
    t = text_of(html)
    banner = t.split('<section id="summary"')[0]
    assert 'class="banner"' in banner and "SYNTHETIC: private fund statements" in banner
    summary = section(t, "summary")
    for s in ("Plan investment committee", "2018-06-30", "2018-12-31", "Five GP true-ups"):
        assert s in summary
    perf = section(t, "performance")
    assert "-38.00%" in perf and "+0.50%" in perf and "1.05x" in perf
    assert "$1,200.0m" in perf and "$1.25m" in perf and "-1.30%" in perf
    fees = section(t, "fees")
    assert "483.8 bp" in fees and "156.9 bp" in fees and "450 bp" in fees
    liq = section(t, "liquidity")
    assert "$5,433.9m" in liq and "25.10x" in liq and "Global financial crisis 2008-09" in liq
    checks = section(t, "checks")
    row = row_with(checks, "allocation.private_max")
    assert "7.72%" in row and "15.00%" in row and "status-pass" in row and ">pass<" in row
    assert "410 bp" in row_with(checks, "fees.private_layers_max_bp")
    assert "25.10x" in row_with(checks, "liquidity.coverage_min")
    row = row_with(checks, "valuation.max_staleness_days")
    assert ">184<" in row and "status-fail" in row and ">fail<" in row
    triggers = section(t, "triggers")
    assert ">yes<" in row_with(triggers, "monitoring.trueup_trigger")
    assert ">no<" in row_with(triggers, "monitoring.cap_breach")
    app = section(t, "appendix")
    assert "<pre>altsleeve report --db /data/ledger.duckdb" in app
    assert "cd" * 32 in app and "3.11.7" in app and "SP500" in app
    assert "Evidence" in section(t, "valuation")


def test_html_nulls_are_na_with_the_reason(charts: dict[str, str]) -> None:
    p = sample_payload()
    p["liquidity"]["cash_share"] = None
    p["performance"]["private_book"]["ks_pme"] = None
    t = text_of(render_html(p, charts))
    assert "n/a" in row_with(section(t, "liquidity"), "Cash share")
    row = row_with(section(t, "checks"), "performance.ks_pme_min")
    assert "n/a" in row and "fewer than 3 years of cash flows" in row
    assert "None" not in t


def test_html_trueups_capped_and_only_stale_rows_past_their_limit(html: str) -> None:
    val = section(text_of(html), "valuation")
    assert "5 more in the JSON" in val
    # sizes +-0.004 * (i + 1), i = 0..24: the 20 largest by absolute size are i = 5..24
    assert "+10.00%" in val and "-2.40%" in val
    assert "+0.40%" not in val and "-0.80%" not in val and "+2.00%" not in val
    stale = val.split("Stale statements")[1]
    assert "VC-02" in stale and "BO-01" not in stale
    assert "1 of 2 holdings" in stale


def test_html_adapts_to_the_quantiles_and_breakeven_columns_given(
    charts: dict[str, str],
) -> None:
    p = sample_payload()
    for c in p["performance"]["outcomes"]["cohorts"]:
        for w in (c["wealth_with"], c["wealth_without"]):
            w["p5"], w["p95"] = w.pop("p10"), w.pop("p90")
    p["fees"]["breakeven"]["rows"] = [
        {"label": "fund management", "excess_bp": 205.9, "increment_bp": 210.9,
         "required_gross": 0.1169},
    ]  # fmt: skip
    t = text_of(render_html(p, charts))
    perf = section(t, "performance")
    assert "5th percentile" in perf and "95th percentile" in perf and "10th" not in perf
    assert "$687,500" in perf  # the 5th percentile of the first cohort without the sleeve
    row = row_with(section(t, "fees"), ">fund management<")
    assert "205.9 bp" in row and "210.9 bp" in row and "11.69%" in row


def test_html_escapes_payload_text(charts: dict[str, str]) -> None:
    p = sample_payload()
    p["title"] = "<script>alert(1)</script> & co"
    doc = render_html(p, charts)
    assert "<script>" not in doc
    assert "&lt;script&gt;" in doc and "&amp; co" in doc


def test_html_without_synthetic_note_has_no_banner(charts: dict[str, str]) -> None:
    p = sample_payload()
    p["synthetic_note"] = None
    assert 'class="banner"' not in render_html(p, charts)


def test_html_template_only_uses_schema_keys(charts: dict[str, str]) -> None:
    """A strict render of the full fixture: any key the template needs is in the schema."""
    assert er._render(sample_payload(), charts, strict=True) == render_html(
        sample_payload(), charts
    )


def test_html_renders_a_sparse_payload() -> None:
    p: dict[str, Any] = {"schema": "altsleeve.evidence/1", "title": "Bare", "valuation": None}
    doc = render_html(p, chart_svgs(p))
    assert tuple(re.findall(r'<section id="([^"]+)"', doc)) == SECTIONS
    assert len(DATA_URI.findall(doc)) == len(CHARTS)
    assert "n/a" in doc
    # a chart missing from the mapping still gets its figure
    doc = render_html(sample_payload(), {})
    assert len(re.findall(r'<figure class="chart" id="chart-', doc)) == len(CHARTS)
    assert len(DATA_URI.findall(doc)) == len(CHARTS)


# -- files ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_write_report_writes_json_html_pdf(tmp_path: Path) -> None:
    files = write_report(sample_payload(), tmp_path / "out")
    assert files.json == tmp_path / "out" / "evidence.json"
    assert files.json.read_text(encoding="utf-8") == payload_json(sample_payload())
    assert files.html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert files.pdf_note is None
    assert files.pdf is not None and files.pdf.read_bytes().startswith(b"%PDF")


def test_write_report_without_pdf(tmp_path: Path) -> None:
    (tmp_path / "evidence.pdf").write_bytes(b"%PDF stale")
    files = write_report(sample_payload(), tmp_path, pdf=False)
    assert files.pdf is None and files.pdf_note is None
    assert not (tmp_path / "evidence.pdf").exists()
    assert files.html.exists() and files.json.exists()


def test_write_pdf_without_weasyprint_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    note = write_pdf("<html></html>", tmp_path / "x.pdf")
    assert note is not None and note.startswith("PDF not written")
    assert "\n" not in note and "HTML and JSON are complete" in note
    assert not (tmp_path / "x.pdf").exists()
    files = write_report({"title": "Bare"}, tmp_path / "r")
    assert files.pdf is None and files.pdf_note is not None
    assert files.pdf_note.startswith("PDF not written")
    assert files.html.exists() and files.json.exists()
