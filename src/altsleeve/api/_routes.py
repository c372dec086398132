"""The endpoints under ``/api/v1``: each calls one use case and returns its ``to_dict()``.

Owns the REST paths, their query parameters (the CLI's options, with its defaults) and the
action each requires (:data:`~altsleeve.api._auth.ACTION_KEY` in the OpenAPI operation, so
the role matrix test and a reader of ``/openapi.json`` see it). Every route is declared with
:func:`_route`, which adds the ``requires(action)`` dependency: a route cannot be added
without one. The proposal routes' action depends on the proposal's kind: they declare the
mapping (:data:`~altsleeve.ops.PROPOSING`, :data:`~altsleeve.ops.APPROVING`) and check the
kind's action before anything else. Every write names the caller as its actor. Must not compute
a figure: parameters in, a use case's result out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from email.parser import BytesParser
from email.policy import HTTP
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from altsleeve.api._auth import ACTION_KEY, ACTION_WHEN_KEY, principal, requires
from altsleeve.api._json import ResultJSON
from altsleeve.api._service import LedgerService
from altsleeve.errors import InputError, Problem
from altsleeve.fees import FeeStack, sample_stack_path
from altsleeve.ledger import FORMATS, Ledger, write_export
from altsleeve.ops import APPROVING, PROPOSING, Action, Principal, ProposalKind, Status, require
from altsleeve.pacing import StochasticSettings
from altsleeve.workflows import approvals, pit, release
from altsleeve.workflows import determinations as determinations_uc
from altsleeve.workflows import fund as fund_uc
from altsleeve.workflows import ledger as ledger_uc
from altsleeve.workflows.fees import fee_breakeven, fee_stack
from altsleeve.workflows.liquidity import liquidity_assumptions, profile_from_ledger
from altsleeve.workflows.marketdata import list_series
from altsleeve.workflows.pacing import calls_calendar
from altsleeve.workflows.result import Result
from altsleeve.workflows.stress import builtin_scenarios
from altsleeve.workflows.valuation import run_valuation_test
from altsleeve.workflows.vehicles import (
    list_vehicles,
    registered_vehicle,
    resolve_vehicle_id,
    show_vehicle,
)

#: Every endpoint's base path.
PREFIX = "/api/v1"

#: The declared endpoints: (path, endpoint, keyword arguments of ``add_api_route``).
_DECLARED: list[tuple[str, Callable[..., Any], dict[str, Any]]] = []


class IngestKind(StrEnum):
    """The file kinds ``POST /api/v1/ingest/{kind}`` accepts (as ``altsleeve ingest``)."""

    holdings = "holdings"
    statements = "statements"
    cashflows = "cashflows"
    series = "series"
    prices = "prices"
    orders = "orders"


def _route(
    path: str,
    action: Action | Mapping[ProposalKind, Action],
    *,
    method: str = "GET",
    when: Mapping[str, Action] | None = None,
    status_code: int = 200,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an endpoint that requires ``action`` (and ``when``'s actions for its params).

    ``action`` a mapping (kind -> action): the endpoint checks the kind's action itself (the
    dependency only authenticates); the OpenAPI extension is the mapping.
    """

    def register(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        if isinstance(action, Action):
            extra: dict[str, Any] = {ACTION_KEY: action.value}
            gate = Depends(requires(action, when))
        else:
            extra = {ACTION_KEY: {k.value: v.value for k, v in action.items()}}
            gate = Depends(principal)
        if when:
            extra[ACTION_WHEN_KEY] = {k: v.value for k, v in when.items()}
        kw: dict[str, Any] = {
            "methods": [method],
            "dependencies": [gate],
            "openapi_extra": extra,
            "response_class": ResultJSON,
            "response_model": None,
            "status_code": status_code,
        }
        _DECLARED.append((PREFIX + path, endpoint, kw))
        return endpoint

    return register


def add_routes(app: FastAPI) -> None:
    """Add every declared endpoint to ``app`` (each with its ``requires(action)``)."""
    for path, endpoint, kw in _DECLARED:
        app.add_api_route(path, endpoint, **kw)


def _service(request: Request) -> LedgerService:
    svc: LedgerService = request.app.state.service
    return svc


Svc = Annotated[LedgerService, Depends(_service)]
#: The authenticated caller (the same principal the route's ``requires`` checked).
User = Annotated[Principal, Depends(principal)]
Paths = Annotated[int, Query(ge=1, le=100_000, description="Scenario paths (bootstrap draws).")]
Seed = Annotated[int, Query(description="Random seed of the scenarios.")]
Horizon = Annotated[int, Query(ge=2, le=40, description="Life of the representative funds.")]
EvergreenPath = Literal["constant", "history"]


def _out(result: Result) -> Response:
    return ResultJSON(result.to_dict())


def _settings(paths: int, seed: int) -> StochasticSettings:
    try:
        return StochasticSettings(n_paths=paths, seed=seed)
    except ValueError as exc:
        raise InputError([Problem("<request>", str(exc), column="paths")]) from None


# -- vehicles, strikes, limits, exceptions, dilution --------------------------------------------
@_route("/vehicles", Action.READ)
def vehicles(svc: Svc) -> Response:
    """The registered vehicles and each definition (``altsleeve vehicle list``)."""
    with svc.read() as led:
        return _out(list_vehicles(led))


@_route("/vehicles/{vehicle_id}", Action.READ)
def vehicle(vehicle_id: str, svc: Svc, date: dt.date | None = None) -> Response:
    """A vehicle's definition in force on ``date`` (default: the latest; ``vehicle show``)."""
    with svc.read() as led:
        return _out(show_vehicle(led, vehicle_id, date))


@_route("/vehicles/{vehicle_id}/strikes", Action.READ, when={"as_of": Action.READ_HISTORY})
def strikes(vehicle_id: str, svc: Svc, as_of: dt.date | None = None) -> Response:
    """The latest version of each day's strike; with ``as_of``, as known on that day.

    Served from :func:`altsleeve.workflows.pit.strikes`, the one point-in-time read of the
    strikes (its rows as recorded); an as-of read needs ``read_history``.
    """
    with svc.read() as led:
        frame = pit.strikes(led, resolve_vehicle_id(led, vehicle_id), as_of=as_of)
    return ResultJSON(frame.to_dict(orient="records"))


@_route("/vehicles/{vehicle_id}/strikes/{date}/diff", Action.READ)
def strike_diff(vehicle_id: str, date: dt.date, svc: Svc) -> Response:
    """A restruck day's components, previous against latest version (``strike diff``)."""
    with svc.read() as led:
        return _out(fund_uc.diff_strike(led, vehicle_id, date.isoformat()))


@_route("/vehicles/{vehicle_id}/limits", Action.READ)
def limits(vehicle_id: str, svc: Svc) -> Response:
    """Limit breaches found by the latest strikes (``altsleeve limits``)."""
    with svc.read() as led:
        return _out(fund_uc.limit_breaches(led, vehicle_id))


@_route("/vehicles/{vehicle_id}/exceptions", Action.READ)
def exceptions(
    vehicle_id: str,
    svc: Svc,
    status: Literal["open", "accepted", "resolved", "all"] = "all",
) -> Response:
    """Exceptions of the strike, the price checks and valuation tests (``exceptions list``)."""
    with svc.read() as led:
        return _out(fund_uc.list_exceptions(led, vehicle_id, status))


@_route("/vehicles/{vehicle_id}/dilution", Action.READ)
def dilution(
    vehicle_id: str,
    svc: Svc,
    to: Annotated[dt.date | None, Query(description="Last day (default: the truth's end).")] = None,
) -> Response:
    """Wealth moved between trading and staying participants (``altsleeve dilution``)."""
    with svc.read() as led:
        v = registered_vehicle(led, vehicle_id)
        return _out(fund_uc.dilution(led, v, end=to))


# -- liquidity, pacing, performance, fees, stress -----------------------------------------------
@_route("/vehicles/{vehicle_id}/liquidity", Action.READ)
def liquidity(
    vehicle_id: str,
    svc: Svc,
    date: dt.date | None = None,
    stress_multiplier: float = 3.0,
    plan_withdrawal: float = 0.05,
    call_quantile: float = 0.95,
    secondary_discount: float = 0.30,
    highly_liquid_min: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    paths: Paths = 2000,
    seed: Seed = 0,
) -> Response:
    """The Rule 22e-4 liquidity profile on ``date`` (default: the last strike; ``liquidity``)."""
    assumptions = liquidity_assumptions(
        stress_multiplier=stress_multiplier,
        plan_withdrawal=plan_withdrawal,
        call_quantile=call_quantile,
        secondary_discount=secondary_discount,
        source="<request>",
    )
    _settings(paths, seed)
    with svc.read() as led:
        v = registered_vehicle(led, vehicle_id)
        return _out(
            profile_from_ledger(
                led,
                v,
                date,
                assumptions=assumptions,
                highly_liquid_min=highly_liquid_min,
                paths=paths,
                seed=seed,
            )
        )


@_route("/vehicles/{vehicle_id}/calls", Action.READ)
def calls(
    vehicle_id: str,
    svc: Svc,
    as_of: dt.date | None = None,
    paths: Paths = 2000,
    seed: Seed = 0,
) -> Response:
    """Expected capital calls and distributions after ``as_of`` (default: the last strike)."""
    settings = _settings(paths, seed)
    with svc.read() as led:
        vid = resolve_vehicle_id(led, vehicle_id)
        day = as_of or pit.last_struck_day(led, vid, column="as_of")
        return _out(calls_calendar(led, day, settings=settings))


@_route("/vehicles/{vehicle_id}/perf", Action.READ)
def perf(vehicle_id: str, as_of: dt.date | None = None) -> Response:
    """Not served yet (501): ``workflows.performance.performance`` opens the ledger by path.

    It opens its own read-only connection, which DuckDB refuses in a process that holds the
    file for writing; once it takes an open ``Ledger`` this endpoint passes a read view.
    """
    return JSONResponse(
        {
            "error": "not_implemented",
            "message": "perf from the ledger is not served yet: the use case opens the ledger "
            "file itself; run `altsleeve perf --from-ledger`",
        },
        status_code=501,
    )


def _stack() -> FeeStack:
    return FeeStack.from_toml(sample_stack_path())


@_route("/vehicles/{vehicle_id}/fees/stack", Action.READ)
def fees_stack(
    vehicle_id: str,
    svc: Svc,
    gross: Annotated[float, Query(ge=-0.5, le=1.0)] = 0.15,
    horizon: Horizon = 10,
    sleeve_size: Annotated[float | None, Query(ge=1.0)] = None,
    evergreen_path: EvergreenPath = "constant",
) -> Response:
    """The shipped fee stack on the registered vehicle, gross to net (``fees stack``)."""
    with svc.read() as led:
        v = registered_vehicle(led, vehicle_id)
    try:
        res = fee_stack(
            v,
            _stack(),
            gross=gross,
            horizon=horizon,
            sleeve_size=sleeve_size,
            evergreen_path=evergreen_path,
        )
    except ValueError as exc:
        raise InputError([Problem("<request>", str(exc), column="gross")]) from None
    return _out(res)


@_route("/vehicles/{vehicle_id}/fees/breakeven", Action.READ)
def fees_breakeven(
    vehicle_id: str,
    svc: Svc,
    benchmark: Annotated[float | None, Query(ge=-0.5, le=1.0)] = None,
    beta: Annotated[float, Query(ge=0.0, le=5.0)] = 1.0,
    private_weight: Annotated[float | None, Query(ge=0.001, le=1.0)] = None,
    alternative_bp: Annotated[float, Query(ge=0.0, le=500.0)] = 5.0,
    same_wrapper: bool = True,
    horizon: Horizon = 10,
    evergreen_path: EvergreenPath = "constant",
) -> Response:
    """The gross excess return a year the sleeve needs after each fee layer (``fees breakeven``)."""
    with svc.read() as led:
        v = registered_vehicle(led, vehicle_id)
    return _out(
        fee_breakeven(
            v,
            _stack(),
            benchmark=benchmark,
            beta=beta,
            private_weight=private_weight,
            alternative_bp=alternative_bp,
            same_wrapper=same_wrapper,
            horizon=horizon,
            evergreen_path=evergreen_path,
        )
    )


@_route("/stress/scenarios", Action.READ)
def stress_scenarios() -> Response:
    """The built-in stress scenarios (``stress list``)."""
    return _out(builtin_scenarios())


@_route("/series", Action.READ_PRICES)
def series(svc: Svc) -> Response:
    """The registered price series (``marketdata list``)."""
    with svc.read() as led:
        return _out(list_series(led))


# -- the ledger ----------------------------------------------------------------------------------
@_route("/ledger/status", Action.READ)
def ledger_status(svc: Svc) -> Response:
    """Rows and keys per table, schema version, newest audit entry (``ledger status``)."""
    with svc.read() as led:
        return _out(ledger_uc.ledger_status(led))


@_route("/ledger/log", Action.READ_HISTORY)
def ledger_log(svc: Svc, limit: Annotated[int, Query(ge=1, le=100_000)] = 20) -> Response:
    """The audit log, newest first (``ledger log``)."""
    with svc.read() as led:
        return _out(ledger_uc.audit_log(led, limit))


@_route("/ledger/export/{table}", Action.READ_HISTORY)
def ledger_export(
    table: str,
    svc: Svc,
    as_known_on: dt.date | None = None,
    recorded_at: dt.datetime | None = None,
    with_bookkeeping: bool = False,
    format: Literal["json", "csv"] = "json",
) -> Response:
    """A table as known on a date; ``format=csv``: the file ``ledger export`` writes."""
    ledger_uc.check_export_table(table)
    with svc.read() as led:
        res = ledger_uc.export_table(
            led,
            table,
            known_on=as_known_on,
            recorded_at=recorded_at,
            with_bookkeeping=with_bookkeeping,
        )
    if format == "csv":
        text = write_export(res.frame, None, dates_as_dates=table in FORMATS)
        return PlainTextResponse(text or "", media_type="text/csv")
    return _out(res)


@_route("/valuation/test", Action.READ)
def valuation_test(
    svc: Svc,
    as_of: Annotated[dt.date, Query(description="Knowledge date of the pack.")],
    period: Annotated[str, Query(description="Q, A, YYYYQn or YYYY; ends by as_of.")] = "Q",
    per_holding: bool = False,
) -> Response:
    """The valuation testing pack of ``period`` as known on ``as_of`` (``valuation test``)."""
    with svc.read() as led:
        return _out(run_valuation_test(led, as_of, period, per_holding=per_holding))


# -- writes ----------------------------------------------------------------------------------------
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".pq")


