"""Running the participant-outcomes Monte Carlo from files: inputs, Dask or in process, JSON.

Owns reading what :mod:`altsleeve.outcomes` needs (the vehicle file, the outcomes parameter
file, the fee stack it names, the real monthly history from ``arch`` as known on the as-of
date), the input files' SHA-256 for the record, running the seeded blocks on a Dask cluster
(:func:`altsleeve.common.scaleout.dask_client`: a local cluster, or a scheduler's address) or in
this
process, and assembling the result's JSON (deterministic: the same bytes for the same inputs
and seed). Must not hold model equations (``altsleeve.outcomes``) and must not draw charts
(``altsleeve.views.outcomes``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.common.jsonvalues import plain
from altsleeve.common.progress import ProgressFn, quiet
from altsleeve.common.scaleout import check_cluster_options
from altsleeve.errors import InputError, Problem
from altsleeve.fees import (
    FeeStack,
    sample_stack_path,
)
from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.marketdata import file_digests, history_statement, load_arch_market_data
from altsleeve.outcomes import (
    HISTORY_SERIES,
    BlockResult,
    OutcomeParams,
    Prepared,
    default_params_path,
    fee_layer_rows,
    monthly_history,
    prepare,
    run_outcomes,
    summarise,
)

#: Label on every figure that involves the private funds.
SYNTHETIC_NOTE = (
    "Public markets: real monthly history shipped with arch (Fama-French market and T-bills, "
    "Moody's Aaa/Baa yields, core CPI), block-bootstrapped. Private funds: SYNTHETIC returns "
    "from a documented factor model on those paths (docs/outcomes.md), not any real fund."
)


@dataclass(frozen=True)
class OutcomeInputs:
    """Everything a run reads, with where it came from."""

    params: OutcomeParams
    vehicle: Vehicle
    stack: FeeStack
    history: pd.DataFrame
    as_of: pd.Timestamp | None
    files: dict[str, str]  # role -> path
    sha256: dict[str, str]  # role -> hex digest
    market_files: dict[str, str] = field(default_factory=dict)  # arch file -> hex digest


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_inputs(
    vehicle: str | Path | Vehicle | None = None,
    params: str | Path | None = None,
    fee_stack: str | Path | None = None,
    as_of: str | pd.Timestamp | None = None,
    *,
    vehicle_label: str | None = None,
) -> OutcomeInputs:
    """Read and validate the inputs; the shipped samples where a path is not given.

    ``vehicle`` is a vehicle file, or a :class:`~altsleeve.fund.Vehicle` already read (a
    registered definition: ``vehicle_label`` then names it in ``files`` and its canonical JSON's
    SHA-256 stands for the file's). ``fee_stack`` overrides the parameter file's
    ``private.fee_stack`` (``"sample"`` or a path, relative to the parameter file). ``as_of``
    limits the history to what was known then.

    Raises
    ------
    InputError
        A file is missing or invalid (the problem names the file and key), or the date is bad.
    """
    p_path = Path(params) if params is not None else default_params_path()
    if isinstance(vehicle, Vehicle):
        veh = vehicle
        v_path = Path(vehicle_label or f"vehicle {vehicle.vehicle.id}")
        v_sha = hashlib.sha256(vehicle.to_json().encode()).hexdigest()
    else:
        v_path = Path(vehicle) if vehicle is not None else sample_vehicle_path()
        veh = Vehicle.from_toml(v_path)
        v_sha = _sha(v_path)
    par = OutcomeParams.from_toml(p_path)
    if fee_stack is not None:
        s_path = Path(fee_stack)
    elif par.private.fee_stack == "sample":
        s_path = sample_stack_path()
    else:
        s_path = Path(par.private.fee_stack)
        if not s_path.is_absolute():
            s_path = p_path.parent / s_path
    stack = FeeStack.from_toml(s_path)
    if not any(s.kind == "private" for s in veh.sleeves):
        raise InputError([Problem(str(v_path), "the vehicle has no private sleeve to compare")])
    try:
        cutoff = pd.Timestamp(as_of) if as_of is not None else None
    except (ValueError, TypeError) as exc:
        raise InputError(
            [Problem("<args>", f"--as-of {as_of!r}: {exc}", column="--as-of")]
        ) from None
    try:
        market = load_arch_market_data()
        history = monthly_history(market, cutoff, par.simulation.first_month)
    except ValueError as exc:
        if cutoff is not None:
            raise InputError(
                [Problem("<args>", f"--as-of {as_of}: {exc}", column="--as-of")]
            ) from None
        raise InputError([Problem(str(p_path), f"key 'simulation.first_month': {exc}")]) from None
    files = {"vehicle": str(v_path), "params": str(p_path), "fee_stack": str(s_path)}
    digests = {k: v_sha if k == "vehicle" else _sha(Path(v)) for k, v in files.items()}
    used = [s for s in market if s.meta.series_id in set(HISTORY_SERIES.values())]
    return OutcomeInputs(par, veh, stack, history, cutoff, files, digests, file_digests(used))


def prepare_inputs(inputs: OutcomeInputs, seed: int, funding: str | None = None) -> Prepared:
    """:func:`altsleeve.outcomes.prepare` on loaded inputs (errors name the parameter file)."""
    try:
        return prepare(
            inputs.params,
            inputs.vehicle,
            inputs.stack,
            inputs.history,
            seed=seed,
            funding=funding,
            params_label=inputs.files["params"],
        )
    except ValueError as exc:
        raise InputError([Problem(inputs.files["params"], str(exc))]) from None


def simulate(
    prep: Prepared,
    n_paths: int,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_paths: int | None = None,
    progress: ProgressFn = quiet,
) -> BlockResult:
    """Run ``n_paths`` paths: in process (``workers=0``) or on Dask.

    Parameters
    ----------
    prep : Prepared
        From :func:`prepare_inputs`.
    n_paths : int
        Savers' paths per cohort.
    workers : int, optional
        Worker processes of a local Dask cluster (default: one per core); 0: in this process.
    scheduler : str, optional
        Address of a running Dask scheduler instead of a local cluster.
    chunk_paths : int, optional
        Paths per Dask task (whole blocks).
    progress : callable
        ``(description, done, total)``.

    Returns
    -------
    BlockResult
        The same bits for the same seed whatever ``workers``, ``scheduler`` and ``chunk_paths``.
    """
    if n_paths < 1:
        raise InputError([Problem("<args>", f"--paths {n_paths} must be >= 1", column="--paths")])
    check_cluster_options(workers, scheduler)
    label = f"{n_paths:,} savers' paths x {prep.n_months // 12} years"

    def step(done: int, total: int) -> None:
        progress(f"simulating {label}: {done:,}/{total:,} paths", done, total)

    if workers == 0:
        progress(f"simulating {label} in process", 0, n_paths)
        return run_outcomes(prep, n_paths, chunk_paths=chunk_paths, progress=step)
    from altsleeve.common.scaleout import dask_client

    progress("starting Dask" + (f" ({scheduler})" if scheduler else " (local cluster)"), 0, 1)
    with dask_client(scheduler, workers) as client:
        n = len(client.scheduler_info()["workers"])
        progress(f"simulating {label} on {n} Dask workers", 0, n_paths)
        return run_outcomes(prep, n_paths, client=client, chunk_paths=chunk_paths, progress=step)


def result_json(
    inputs: OutcomeInputs,
    prep: Prepared,
    result: BlockResult,
    *,
    n_paths: int,
    seed: int,
    funding: str,
) -> dict[str, Any]:
    """The run's figures and settings as plain JSON values (same inputs -> same bytes)."""
    hist = inputs.history
    summary = summarise(prep, result, inputs.params, inputs.vehicle)
    p = inputs.params
    out = {
        "kind": "altsleeve.outcomes",
        "note": SYNTHETIC_NOTE,
        "name": p.name,
        "vehicle": inputs.vehicle.vehicle.id,
        "settings": {
            "paths": n_paths,
            "seed": seed,
            "block_paths": prep.block_paths,
            "funding": funding,
            "as_of": inputs.as_of.date().isoformat() if inputs.as_of is not None else None,
            "history_first": str(hist.index[0]),
            "history_last": str(hist.index[-1]),
            "history_months": len(hist),
            "mean_block_months": p.simulation.mean_block_months,
            "fee_multipliers": [float(m) for m in prep.multipliers],
            "risk_aversion": list(p.simulation.risk_aversion),
            "annuity_real_rate": p.simulation.annuity_real_rate,
            "annuity_years": p.simulation.annuity_years,
            "vehicle_bp_per_year": float(sum(x.bp_per_year for x in inputs.vehicle.fees)),
            "vehicle_incremental_bp_per_year": float(
                sum(x.incremental_bp_per_year for x in inputs.vehicle.fees)
            ),
            "contribution_rate": p.savers.contribution_rate,
            "hardship_probability": p.savers.hardship_probability,
            "hardship_fraction": p.savers.hardship_fraction,
        },
        "history": {
            "by_asset_type": history_statement(
                str(s.asset_type) for s in inputs.vehicle.sleeves if s.kind != "private"
            ),
            "annual_mean": {c: float(hist[c].mean() * 12) for c in hist.columns},
            "annual_vol": {c: float(hist[c].std(ddof=1) * np.sqrt(12)) for c in hist.columns},
            "files_sha256": inputs.market_files,
        },
        "private_funds": {
            fid: {
                **m.model_dump(),
                "weight": next(f.weight for f in inputs.stack.funds if f.id == fid),
            }
            for fid, m in p.private.funds.items()
        },
        "fee_layers": fee_layer_rows(prep),
        **summary,
        "inputs": {"files": inputs.files, "sha256": inputs.sha256},
    }
    return dict(plain(out))


@dataclass(frozen=True)
class OutcomesResult:
    """Savers' real wealth at retirement with and without the sleeve (``altsleeve outcomes``).

    Attributes
    ----------
    payload : dict
        The run's figures and settings (:func:`result_json`): what ``--json`` prints.
    block : BlockResult
        The simulated paths the charts are drawn from.
    """

    payload: dict[str, Any]
    block: BlockResult

    def to_dict(self) -> dict[str, Any]:
        """What ``outcomes --json`` prints."""
        return self.payload


def savers_outcomes(
    vehicle: Path | None = None,
    params: Path | None = None,
    fee_stack: Path | None = None,
    as_of: str | None = None,
    *,
    paths: int = 10_000,
    seed: int = 0,
    funding: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_paths: int | None = None,
    progress: ProgressFn = quiet,
) -> OutcomesResult:
    """Savers' outcomes: read, prepare and simulate ``paths`` savers' paths per cohort.

    The inputs as :func:`load_inputs` reads them (the shipped samples where a path is not
    given), :func:`prepare_inputs` and :func:`simulate`; ``funding`` defaults to the parameter
    file's.
    """
    progress("reading the vehicle, parameters, fee stack and history", 0, 1)
    inputs = load_inputs(vehicle, params, fee_stack, as_of)
    how = funding if funding is not None else inputs.params.private.funding
    prep = prepare_inputs(inputs, seed, how)
    block = simulate(
        prep,
        paths,
        workers=workers,
        scheduler=scheduler,
        chunk_paths=chunk_paths,
        progress=progress,
    )
    payload = result_json(inputs, prep, block, n_paths=paths, seed=seed, funding=how)
    return OutcomesResult(payload, block)
