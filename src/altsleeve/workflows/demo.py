"""The demo: the whole pipeline on the SYNTHETIC sample book, from a fresh ledger, step by step.

Owns the demo's steps as one use case (:func:`run_demo`): a fresh ledger; the real market
history from ``arch``; the sample book (SYNTHETIC private funds driven by those real paths); its
summary; the daily-NAV backtest of every method; December 2018's recorded nowcast values; the
vehicle struck every business day 1999-2018; dilution; the 2008-09 stress replay; the fee stack;
the savers' outcomes; the audit-chain check; and the evidence file's payload. Writing the
documents (outcome charts, the evidence file's HTML/PDF/JSON) is presentation:
:func:`altsleeve.views.demo.write_documents` turns a :class:`DemoRun` into the
:class:`DemoResult` whose ``to_dict()`` is ``summary.json`` and ``demo --json``. Must not print.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from altsleeve.common.progress import ProgressFn, quiet
from altsleeve.fees import sample_fee_report
from altsleeve.fund import Vehicle, nav_path_summary, sample_vehicle_path
from altsleeve.ledger import Ledger
from altsleeve.liquidity import Design, load_scenario, run_stress
from altsleeve.outcomes import BlockResult
from altsleeve.report import sample_policy_path
from altsleeve.workflows import pit
from altsleeve.workflows.evidence import Evidence, EvidenceInputs, gather
from altsleeve.workflows.fund import dilution_report, record_breaches, strike_range
from altsleeve.workflows.marketdata import load_market_data
from altsleeve.workflows.outcomes import load_inputs, prepare_inputs, result_json, simulate
from altsleeve.workflows.pit import inputs_from_ledger
from altsleeve.workflows.samplebook import book_summary, build_sample_book, sample_book_flows
from altsleeve.workflows.stress import prepare
from altsleeve.workflows.valuation import make_valuers, run_backtest, write_valuations

#: The day the demo looks at the book, strikes to and writes the evidence file for.
DEMO_DAY = dt.date(2018, 12, 31)

#: Savers' paths per cohort in the demo's outcomes and evidence file.
DEMO_PATHS = 10_000

#: The root seed of the demo's outcomes Monte Carlo (whatever the book's seed).
DEMO_OUTCOMES_SEED = 2045


@dataclass(frozen=True)
class DemoResult:
    """What the demo did and found: ``to_dict()`` is ``summary.json`` and ``demo --json``."""

    ledger: str
    market_series: int
    book_id: str
    synthetic_note: str
    ledger_ok: bool
    head_hash: str
    summary: dict[str, Any]
    backtest: dict[str, Any]
    valuations_recorded: int
    strike: dict[str, Any]
    nav_path: dict[str, Any]
    limit_breaches: dict[str, int]
    dilution: dict[str, Any]
    stress_2008: list[dict[str, Any]]
    fees: dict[str, Any]
    outcomes: dict[str, Any]
    evidence: dict[str, Any]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """The demo's figures, in the order ``summary.json`` has always listed them."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class DemoRun:
    """The demo's figures before its documents are written (see :func:`run_demo`).

    ``outcome_blocks`` and ``evidence_payload`` are what the documents are drawn from; the rest
    are :class:`DemoResult`'s fields.
    """

    out_dir: Path
    figures: dict[str, Any]
    outcome_blocks: BlockResult
    evidence: Evidence
    started: float = field(default_factory=time.perf_counter)

    def finish(self, *, outcomes_folder: str, evidence_files: dict[str, Any]) -> DemoResult:
        """The result once the documents are written (their paths added), timed from the start."""
        fig = dict(self.figures)
        fig["outcomes"] = {**fig["outcomes"], "folder": outcomes_folder}
        fig["evidence"] = evidence_files
        fig["seconds"] = round(time.perf_counter() - self.started, 1)
        return DemoResult(**fig)


def _stress_2008(ledger: Ledger, vehicle: Vehicle, progress: ProgressFn) -> list[dict[str, Any]]:
    """The 2008-09 replay: the book as it is, then 10% private with a 5% and a 20% cash buffer."""
    scenario = load_scenario("gfc-2008-09")
    run_ = prepare(ledger, vehicle, [scenario], progress)
    path = run_.paths[scenario.id]
    rows = []
    designs = (
        ("book as it is, 2% cash", Design(vehicle)),
        ("10% private, 5% buffer", Design(vehicle, buffer=0.05, private_share=0.10)),
        ("10% private, 20% buffer", Design(vehicle, buffer=0.20, private_share=0.10)),
    )
    for k, (label, design) in enumerate(designs, start=1):
        progress(f"2008-09 stress replay: {label}", k, len(designs))
        rows.append({"design": label, **run_stress(design, path, scenario).summary})
    return rows


