"""docs/own-book.md end to end: every ``$ altsleeve ...`` line of it, run as written.

The walk-through is the contract for a user with their own series and a book that starts in
2022: this module parses the commands of its ``console`` blocks, runs them in order through
:func:`altsleeve.cli.run` in a temporary folder holding a copy of ``docs/own-book/`` (so the
doc's relative paths work unchanged), and checks each exit status and that the doc's output
lines appear in what the command printed, in order (``...`` marks lines the doc leaves out;
progress lines on stderr are not compared). Then it checks the facts the walk-through exists to
show with ``--json`` reads of the same ledger.

When a command's output changes on purpose, rewrite the doc's outputs from a fresh run::

    .venv/bin/python tests/test_own_book.py --update

(and abridge long tables again by hand with ``...``).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "own-book.md"
BOOK = ROOT / "docs" / "own-book"
#: A progress line on stderr (``[   0.3s] striking ...``): timing, not compared.
_PROGRESS = re.compile(r"^\[\s*\d+(\.\d+)?s\]")
_BLOCK = re.compile(r"^```console\n(.*?)^```", re.S | re.M)


@dataclass
class Step:
    """One ``$`` line of the doc and the output the doc shows under it."""

    command: str
    expected: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """The status the doc shows (``(exit N)``), 0 when none."""
        for line in self.expected:
            m = re.fullmatch(r"\(exit (\d+)\)", line.strip())
            if m:
                return int(m.group(1))
        return 0


def doc_steps(text: str) -> list[Step]:
    """The ``$`` commands of the doc's console blocks, in order, with their shown output."""
    steps: list[Step] = []
    for block in _BLOCK.findall(text):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append(Step(line[2:].strip()))
            elif steps:
                steps[-1].expected.append(line.rstrip())
    return steps


def _lines(text: str) -> list[str]:
    """Output lines as the doc shows them: no progress, the package's folder as ``.../``."""
    import altsleeve

    package = str(Path(altsleeve.__file__).resolve().parent.parent)
    return [
        ln.rstrip().replace(package + os.sep, ".../")
        for ln in text.splitlines()
        if ln.strip() and not _PROGRESS.match(ln)
    ]


def run_step(step: Step) -> tuple[int, list[str]]:
    """Run one doc step in the current folder: ``export`` sets a variable; else the CLI."""
    from altsleeve import cli

    words = shlex.split(step.command)
    if words[0] == "export":
        name, _, value = words[1].partition("=")
        os.environ[name] = value
        return 0, []
    assert words[0] == "altsleeve", f"the walk-through runs altsleeve only: {step.command}"
    cli.out.width, cli.err.width = 140, 120  # what a non-terminal gets (cli._WIDTH)
    buf_out, buf_err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(buf_out), contextlib.redirect_stderr(buf_err):
        code = cli.run(words[1:])
    lines = _lines(buf_out.getvalue()) + _lines(buf_err.getvalue())
    if code:
        lines.append(f"(exit {code})")
    return code, lines


@contextlib.contextmanager
def walk_through_folder(root: Path) -> Iterator[Path]:
    """``root`` with a copy of docs/own-book/, as the current folder, with a clean environment."""
    shutil.copytree(BOOK, root / "docs" / "own-book")
    old_cwd, old_env = Path.cwd(), dict(os.environ)
    for name in ("ALTSLEEVE_DB", "ALTSLEEVE_VEHICLE"):
        os.environ.pop(name, None)
    os.chdir(root)
    try:
        yield root
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)


def is_subsequence(expected: list[str], actual: list[str]) -> tuple[bool, str]:
    """Whether the doc's lines (``...`` skipped) appear in ``actual`` in order; the first miss."""
    it = iter(actual)
    for line in expected:
        if not line.strip() or line.strip() in ("...", "…"):
            continue
        if not any(a == line for a in it):
            return False, line
    return True, ""


