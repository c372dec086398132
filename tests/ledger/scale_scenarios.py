"""Price-ingest scenarios whose results are pinned as golden values (tests/ledger/data).

``run_scenarios(directory)`` ingests a set of small price files (clean, re-ingested, restated,
conflicting, bad in many ways, with moves beyond tolerance, gzipped, Parquet) into ledgers with
a fixed clock and returns, per scenario, the ledger's content fingerprint, the ingest result or
the error text, and the verify report. The golden file was written by the row-by-row ingest
that held every row in memory (before chunked ingest); ``test_chunked_ingest`` checks that the
chunked ingest gives exactly the same. Run as a script to rewrite the golden file (only when the
expected behaviour changes on purpose).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from altsleeve.errors import InputError
from altsleeve.ledger import Ledger, ingest_file

GOLDEN = Path(__file__).parent / "data" / "scale_golden.json"
TODAY = dt.date(2026, 1, 1)
CLOCK = dt.datetime(2026, 1, 1, 12, 0, 0)
SERIES = ["EQA", "EQB", "BND", "CSH", "RET"]


def _levels(n_days: int) -> list[tuple[str, str, str]]:
    """Deterministic smooth levels: (series, date, level text) in series-major order."""
    out = []
    start = dt.date(2010, 1, 1)
    for s, sid in enumerate(SERIES):
        for d in range(n_days):
            day = start + dt.timedelta(days=d)
            if sid == "RET":
                level = round(0.01 * math.sin(d / 7.0 + s), 6)
            else:
                level = round(100.0 * (1 + s) * math.exp(0.0005 * d + 0.002 * math.sin(d)), 6)
            out.append((sid, day.isoformat(), repr(level)))
    return out


def _csv(rows: list[tuple[str, ...]], header: str = "series,date,level") -> str:
    return header + "\n" + "".join(",".join(r) + "\n" for r in rows)


def _ledger(path: Path) -> Ledger:
    led = Ledger(path, create=True, clock=lambda: CLOCK)
    s = path.parent / f"{path.stem}-series.csv"
    s.write_text(
        "series,description,unit,frequency,asset_type,move_tolerance\n"
        "EQA,A,index,daily,equity,\n"
        "EQB,B,index,daily,equity,0.05\n"
        "BND,C,index,daily,bond,\n"
        "CSH,D,index,daily,cash,\n"
        "RET,E,percent_return,daily,equity,50\n"
    )
    ingest_file(led, "series", s, today=TODAY)
    return led


def _try(fn: Any) -> Any:
    try:
        rep = fn()
    except InputError as exc:
        return {"error": exc.render(), "total": exc.total}
    r = rep.result
    return {
        "rows": rep.rows_read,
        "new": r.new,
        "restated": r.restated,
        "unchanged": r.unchanged,
        "batch": r.batch_id,
        "sha256": rep.sha256,
    }


def _state(led: Ledger) -> dict[str, Any]:
    v = led.verify()
    return {
        "fingerprint": led.content_fingerprint(),
        "verify": {"ok": v.ok, "rows": v.rows, "entries": v.entries, "head": v.head_hash},
    }


def run_scenarios(directory: Path) -> dict[str, Any]:
    """Every scenario's outcome (see the module docstring); files are named relative to it."""
    here = Path.cwd()
    os.chdir(directory)
    try:
        return _run()
    finally:
        os.chdir(here)