def run_demo(out_dir: Path, seed: int = 2045, progress: ProgressFn = quiet) -> DemoRun:
    """Run the demo's 13 steps into a fresh ledger ``out_dir/altsleeve.duckdb``.

    Parameters
    ----------
    out_dir : Path
        Folder for the ledger (an existing demo ledger there is replaced) and the documents.
    seed : int, default 2045
        The sample book's seed.
    progress : ProgressFn
        Step reporting.
    """
    started = time.perf_counter()
    # 1. A fresh ledger in the output folder.
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "altsleeve.duckdb"
    for stale in (db, db.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    with Ledger(db, create=True) as led:
        # 2. Real public-market history from arch's data files.
        market = load_market_data(led, progress)
        # 3. The synthetic sample book, driven by those real paths.
        book = build_sample_book(led, seed, progress)
        # 4. What the book looked like on the last day of the data.
        summary = book_summary(led, DEMO_DAY)
        # 5. Daily NAV: every method strictly as of each business day, scored against the truth.
        backtest = run_backtest(
            inputs_from_ledger(led),
            make_valuers(["stale", "proxy", "nowcast"]),
            truth=led.synthetic_truth()[["holding_id", "date", "value"]],
            flows=sample_book_flows(led),
            progress=progress,
        )
        # 6. The operations step: record December 2018's nowcast values in the ledger.
        recorded = write_valuations(led, "2018-12-03", "2018-12-31", ["nowcast"], progress=progress)
        # 7. Fund accounting: strike the vehicle's unit price every business day, 1999-2018.
        vehicle = Vehicle.from_toml(sample_vehicle_path())
        struck = strike_range(led, vehicle, None, DEMO_DAY.isoformat(), progress=progress)
        nav_path = nav_path_summary(pit.strikes(led, vehicle.vehicle.id))
        breaches = record_breaches(led, vehicle.vehicle.id)
        # 8. Dilution: wealth moved between trading and staying participants, per method.
        dil = dilution_report(led, vehicle, progress=progress)
        # 9. Liquidity stress: the 2008-09 replay, the book as it is and at its 10% target
        #    with a 5% and a 20% liquid buffer.
        stress_2008 = _stress_2008(led, vehicle, progress)
        # 10. Fees: the sample vehicle's fee stack, gross to net, and the break-even excess
        #     return the sleeve needs over its benchmark.
        progress("fee stack and break-even", 0, 1)
        fee_report = sample_fee_report()
        progress("fee stack and break-even", 1, 1)
        # 11. Participant outcomes: savers' real wealth at 65 with and without the sleeve.
        inputs = load_inputs()
        how = inputs.params.private.funding
        prep = prepare_inputs(inputs, DEMO_OUTCOMES_SEED, how)
        blocks = simulate(prep, DEMO_PATHS, workers=0, progress=progress)
        outcomes = result_json(
            inputs, prep, blocks, n_paths=DEMO_PATHS, seed=DEMO_OUTCOMES_SEED, funding=how
        )
        # 12. Check the audit chain end to end.
        check = led.verify(progress)
        # 13. The fiduciary evidence file's payload for the committee, as known on DEMO_DAY.
        evidence = gather(
            led,
            EvidenceInputs(
                db=db,
                vehicle=vehicle.vehicle.id,
                policy=sample_policy_path(),
                as_of=DEMO_DAY,
                recorded_by=None,
                fee_stack=None,
                outcome_params=None,
                paths=DEMO_PATHS,
                seed=DEMO_OUTCOMES_SEED,
            ),
            progress,
        )
    figures: dict[str, Any] = {
        "ledger": str(db),
        "market_series": len(market.series),
        "book_id": book.book_id,
        "synthetic_note": book.description,
        "ledger_ok": check.ok,
        "head_hash": check.head_hash,
        "summary": summary,
        "backtest": backtest.report,
        "valuations_recorded": recorded["nowcast"].written,
        "strike": {"days": struck.days, "first": struck.first, "last": struck.last},
        "nav_path": nav_path,
        "limit_breaches": {
            str(k): int(v) for k, v in breaches.groupby("limit_name").size().items()
        },
        "dilution": dil,
        "stress_2008": stress_2008,
        "fees": fee_report,
        "outcomes": outcomes,
    }
    return DemoRun(out_dir, figures, blocks, evidence, started)


__all__ = ["DEMO_DAY", "DEMO_OUTCOMES_SEED", "DEMO_PATHS", "DemoResult", "DemoRun", "run_demo"]