@dataclass
class Walk:
    """The walk-through as run: each step with its status and output, and the folder."""

    folder: Path
    results: list[tuple[Step, int, list[str]]]

    def json(self, *argv: str) -> Any:
        """A ``--json`` read of the walk-through's ledger (same folder and environment)."""
        from altsleeve import cli

        buf = io.StringIO()
        db = str(self.folder / "mybook.duckdb")
        with contextlib.chdir(self.folder), contextlib.redirect_stdout(buf):
            code = cli.run([*argv, "--db", db, "--json"])
        assert code == 0, (argv, code)
        return json.loads(buf.getvalue())

    def run(self, *argv: str) -> tuple[int, str]:
        """Run a command on the walk-through's ledger: its status and what it printed."""
        from altsleeve import cli

        buf = io.StringIO()
        db = str(self.folder / "mybook.duckdb")
        with (
            contextlib.chdir(self.folder),
            contextlib.redirect_stdout(buf),
            contextlib.redirect_stderr(buf),
        ):
            code = cli.run([*argv, "--db", db])
        return code, buf.getvalue()


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    root = tmp_path_factory.mktemp("own-book")
    steps = doc_steps(DOC.read_text(encoding="utf-8"))
    with walk_through_folder(root):
        results = []
        for step in steps:
            code, lines = run_step(step)
            results.append((step, code, lines))
    yield Walk(root, results)


def test_every_command_of_the_doc_runs_as_shown(walk: Walk) -> None:
    """Each ``$ altsleeve`` line exits as the doc shows and prints the doc's lines, in order."""
    assert len(walk.results) >= 20
    for step, code, lines in walk.results:
        assert code == step.exit_code, (step.command, code, lines[-5:])
        ok, missing = is_subsequence(step.expected, lines)
        assert ok, (
            f"`{step.command}` no longer prints the doc's line {missing!r}; if the change is "
            "meant, rewrite the doc: .venv/bin/python tests/test_own_book.py --update\n"
            + "\n".join(lines)
        )


def test_the_doc_runs_every_command_the_issue_names(walk: Walk) -> None:
    """strike, value, liquidity, calls, pacing plan, stress (+ shocks), Monte Carlo, outcomes,
    report, and the sample policy's refusal: all in the doc, on non-sample names."""
    commands = [s.command for s, _, _ in walk.results]
    for needed in (
        "altsleeve marketdata register",
        "altsleeve marketdata list",
        "altsleeve vehicle register",
        "altsleeve ingest holdings",
        "altsleeve ingest statements",
        "altsleeve ingest cashflows",
        "altsleeve ingest prices",
        "altsleeve ingest orders",
        "altsleeve strike --to",
        "altsleeve limits",
        "altsleeve exceptions list",
        "altsleeve value --date",
        "altsleeve liquidity",
        "altsleeve calls",
        "altsleeve pacing plan",
        "altsleeve stress --scenario",
        "--shock equity=",
        "altsleeve stress montecarlo",
        "altsleeve outcomes",
        "altsleeve report",
    ):
        assert any(needed in c for c in commands), needed
    text = " ".join(commands)
    for sample_name in ("SP500", "NASDAQ", "TDF2045", "tdf2045"):
        assert sample_name not in text


