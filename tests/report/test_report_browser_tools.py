"""The browser and PDF-page helpers, on a tiny page and a two-page PDF made here."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from PIL import Image

from tests.report import browser
from tests.report.browser import pdf_pages, render_page, require_chromium, require_poppler

# A 120x60 orange box; the screenshot must contain its colour once it has painted.
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">'
    '<rect width="120" height="60" fill="#ff8000"/></svg>'
)
SVG_URI = "data:image/svg+xml;base64," + base64.b64encode(SVG.encode()).decode()

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tiny report</title></head>
<body>
<section id="summary"><h2>Summary</h2><p>Private share 10.0 % – within policy ✓</p>
  <figure class="chart" id="nav-chart"><img src="{svg}" alt="NAV"></figure>
</section>
<section id="liquidity"><h2>Liquidity</h2><p>Coverage 18.0× at 3 business days</p>
{extra}
</section>
</body></html>
"""


def write_page(tmp_path: Path, extra: str = "") -> Path:
    html = tmp_path / "page.html"
    html.write_text(PAGE.format(svg=SVG_URI, extra=extra), encoding="utf-8")
    return html


def test_render_page_finds_sections_figures_and_no_failures(tmp_path: Path) -> None:
    require_chromium()
    shot = tmp_path / "shots" / "page.png"
    check = render_page(write_page(tmp_path), shot, width=800)

    assert check.title == "Tiny report"
    assert check.section_ids == ["summary", "liquidity"]
    assert check.figure_ids == ["nav-chart"]
    assert check.broken_images == []
    assert check.failed_requests == []
    assert check.external_requests == []
    assert check.console_errors == []
    assert "Private share 10.0 %" in check.text
    assert "Coverage 18.0×" in check.text

    assert check.screenshot == shot
    with Image.open(shot) as img:
        assert img.width == 800
        colours = {c for _, c in img.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert (255, 128, 0) in colours, "the inline SVG chart was not painted"


def test_render_page_reports_broken_images_and_external_requests(tmp_path: Path) -> None:
    require_chromium()
    extra = (
        '<figure class="chart" id="missing"><img src="charts/missing.png" alt="gone"></figure>'
        '<img src="https://example.invalid/logo.png" alt="remote">'
    )
    check = render_page(write_page(tmp_path, extra), tmp_path / "page.png")

    assert check.figure_ids == ["nav-chart", "missing"]
    assert check.broken_images == ["charts/missing.png", "https://example.invalid/logo.png"]
    assert check.external_requests == ["https://example.invalid/logo.png"]
    failed = "\n".join(check.failed_requests)
    assert "charts/missing.png" in failed
    assert "https://example.invalid/logo.png" in failed
    assert len(check.console_errors) == 2  # one "Failed to load resource" per image


def test_pdf_pages_renders_each_page_and_reads_the_text(tmp_path: Path) -> None:
    require_poppler()
    from weasyprint import HTML

    pdf = tmp_path / "tiny.pdf"
    HTML(
        string=(
            "<html><body><h1>First page</h1>"
            '<h1 style="break-before: page">Second page</h1></body></html>'
        )
    ).write_pdf(pdf)

    pages, text = pdf_pages(pdf, tmp_path / "pages")

    assert [p.name for p in pages] == ["page-1.png", "page-2.png"]
    for page in pages:
        with Image.open(page) as img:
            assert img.width > 100 and img.height > img.width  # A4 portrait at 40 dpi
    assert text.count("\f") == 2  # pdftotext ends every page with a form feed
    first, second = text.split("\f")[:2]
    assert "First page" in first and "Second page" in second


def test_pdf_pages_raises_with_the_tools_message(tmp_path: Path) -> None:
    require_poppler()
    bad = tmp_path / "not.pdf"
    bad.write_text("not a pdf", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"pdftoppm .* failed"):
        pdf_pages(bad, tmp_path / "pages")


def test_require_chromium_skips_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    with pytest.raises(pytest.skip.Exception, match="headless Chromium not installed"):
        require_chromium()


def test_require_poppler_skips_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(pytest.skip.Exception, match="pdftoppm, pdftotext not found"):
        require_poppler()