def _upload_name(given: str | None, kind: str) -> str:
    """A safe base name keeping the file's format (``.csv`` when none is given)."""
    name = _SAFE_NAME.sub("_", os.path.basename(given or "")).strip("._") or f"{kind}.csv"
    return name if name.lower().endswith(_SUFFIXES) else f"{name}.csv"


@contextmanager
def _upload_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="altsleeve-upload-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def _save_upload(request: Request, kind: str, filename: str | None, folder: Path) -> Path:
    """The request's file under ``folder``: a multipart field ``file`` or the whole body."""
    ctype = request.headers.get("content-type", "")
    if ctype.lower().startswith("multipart/form-data"):
        body = await request.body()
        msg = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + body
        )
        if msg.is_multipart():
            for part in msg.iter_parts():
                if part.get_param("name", header="content-disposition") == "file":
                    payload = part.get_payload(decode=True)
                    path = folder / _upload_name(part.get_filename() or filename, kind)
                    path.write_bytes(payload if isinstance(payload, bytes) else b"")
                    return path
        raise InputError([Problem("<request>", "the form has no field 'file'", column="file")])
    path = folder / _upload_name(filename, kind)
    with path.open("wb") as f:
        async for chunk in request.stream():
            f.write(chunk)
    if path.stat().st_size == 0:
        raise InputError([Problem("<request>", "the request has no file (an empty body)")])
    return path


