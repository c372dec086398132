"""Helpers for the report's browser and PDF-page tests (not a test module).

The HTML is rendered in the system's headless Chromium (Debian's ``chromium`` package,
``/usr/bin/chromium``) driven by Playwright for Python; Playwright's own browser
download (``playwright install``) is never used. PDF pages are turned into PNG files
with poppler's ``pdftoppm`` and their text is read with ``pdftotext``.
``scripts/install-test-tools`` (run by ``make test``) installs both with apt-get; where
it cannot, the tests that need them skip with a message that says so.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Request, Route

CHROMIUM = Path("/usr/bin/chromium")

# Flags for a closed network: no GPU, no QUIC, and none of the background traffic
# (component updates, sync, first-run pings) that would otherwise wait on timeouts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# URL schemes that never leave the machine; anything else counts as an external request.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

_SKIP_BROWSER = (
    "headless Chromium not installed (run scripts/install-test-tools as root: "
    "apt-get install chromium); browser test skipped"
)
_SKIP_POPPLER = (
    "poppler-utils not installed, pdftoppm/pdftotext missing (run "
    "scripts/install-test-tools as root: apt-get install poppler-utils); "
    "PDF-page test skipped"
)


def require_chromium() -> None:
    """Skip the calling test when the system Chromium or Playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{_SKIP_BROWSER} ({CHROMIUM} not found)")
    if importlib.util.find_spec("playwright") is None:
        pytest.skip(
            f"{_SKIP_BROWSER} (the Python package 'playwright' is missing: pip install -e '.[dev]')"
        )


def require_poppler() -> None:
    """Skip the calling test when pdftoppm or pdftotext is missing."""
    missing = [tool for tool in ("pdftoppm", "pdftotext") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{_SKIP_POPPLER} ({', '.join(missing)} not found)")


@dataclass
class PageCheck:
    """What a headless Chromium saw when it loaded one HTML file."""

    screenshot: Path
    section_ids: list[str]  # ``section[id]``, in document order
    figure_ids: list[str]  # ``figure.chart[id]``, in document order
    broken_images: list[str]  # ``<img>`` sources that did not load (cut to 100 chars)
    failed_requests: list[str]  # "url (error)"
    console_errors: list[str]
    external_requests: list[str]  # anything not file:/data:; aborted, never sent
    title: str
    text: str  # the body's rendered text


_COLLECT_JS = """() => ({
    sections: Array.from(document.querySelectorAll("section[id]"), (s) => s.id),
    figures: Array.from(document.querySelectorAll("figure.chart[id]"), (f) => f.id),
    broken: Array.from(document.images)
        .filter((img) => !(img.complete && img.naturalWidth > 0))
        .map((img) => (img.getAttribute("src") || "(no src)").slice(0, 100)),
})"""


def _short(url: str) -> str:
    return url if len(url) <= 200 else url[:200] + "..."


def render_page(html_path: Path, screenshot: Path, *, width: int = 1280) -> PageCheck:
    """Open ``html_path`` in headless Chromium, take a full-page screenshot, report.

    Requests that would leave the machine are recorded in ``external_requests`` and
    aborted (so a closed network does not turn into a timeout); they then also show in
    ``failed_requests``.
    """
    from playwright.sync_api import sync_playwright

    failed: list[str] = []
    external: list[str] = []
    console_errors: list[str] = []

    def on_request(request: Request) -> None:
        if not request.url.startswith(LOCAL_SCHEMES):
            external.append(_short(request.url))

    def on_failed(request: Request) -> None:
        failed.append(f"{_short(request.url)} ({request.failure})")

    def block(route: Route) -> None:
        route.abort("blockedbyclient")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.set_default_timeout(30_000)
            page.on("request", on_request)
            page.on("requestfailed", on_failed)
            page.on(
                "console",
                lambda msg: console_errors.append(msg.text) if msg.type == "error" else None,
            )
            page.on("pageerror", lambda exc: console_errors.append(f"uncaught: {exc}"))
            page.route(lambda url: not url.startswith(LOCAL_SCHEMES), block)
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            page.evaluate("() => document.fonts.ready.then(() => true)")
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
            found = page.evaluate(_COLLECT_JS)
            title = page.title()
            text = page.inner_text("body")
        finally:
            browser.close()

    return PageCheck(
        screenshot=screenshot,
        section_ids=list(found["sections"]),
        figure_ids=list(found["figures"]),
        broken_images=list(found["broken"]),
        failed_requests=failed,
        console_errors=console_errors,
        external_requests=external,
        title=title,
        text=text,
    )


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    if proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} failed with exit status {proc.returncode}:\n{proc.stderr.strip()}"
        )
    return proc


def pdf_pages(pdf: Path, out_dir: Path, *, dpi: int = 40) -> tuple[list[Path], str]:
    """Render every page of ``pdf`` to ``out_dir/page-N.png`` and read its text.

    Returns the PNG paths in page order and the text (``pdftotext -layout``; pages are
    separated by form feeds).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    _run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out_dir / "page")])
    text = _run(["pdftotext", "-layout", str(pdf), "-"]).stdout
    # pdftoppm pads the page number to the page count's width, so a plain sort is in order.
    return sorted(out_dir.glob("page-*.png")), text