def test_the_walk_through_facts(walk: Walk) -> None:
    """What the walk-through shows, read back as JSON from its ledger."""
    series = {r["series_id"]: r for r in walk.json("marketdata", "list")}
    for sid, kind in (("US_EQ", "equity"), ("US_AGG", "bond"), ("TBILL", "cash")):
        assert series[sid]["asset_type"] == kind
        assert series[sid]["unit"] == "index"
        assert "SYNTHETIC" in series[sid]["description"]
        assert (series[sid]["first"], series[sid]["last"]) == ("2022-01-03", "2024-12-31")
    # the strike covers every XNYS session after the launch day to the end of 2024
    (strike,) = [x for x in walk.results if x[0].command.startswith("altsleeve strike --to")]
    assert "struck 752 days 2022-01-04..2024-12-31" in " ".join(strike[2])
    # liquidity: the three non-private sleeves by asset type, the three funds illiquid
    prof = walk.json("liquidity")
    assert prof["sources"]["sleeve_asset_types"] == {
        "us_equity": "equity",
        "core_bonds": "bond",
        "cash": "cash",
        "private": "private",
    }
    assert "FF_MKT_TR (arch, real, 1926-2018)" in prof["sources"]["calls"]["history"]["private"]
    # the stress equity shock moves US_EQ, and the NAV falls with it
    flat = walk.json("stress", "--scenario", "plan-exit")
    hit = walk.json("stress", "--scenario", "plan-exit", "--shock", "equity=-0.4")
    assert hit["equity_shock_moves"] == ["US_EQ"]
    assert hit["results"][0]["summary"]["max_drawdown"] < -0.25
    assert flat["results"][0]["summary"]["max_drawdown"] > -0.05
    # a shock dated outside the projection would do nothing: refused, naming it
    code, text = walk.run(
        "stress", "--scenario", "plan-exit", "--shock", "plan_withdrawal=0.1@2019-01-15"
    )
    assert code == 2
    assert "scenario plan-exit+shocks, column 'shocks[3]'" in text
    assert "outside the days struck" in text
    # the long histories are stated, by asset type
    plan = walk.json("pacing", "plan", "--paths", "100")
    assert plan["history"]["equity"] == "FF_MKT_TR (arch, real, 1926-2018)"
    assert plan["history"]["bond"] == "BOND_AAA_TR (arch, real, 1919-2018)"
    assert plan["history"]["cash"] == "CASH_TBILL (arch, real, 1926-2018)"
    mc = walk.json("stress", "montecarlo", "--paths", "1000", "--workers", "0")
    assert mc["provenance"]["history"]["equity"] == plan["history"]["equity"]
    assert mc["market"]["sleeve_series"] == {
        "us_equity": "FF_MKT_TR",
        "core_bonds": "BOND_AAA_TR",
        "cash": "CASH_TBILL",
    }
    # the evidence file: the registered definition's provenance, the user's benchmark series
    evidence = json.loads((walk.folder / "evidence" / "evidence.json").read_text())
    ap = evidence["appendix"]
    assert ap["vehicle"]["vehicle"] == "MYCIT2060"
    assert ap["vehicle"]["effective"] == "2022-01-03" and ap["vehicle"]["version"] == 1
    assert len(ap["vehicle"]["sha256"]) == 64
    assert "--vehicle MYCIT2060" in ap["command"]
    assert all(i["name"] != "vehicle" for i in ap["inputs"])
    assert evidence["performance"]["private_book"]["benchmark_series"] == "US_EQ"
    names = [r["name"] for r in evidence["performance"]["trailing"]]
    assert "US equity index (US_EQ)" in names
    assert {s["scenario"] for s in evidence["liquidity"]["stress"]} == {
        "severe-hypothetical",
        "plan-exit",
    }


def test_the_sample_policy_is_refused_on_a_2022_book(walk: Walk) -> None:
    """Its 2008-09 and 2000-02 replays fall before the launch: an input error naming the key."""
    (step,) = [x for x in walk.results if x[1] == 2 and x[0].command.startswith("altsleeve report")]
    text = "\n".join(step[2])
    assert "column 'liquidity.stress_scenarios[0]'" in text
    assert "gfc-2008-09 replays 2008-01-02..2009-12-31, before MYCIT2060" in text
    assert "severe-hypothetical" in text
    assert "strike 2007" not in text and "--to 2007" not in text
    assert not (walk.folder / "evidence-sample" / "evidence.json").exists()


def test_make_book_writes_the_committed_files(tmp_path: Path) -> None:
    """The generated files are what the documented, seeded model makes, byte for byte."""
    import subprocess

    copy = tmp_path / "own-book"
    shutil.copytree(BOOK, copy)
    generated = ("prices.csv", "statements.csv", "cashflows.csv", "orders.csv")
    for name in generated:
        (copy / name).unlink()
    subprocess.run([sys.executable, str(copy / "make_book.py")], check=True, capture_output=True)
    for name in generated:
        assert (copy / name).read_bytes() == (BOOK / name).read_bytes(), name


def _update() -> None:
    """Rewrite the output under each ``$`` line of docs/own-book.md from a fresh run."""
    import tempfile

    text = DOC.read_text(encoding="utf-8")
    steps = doc_steps(text)
    with tempfile.TemporaryDirectory() as tmp, walk_through_folder(Path(tmp)):
        outputs = [run_step(s)[1] for s in steps]
    queue = iter(outputs)

    def block(m: re.Match[str]) -> str:
        out = []
        for line in m.group(1).splitlines():
            if line.startswith("$ "):
                if out:
                    out.append("")
                out.append(line)
                out.extend(next(queue))
        return "```console\n" + "\n".join(out) + "\n```"

    DOC.write_text(_BLOCK.sub(block, text), encoding="utf-8")
    print(f"rewrote the outputs of {len(steps)} commands in {DOC}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        raise SystemExit("usage: python tests/test_own_book.py --update")
    sys.path.insert(0, str(ROOT))
    _update()