async def _ingest(
    kind: str,
    request: Request,
    svc: LedgerService,
    user: Principal,
    *,
    filename: str | None,
    restate: bool,
    reason: str | None,
    accept_move: bool,
    dry_run: bool,
) -> Response:
    """Save the upload, then check it (``dry_run``) or append it as ``user``."""
    ledger_uc.check_ingest_options(restate=restate, reason=reason, accept_move=accept_move)
    with _upload_dir() as folder:
        path = await _save_upload(request, kind, filename, folder)

        def work(led: Ledger) -> Result:
            return ledger_uc.ingest(
                led,
                kind,
                path,
                restate=restate,
                reason=reason,
                accept_move=accept_move,
                dry_run=dry_run,
            )

        def check() -> Result:
            with svc.read() as led:
                return work(led)

        try:
            if dry_run:
                res = await run_in_threadpool(check)
            else:
                res = await run_in_threadpool(lambda: svc.write(work, actor=user.name))
        except InputError as exc:  # name the upload, not its temporary copy
            problems = [
                dataclasses.replace(p, file=path.name) if p.file == str(path) else p
                for p in exc.problems
            ]
            raise InputError(problems, total=exc.total) from None
    return _out(res)


FileName = Annotated[
    str | None, Query(description="The file's name (its format: .csv, .csv.gz, .parquet).")
]