def _run() -> dict[str, Any]:
    directory = Path(".")
    out: dict[str, Any] = {}
    rows = _levels(600)

    def scenario(name: str, steps: list[tuple[str, dict[str, Any]]]) -> None:
        path = directory / f"{name}.duckdb"
        with _ledger(path) as led:
            results = []
            for i, (content, opts) in enumerate(steps):
                suffix = opts.pop("suffix", ".csv")
                f = directory / f"{name}-{i}{suffix}"
                if suffix == ".csv.gz":
                    f.write_bytes(gzip.compress(content.encode(), mtime=0))
                elif suffix == ".parquet":
                    pd.read_csv(io.StringIO(content), dtype=str, keep_default_na=False).to_parquet(
                        f
                    )
                else:
                    f.write_text(content)
                results.append(
                    _try(lambda f=f, o=opts: ingest_file(led, "prices", f, today=TODAY, **o))
                )
            out[name] = {"results": results, **_state(led)}

    full = _csv(rows)
    scenario("clean", [(full, {})])
    scenario("reingest", [(full, {}), (full, {})])
    # Blank lines, blanks around cells, a known_on column given for some rows.
    lines = ["series, date ,level,known_on", ""]
    for i, (s, d, lv) in enumerate(rows[:400]):
        k = (dt.date.fromisoformat(d) + dt.timedelta(days=3)).isoformat() if i % 3 == 0 else ""
        lines.append(f" {s} ,{d}, {lv} ,{k}")
        if i % 50 == 0:
            lines.append("")
    scenario("known_on_blank_lines", [("\n".join(lines) + "\n", {})])
    # Restatement: change some levels slightly, add later days.
    changed = [
        (s, d, repr(float(lv) * 1.001)) if i % 97 == 0 else (s, d, lv)
        for i, (s, d, lv) in enumerate(rows)
    ]
    more = _levels(650)
    extra = [r for r in more if r not in set(rows)]
    scenario("restate", [(full, {}), (_csv(changed + extra), {"restate": True, "reason": "fix"})])
    scenario("conflict", [(full, {}), (_csv(changed + extra), {})])
    # Bad rows in many places (more than the cap of 50 problems).
    bad = list(rows)
    for i in range(0, len(bad), 41):
        s, d, lv = bad[i]
        bad[i] = [
            (s, d, "abc"),
            (s, "2010/01/01", lv),
            ("NOPE", d, lv),
            (s, d, "-1"),
            (s, d, "1,000.5"),
            ("EQ A", d, lv),
        ][(i // 41) % 6]
    bad.append(rows[10])  # duplicate of an early row, at the end
    bad.append(rows[2500])
    scenario("bad_many", [(_csv(bad), {})])
    few = list(rows)
    few[5] = ("EQA", few[5][1], "")
    few[1700] = ("EQB", "2010-02-30", "5")
    few.append(rows[1700])
    scenario("bad_few", [(_csv(few), {})])
    ko = [(*r, r[1]) for r in rows[:200]]
    ko[7] = (ko[7][0], ko[7][1], ko[7][2], "2009-01-01")
    ko[150] = (ko[150][0], ko[150][1], ko[150][2], "2027-01-01")
    scenario("known_on_rules", [(_csv(ko, "series,date,level,known_on"), {})])
    ragged = _csv(rows[:300]).splitlines()
    ragged[20] += ",x"
    ragged[250] = ragged[250].rsplit(",", 1)[0]
    scenario("ragged", [("\n".join(ragged) + "\n", {})])
    # Moves beyond tolerance, within the file and against recorded levels.
    jump = list(rows)
    for i in (100, 900, 1500, 2300):
        s, d, lv = jump[i]
        jump[i] = (s, d, repr(float(lv) * 1.5))
    scenario("move_refused", [(_csv(jump), {})])
    scenario("move_accepted", [(_csv(jump), {"accept_move": True, "reason": "real"})])
    first = [r for r in rows if r[1] < "2011-01-01"]
    later = [r for r in rows if r[1] >= "2011-01-01"]
    edge = list(later)
    for i, r in enumerate(edge):
        if r[0] == "EQA" and i % 200 == 0:
            edge[i] = (r[0], r[1], repr(float(r[2]) * 0.5))
    gap = [r for r in first if not ("2010-06-01" <= r[1] <= "2010-06-10")]
    hole = [
        (r[0], r[1], repr(float(r[2]) * 2)) for r in first if "2010-06-01" <= r[1] <= "2010-06-10"
    ]
    scenario("move_vs_recorded", [(_csv(gap), {}), (_csv(edge), {}), (_csv(hole), {})])
    scenario(
        "move_vs_recorded_accepted",
        [(_csv(gap), {}), (_csv(hole), {"accept_move": True, "reason": "ok"})],
    )
    scenario("gzip", [(full, {"suffix": ".csv.gz"})])
    scenario("parquet", [(_csv(rows[:500]), {"suffix": ".parquet"})])
    scenario("header_only", [("series,date,level\n", {})])
    scenario("bad_header", [("series,date,levl\nEQA,2010-01-01,1\n", {})])
    scenario("unknown_column", [("series,date,level,extra\nEQA,2010-01-01,1,x\n", {})])
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = run_scenarios(Path(tmp))
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    main()
