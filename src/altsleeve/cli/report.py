"""``altsleeve report``: the fiduciary evidence file (HTML, PDF, JSON).

Thin: calls :func:`altsleeve.workflows.evidence.evidence_report` (writing with
:func:`altsleeve.views.evidence.write_report`) and prints its ``to_dict()``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from altsleeve.cli._app import (
    DbOpt,
    JsonOpt,
    VehicleOpt,
    _as_of_day,
    _check_recorded_by,
    _emit_json,
    _parse_date,
    _progress,
    app,
    out,
)
from altsleeve.common.progress import ProgressFn
from altsleeve.errors import InputError, Problem
from altsleeve.ledger import (
    DEFAULT_DB,
    Ledger,
)
from altsleeve.workflows import pit
from altsleeve.workflows.vehicles import (
    registered_vehicle,
    resolve_vehicle_id,
)


@app.command()
def report(
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    policy: Annotated[
        Path | None,
        typer.Option("--policy", help="Committee policy TOML (default: the shipped sample)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Knowledge date YYYY-MM-DD (default: the last strike recorded by --recorded-by).",
        ),
    ] = None,
    recorded_by: Annotated[
        str | None,
        typer.Option(
            "--recorded-by",
            help="Ignore what the ledger recorded after this UTC time, ISO "
            "(default: everything recorded; the appendix prints the value used).",
        ),
    ] = None,
    fee_stack: Annotated[
        Path | None,
        typer.Option("--fee-stack", help="Fee stack TOML (default: the shipped sample)."),
    ] = None,
    params: Annotated[
        Path | None,
        typer.Option("--params", help="Outcomes parameter TOML (default: the shipped one)."),
    ] = None,
    paths: Annotated[
        int, typer.Option("--paths", help="Savers' Monte Carlo paths per cohort.")
    ] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Root seed of the outcomes.")] = 2045,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for evidence.html, evidence.pdf, evidence.json.")
    ] = Path("evidence"),
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write the PDF.")] = True,
    as_json: JsonOpt = False,
) -> None:
    """The fiduciary evidence file: HTML, PDF and JSON for the plan committee's minutes."""
    from altsleeve.report import sample_policy_path

    if paths < 100:
        raise InputError([Problem("<args>", "at least 100 paths", column="--paths")])
    cutoff = None
    if recorded_by is not None:
        try:
            cutoff = dt.datetime.fromisoformat(recorded_by)
        except ValueError:
            raise InputError(
                [Problem("<args>", f"not an ISO time: {recorded_by!r}", column="--recorded-by")]
            ) from None
    ppath = policy or sample_policy_path()
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        if cutoff is not None:
            _check_recorded_by(led, cutoff, "--recorded-by")
        vid = resolve_vehicle_id(led, vehicle, recorded_at=cutoff)
        v = registered_vehicle(led, vid, recorded_at=cutoff)
        if as_of:
            day = _parse_date(as_of, "--as-of")
        elif cutoff is not None:  # the last strike recorded by the cutoff
            day = pit.last_struck_day(led, v.vehicle.id, recorded_at=cutoff)
        else:
            day = _as_of_day(led, v, None)
        files = _write_evidence(
            led,
            db,
            vid,
            ppath,
            day,
            cutoff,
            fee_stack,
            params,
            paths,
            seed,
            out_dir,
            pdf,
            prog,
        )
    if as_json:
        _emit_json(files)
        return
    for key in ("html", "pdf", "json"):
        if files.get(key):
            out.print(f"wrote {files[key]}")
    if files.get("pdf_note"):
        out.print(files["pdf_note"])
    out.print(
        f"Checks: {files['counts']['pass']} pass, {files['counts']['warn']} warn, "
        f"{files['counts']['fail']} fail, {files['counts']['info']} info; "
        f"{files['triggers_fired']} trigger(s) fired."
    )


def _write_evidence(
    led: Ledger,
    db: Path,
    vehicle: str,
    policy: Path,
    day: dt.date,
    cutoff: dt.datetime | None,
    fee_stack: Path | None,
    params: Path | None,
    paths: int,
    seed: int,
    out_dir: Path,
    pdf: bool,
    prog: ProgressFn,
) -> dict[str, Any]:
    """Gather the evidence as known on ``day`` and write the three files to ``out_dir``.

    :func:`altsleeve.workflows.evidence.evidence_report`'s ``to_dict()`` (``report --json``).
    """
    from altsleeve.views.evidence import write_report
    from altsleeve.workflows.evidence import (
        EvidenceInputs,
        evidence_report,
    )

    inp = EvidenceInputs(
        db=db,
        vehicle=vehicle,
        policy=policy,
        as_of=day,
        recorded_by=cutoff,
        fee_stack=fee_stack,
        outcome_params=params,
        paths=paths,
        seed=seed,
    )
    return evidence_report(
        led, inp, out_dir, lambda payload, where: write_report(payload, where, pdf=pdf), prog
    ).to_dict()