@_route("/ingest/{kind}", Action.INGEST, method="POST")
async def ingest(
    kind: IngestKind,
    request: Request,
    svc: Svc,
    user: User,
    filename: FileName = None,
    restate: bool = False,
    reason: str | None = None,
    accept_move: bool = False,
    dry_run: bool = False,
) -> Response:
    """Validate an uploaded file completely, then append it in one transaction (``ingest``).

    The file is the body (CSV, or Parquet with a ``filename`` ending ``.parquet``) or a
    multipart form's ``file`` field. Bad rows: 422 naming each; nothing is written.
    """
    return await _ingest(
        kind.value,
        request,
        svc,
        user,
        filename=filename,
        restate=restate,
        reason=reason,
        accept_move=accept_move,
        dry_run=dry_run,
    )


@_route("/orders", Action.POST_ORDERS, method="POST")
async def post_orders(
    request: Request,
    svc: Svc,
    user: User,
    filename: FileName = None,
    restate: bool = False,
    reason: str | None = None,
    dry_run: bool = False,
) -> Response:
    """An order file (CSV body or a form's ``file``), ingested as ``altsleeve ingest orders``.

    The recordkeepers' door: ``post_orders`` (a token with the scope ``orders:post``). Bad
    rows: 422 naming each; nothing is written.
    """
    return await _ingest(
        "orders",
        request,
        svc,
        user,
        filename=filename,
        restate=restate,
        reason=reason,
        accept_move=False,
        dry_run=dry_run,
    )


