"""The demo's documents: the outcome charts and the evidence file, written from a demo run.

Owns turning a :class:`~altsleeve.workflows.demo.DemoRun` into its files (``outcomes/`` charts
and ``outcomes.json``; ``evidence/evidence.{html,pdf,json}``) and the
:class:`~altsleeve.workflows.demo.DemoResult` that lists them. Must not compute a figure.
"""

from __future__ import annotations

from altsleeve.common.progress import ProgressFn, quiet
from altsleeve.errors import InputError, Problem
from altsleeve.views.evidence import write_report
from altsleeve.views.outcomes import write_outputs
from altsleeve.workflows.demo import DemoResult, DemoRun


def write_documents(run: DemoRun, progress: ProgressFn = quiet) -> DemoResult:
    """Write the demo's outcome charts and evidence file under ``run.out_dir``; the result."""
    outcomes_dir = run.out_dir / "outcomes"
    progress(f"participant outcomes: charts to {outcomes_dir}", 0, 1)
    write_outputs(run.figures["outcomes"], run.outcome_blocks, outcomes_dir)
    evidence_dir = run.out_dir / "evidence"
    progress(f"writing the evidence file to {evidence_dir}", 0, 1)
    try:
        evidence_dir.mkdir(parents=True, exist_ok=True)
        files = write_report(run.evidence.payload, evidence_dir, pdf=True)
    except OSError as exc:
        raise InputError(
            [Problem(str(evidence_dir), f"cannot write the report: {exc}", column="--out")]
        ) from None
    progress(f"writing the evidence file to {evidence_dir}", 1, 1)
    return run.finish(
        outcomes_folder=str(outcomes_dir), evidence_files=files.summary(run.evidence.payload)
    )


__all__ = ["write_documents"]