class StrikeRequest(BaseModel):
    """``POST /api/v1/strike``: the days to strike (``altsleeve strike``'s options).

    An unknown field is refused (a misspelt ``restrike`` must not strike without it).
    """

    model_config = ConfigDict(extra="forbid")

    vehicle: str | None = Field(None, description="A registered vehicle (default: the only one).")
    from_: dt.date | None = Field(None, alias="from", description="First day.")
    to: dt.date = Field(description="Last day.")
    restrike: bool = Field(False, description="Record differing days as new versions.")
    reason: str = Field("", description="Why (kept with the strike; required to restrike).")


@_route("/strike", Action.STRIKE, method="POST")
def strike(body: StrikeRequest, svc: Svc, user: User) -> Response:
    """Strike each business day ``from..to`` (``altsleeve strike``); 422 when it stops."""
    if body.restrike and not body.reason.strip():
        raise InputError([Problem("<request>", "restrike needs a reason", column="reason")])
    if body.from_ is not None and body.from_ > body.to:
        raise InputError(
            [Problem("<request>", f"from {body.from_} is after to {body.to}", column="from")]
        )

    def work(led: Ledger) -> Result:
        vid = resolve_vehicle_id(led, body.vehicle)
        return fund_uc.strike_vehicle(
            led, vid, body.from_, body.to, restrike=body.restrike, reason=body.reason
        )

    return _out(svc.write(work, actor=user.name))


# -- four eyes, the daily cycle, prices, determinations ---------------------------------------
class ProposalRequest(BaseModel):
    """``POST /api/v1/proposals``: a change for a checker to approve (``workflows.approvals``)."""

    model_config = ConfigDict(extra="forbid")

    kind: ProposalKind = Field(description="override, restatement, vehicle_change, ...")
    vehicle: str = Field(description="A registered vehicle.")
    effective: dt.date = Field(description="The business day it takes effect from.")
    payload: dict[str, Any] = Field(default_factory=dict, description="What the kind reads.")
    reason: str = Field(description="Why (required).")


class DecisionRequest(BaseModel):
    """``POST /api/v1/proposals/{id}/decision``: approve or reject, with a reason."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]
    reason: str = Field(description="Why (required).")


class DeterminationRequest(BaseModel):
    """``POST /api/v1/determinations``: a committee member's determination on one factor."""

    model_config = ConfigDict(extra="forbid")

    factor: str = Field(description="performance, fees, liquidity, valuation, benchmark, ...")
    evidence_sha256: str = Field(description="The SHA-256 of the evidence file.")
    text: str = Field(description="The determination.")
    date: dt.date | None = Field(None, description="Its date (default: today, UTC).")


@_route("/proposals", PROPOSING, method="POST", status_code=201)
def propose(body: ProposalRequest, svc: Svc, user: User) -> Response:
    """Record a pending proposal; the action is the kind's proposing action (``ops.PROPOSING``)."""
    require(user, PROPOSING[body.kind])
    at = svc.now()

    def work(led: Ledger) -> approvals.ProposalRecord:
        return approvals.propose(
            led, body.kind, body.vehicle, body.effective, body.payload, user, body.reason, at=at
        )

    return ResultJSON(svc.write(work, actor=user.name).to_dict(), status_code=201)


@_route("/proposals", Action.READ)
def list_proposals(
    svc: Svc,
    vehicle: str | None = None,
    status: Annotated[Status | None, Query(description="pending, approved, ...")] = None,
) -> Response:
    """Every proposal's latest version, by id (of a vehicle, with a status)."""
    with svc.read() as led:
        found = approvals.proposals(led, vehicle, None if status is None else status.value)
    return ResultJSON([p.to_dict() for p in found])


@_route("/proposals/{proposal_id}/decision", APPROVING, method="POST")
def decide(proposal_id: str, body: DecisionRequest, svc: Svc, user: User) -> Response:
    """Approve or reject a pending proposal; an approval applies its effect (``decide``).

    The action is the kind's approving action (``ops.APPROVING``): 403 without it; 409 with the
    refusal's ``code`` for self-approval, a proposal no longer pending, an empty reason.
    """
    with svc.read() as led:
        known = {p.proposal_id: p for p in approvals.proposals(led)}
    if proposal_id not in known:
        raise InputError([Problem("<path>", f"no proposal {proposal_id!r}", column="proposal_id")])
    require(user, APPROVING[ProposalKind(known[proposal_id].kind)])
    at = svc.now()

    def work(led: Ledger) -> approvals.DecisionResult:
        return approvals.decide(led, proposal_id, user, body.decision, body.reason, at=at)

    return _out(svc.write(work, actor=user.name))


@_route("/vehicles/{vehicle_id}/cycle", Action.READ)
def cycle(
    vehicle_id: str,
    svc: Svc,
    date: Annotated[dt.date, Query(description="The business day.")],
) -> Response:
    """A vehicle's day: status, next action, the release cut-off clock, what is open."""
    with svc.read() as led:
        return _out(release.day_cycle(led, vehicle_id, date, now=svc.now()))


@_route("/prices", Action.READ_PRICES)
def prices(
    svc: Svc,
    vehicle: str | None = None,
    since: dt.date | None = None,
    format: Literal["json", "csv"] = "json",
) -> Response:
    """The recordkeepers' price file: released NAVs, corrections with their ``original_date``."""
    with svc.read() as led:
        vid = None if vehicle is None else resolve_vehicle_id(led, vehicle)
        res = release.price_file(led, vid, since)
    if format == "csv":
        return PlainTextResponse(res.csv, media_type="text/csv")
    return _out(res)


@_route("/determinations", Action.SIGN_DETERMINATION, method="POST", status_code=201)
def sign(body: DeterminationRequest, svc: Svc, user: User) -> Response:
    """A committee member signs a determination on one factor for one evidence file."""
    day = body.date or svc.now().date()

    def work(led: Ledger) -> determinations_uc.Signed:
        return determinations_uc.sign_determination(
            led, user, body.factor, body.evidence_sha256, body.text, day
        )

    return ResultJSON(svc.write(work, actor=user.name).to_dict(), status_code=201)


@_route("/determinations", Action.READ)
def determinations(
    svc: Svc,
    evidence_sha256: Annotated[str, Query(description="The evidence file's SHA-256.")],
) -> Response:
    """The determinations made on an evidence file and the factors still without one."""
    with svc.read() as led:
        return _out(determinations_uc.determinations_for(led, evidence_sha256))


__all__ = [
    "PREFIX",
    "DecisionRequest",
    "DeterminationRequest",
    "IngestKind",
    "ProposalRequest",
    "StrikeRequest",
    "add_routes",
]
