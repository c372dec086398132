"""Four eyes in the ledger: proposals, their decisions, and the effect of each approval.

Owns the ``proposals`` table's use cases (issue 20) on the rules of :mod:`altsleeve.ops`
(:func:`altsleeve.ops.propose`, :func:`altsleeve.ops.decide`: who may propose and approve each
kind, no self-approval, a reason for every step). A proposal is recorded ``pending``; each
decision is the next version of its row (status, checker, decision reason, time). Nothing takes
effect before approval; the approval and its effect are one transaction, every write of it
recorded with the checker as actor:

- ``override``: the holding's value for the day (``payload``: ``holding_id``, ``value``) is
  recorded in ``overrides``; the strike of that day uses it (``workflows.overrides``) the next
  time the day is struck (a released day: through a restatement);
- ``nav_release``: the day's latest strike is released (``workflows.release.release_day``;
  refused while the day has open exceptions);
- ``restatement``: the released day is restruck (``strike_range(..., restrike=True)``) and the
  NAV error against the release is classified and recorded, with a correction released when it
  is one (``workflows.release.nav_error_after_restrike``; ``payload`` may carry the policy's
  thresholds);
- ``vehicle_change``: the definition (``payload``: ``definition``, a vehicle file as a mapping)
  is registered effective the proposal's day (``workflows.vehicles.register_definition``);
- ``price_challenge`` and ``methodology``: the decision is recorded; nothing else is applied yet.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from altsleeve.errors import InputError, Problem
from altsleeve.fund import Vehicle
from altsleeve.ledger import Ledger
from altsleeve.ops import (
    DEFAULT_POLICY,
    Decision,
    NavErrorPolicy,
    Principal,
    Proposal,
    ProposalKind,
    Role,
    Status,
)
from altsleeve.ops import decide as ops_decide
from altsleeve.ops import propose as ops_propose
from altsleeve.workflows._opsread import aware, blank, latest, naive, now_utc, split_list
from altsleeve.workflows.fund import strike_range
from altsleeve.workflows.release import (
    NavErrorResult,
    Release,
    nav_error_after_restrike,
    release_day,
    release_versions,
)
from altsleeve.workflows.vehicles import definitions, register_definition

_POLICY_KEYS = ("error_per_unit", "material_share", "account_minimum", "reprocess_immaterial")


@dataclass(frozen=True)
class ProposalRecord:
    """A proposal as recorded (its latest version)."""

    proposal_id: str
    version: int
    kind: str
    vehicle: str
    effective: dt.date
    payload: dict[str, Any]
    maker: str
    reason: str
    created_at: dt.datetime
    status: str
    checker: str | None
    decision_reason: str | None
    decided_at: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "proposal_id": self.proposal_id,
            "version": self.version,
            "kind": self.kind,
            "vehicle": self.vehicle,
            "effective": self.effective.isoformat(),
            "payload": self.payload,
            "maker": self.maker,
            "reason": self.reason,
            "created_at": self.created_at.isoformat(),
            "status": self.status,
            "checker": self.checker,
            "decision_reason": self.decision_reason,
            "decided_at": None if self.decided_at is None else self.decided_at.isoformat(),
        }


@dataclass(frozen=True)
class DecisionResult:
    """A decided proposal, its audit record and what its approval applied."""

    proposal: ProposalRecord
    audit: dict[str, Any]
    applied: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {"proposal": self.proposal.to_dict(), "audit": self.audit, "applied": self.applied}


def _record(row: Mapping[str, Any]) -> ProposalRecord:
    def opt(v: Any) -> Any:
        return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v

    decided = opt(row.get("decided_at"))
    return ProposalRecord(
        proposal_id=str(row["proposal_id"]),
        version=int(row["version"]),
        kind=str(row["kind"]),
        vehicle=str(row["vehicle"]),
        effective=pd.Timestamp(row["effective"]).date(),
        payload=json.loads(str(row["payload"])),
        maker=str(row["maker"]),
        reason=str(row["reason"]),
        created_at=aware(row["created_at"]),
        status=str(row["status"]),
        checker=opt(row.get("checker")),
        decision_reason=opt(row.get("decision_reason")),
        decided_at=None if decided is None else aware(decided),
    )


def proposals(
    ledger: Ledger, vehicle: str | None = None, status: str | None = None
) -> list[ProposalRecord]:
    """Every proposal's latest version (of a vehicle, with a status), by id."""
    p = latest(ledger, "proposals")
    if vehicle is not None:
        p = p[p["vehicle"] == vehicle]
    if status is not None:
        p = p[p["status"] == status]
    rows = p.sort_values("proposal_id").to_dict("records")
    return [_record({str(k): v for k, v in r.items()}) for r in rows]


def _latest_row(ledger: Ledger, proposal_id: str) -> dict[str, Any]:
    p = latest(ledger, "proposals")
    hit = p[p["proposal_id"] == proposal_id]
    if hit.empty:
        raise InputError([Problem("<args>", f"no proposal {proposal_id!r}", column="proposal_id")])
    return {str(k): v for k, v in hit.iloc[0].to_dict().items()}


def _finite(payload: Mapping[str, Any], key: str, problems: list[Problem]) -> float | None:
    v = payload.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(float(v)):
        problems.append(Problem("<payload>", "must be a finite number", column=key))
        return None
    return float(v)


def _check_payload(
    ledger: Ledger, kind: ProposalKind, vehicle: str, day: dt.date, payload: Mapping[str, Any]
) -> list[Problem]:
    """What is wrong with a proposal's vehicle, day and payload for its kind (nothing: [])."""
    problems: list[Problem] = []
    defs = definitions(ledger, vehicle)
    if not defs:
        problems.append(
            Problem("<args>", f"vehicle {vehicle!r} is not registered", None, "vehicle")
        )
        return problems
    if day < defs[0].vehicle.vehicle.inception:
        problems.append(
            Problem("<args>", f"{day} is before {vehicle}'s inception", column="effective")
        )
    if kind is ProposalKind.OVERRIDE:
        holding = payload.get("holding_id")
        if not isinstance(holding, str) or holding not in ledger.latest_keys(
            "holdings", "holding_id"
        ):
            problems.append(Problem("<payload>", f"no holding {holding!r}", column="holding_id"))
        value = _finite(payload, "value", problems)
        if value is not None and value < 0:
            problems.append(Problem("<payload>", "must not be negative", column="value"))
    elif kind in (ProposalKind.NAV_RELEASE, ProposalKind.RESTATEMENT):
        s = latest(ledger, "strikes")
        struck = (
            (s["vehicle"] == vehicle) & (pd.to_datetime(s["date"]) == pd.Timestamp(day))
        ).any()
        if not struck:
            problems.append(
                Problem("<args>", f"{vehicle} has no strike on {day}", column="effective")
            )
        released = not release_versions(ledger, vehicle, day).empty
        if kind is ProposalKind.NAV_RELEASE and released:
            problems.append(
                Problem(
                    "<args>",
                    f"{vehicle} on {day} is already released (propose a restatement)",
                    column="effective",
                )
            )
        if kind is ProposalKind.RESTATEMENT and not released:
            problems.append(
                Problem(
                    "<args>",
                    f"{vehicle} on {day} was never released (restrike it; no restatement needed)",
                    column="effective",
                )
            )
        policy = payload.get("policy", {})
        if kind is ProposalKind.RESTATEMENT and not isinstance(policy, Mapping):
            problems.append(
                Problem("<payload>", "must be a table of NavErrorPolicy keys", column="policy")
            )
        elif kind is ProposalKind.RESTATEMENT:
            unknown = sorted(set(policy) - set(_POLICY_KEYS))
            if unknown:
                problems.append(
                    Problem("<payload>", f"unknown key(s) {', '.join(unknown)}", column="policy")
                )
            else:
                try:
                    NavErrorPolicy(**policy)
                except (TypeError, ValueError) as exc:
                    problems.append(Problem("<payload>", str(exc), column="policy"))
    elif kind is ProposalKind.VEHICLE_CHANGE:
        definition = payload.get("definition")
        if not isinstance(definition, Mapping):
            problems.append(
                Problem("<payload>", "must be a vehicle definition", column="definition")
            )
        else:
            try:
                v = Vehicle.from_mapping(dict(definition), label="<payload definition>")
            except InputError as exc:
                problems += exc.problems
            else:
                if v.vehicle.id != vehicle:
                    problems.append(
                        Problem(
                            "<payload>",
                            f"defines {v.vehicle.id!r}, not {vehicle!r}",
                            column="definition",
                        )
                    )
    return problems


def propose(
    ledger: Ledger,
    kind: ProposalKind | str,
    vehicle: str,
    effective: dt.date,
    payload: Mapping[str, Any],
    maker: Principal,
    reason: str,
    *,
    at: dt.datetime | None = None,
) -> ProposalRecord:
    """Record a pending proposal (nothing takes effect until a checker approves it).

    Raises
    ------
    Forbidden
        ``maker`` may not propose this kind.
    InputError
        Naming the field: ``kind`` (unknown), ``reason`` (empty), ``vehicle`` (unregistered),
        ``effective`` (before the inception; for a release, a day not struck or already
        released; for a restatement, a day never released), or the payload's (an override's
        ``holding_id`` and ``value``, a restatement's ``policy``, a change's ``definition``).
    """
    try:
        k = ProposalKind(kind)
    except ValueError:
        known = ", ".join(ProposalKind)
        raise InputError(
            [Problem("<args>", f"unknown kind {kind!r}; known: {known}", column="kind")]
        ) from None
    when = now_utc(at)
    problems = blank([("reason", reason), ("vehicle", vehicle)])
    if problems:
        raise InputError(problems)
    try:
        text = json.dumps(dict(payload), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InputError([Problem("<payload>", f"not JSON: {exc}", column="payload")]) from None
    problems = _check_payload(ledger, k, vehicle, effective, payload)
    if problems:
        raise InputError(problems)
    with ledger.transaction():
        n = len(latest(ledger, "proposals"))
        pid = f"P{n + 1:06d}"
        p, audit = ops_propose(pid, k, vehicle, effective, payload, maker, reason, when)
        row = {
            "proposal_id": pid,
            "kind": str(k),
            "vehicle": vehicle,
            "effective": effective,
            "payload": text,
            "maker": maker.name,
            "maker_roles": ",".join(sorted(maker.roles)),
            "maker_auth": maker.auth,
            "reason": p.reason,
            "created_at": naive(when),
            "status": str(Status.PENDING),
            "checker": None,
            "decision_reason": None,
            "decided_at": pd.NaT,
            "known_on": naive(when).date(),
        }
        ledger.append(
            "proposals",
            pd.DataFrame([row]),
            action="propose",
            source=f"proposal {pid}",
            detail=audit.to_dict(),
            actor=maker.name,
        )
    return _record({**row, "version": 1})


def _as_ops(row: Mapping[str, Any]) -> Proposal:
    roles = frozenset(Role(r) for r in split_list(row["maker_roles"]))
    auth = str(row["maker_auth"])
    maker = Principal(
        str(row["maker"]),
        roles,
        frozenset() if auth == "token" else None,
        "token" if auth == "token" else "oidc" if auth == "oidc" else "password",
    )
    return Proposal(
        id=str(row["proposal_id"]),
        kind=ProposalKind(str(row["kind"])),
        vehicle=str(row["vehicle"]),
        effective=pd.Timestamp(row["effective"]).date(),
        payload=json.loads(str(row["payload"])),
        maker=maker,
        reason=str(row["reason"]),
        created_at=aware(row["created_at"]),
        status=Status(str(row["status"])),
    )


def decide(
    ledger: Ledger,
    proposal_id: str,
    checker: Principal,
    decision: Decision | str,
    reason: str,
    *,
    at: dt.datetime | None = None,
) -> DecisionResult:
    """Approve, reject or withdraw a pending proposal; an approval applies its effect.

    The decision (the proposal's next version) and the effect are one transaction: if the
    effect is refused (e.g. a release with open exceptions), nothing is written and the
    proposal stays pending.

    Raises
    ------
    Forbidden
        The checker may not approve this kind (``altsleeve.ops.APPROVING``).
    RefusedError
        Self-approval, an empty reason, a proposal no longer pending, a withdrawal by someone
        other than the maker, a decision dated before the proposal.
    InputError
        ``proposal_id`` unknown, ``decision`` unknown; the effect refused (naming its field).
    """
    try:
        d = Decision(decision)
    except ValueError:
        known = ", ".join(Decision)
        raise InputError(
            [Problem("<args>", f"unknown decision {decision!r}; known: {known}", column="decision")]
        ) from None
    when = now_utc(at)
    row = _latest_row(ledger, proposal_id)
    outcome = ops_decide(_as_ops(row), checker, d, reason, when)
    new = {k: row[k] for k in row if k not in ("version", "recorded_at", "batch_id")}
    new.update(
        status=str(outcome.proposal.status),
        checker=checker.name,
        decision_reason=outcome.audit.reason,
        decided_at=naive(when),
        known_on=naive(when).date(),
    )
    applied: dict[str, Any] | None = None
    with ledger.transaction(), ledger.acting_as(checker.name):
        ledger.append(
            "proposals",
            pd.DataFrame([new]),
            action=str(d),
            source=f"proposal {proposal_id}",
            restate=True,
            detail=outcome.audit.to_dict(),
            actor=checker.name,
        )
        if outcome.effect is not None:
            applied = _apply(ledger, _record({**new, "version": int(row["version"]) + 1}), checker)
    return DecisionResult(
        _record({**new, "version": int(row["version"]) + 1}), outcome.audit.to_dict(), applied
    )


def _apply(ledger: Ledger, p: ProposalRecord, checker: Principal) -> dict[str, Any]:
    """Apply an approved proposal's effect (inside the decision's transaction)."""
    at = p.decided_at or now_utc()
    kind = ProposalKind(p.kind)
    if kind is ProposalKind.OVERRIDE:
        row = {
            "holding_id": str(p.payload["holding_id"]),
            "date": p.effective,
            "value": float(p.payload["value"]),
            "reason": p.reason,
            "proposal_id": p.proposal_id,
            "approved_by": checker.name,
            "known_on": naive(at).date(),
        }
        res = ledger.append(
            "overrides",
            pd.DataFrame([row]),
            action="override",
            source=f"proposal {p.proposal_id}",
            restate=True,
            detail={"proposal_id": p.proposal_id, "maker": p.maker},
        )
        return {
            "kind": "override",
            "holding_id": row["holding_id"],
            "date": p.effective.isoformat(),
            "value": row["value"],
            "batch_id": res.batch_id,
        }
    if kind is ProposalKind.NAV_RELEASE:
        rel: Release = release_day(
            ledger, p.vehicle, p.effective, proposal_id=p.proposal_id, checker=checker.name, at=at
        )
        return {"kind": "nav_release", "release": rel.to_dict()}
    if kind is ProposalKind.RESTATEMENT:
        run = strike_range(
            ledger,
            p.vehicle,
            p.effective,
            p.effective,
            restrike=True,
            reason=f"restatement {p.proposal_id}: {p.reason}",
        )
        policy = NavErrorPolicy(**p.payload.get("policy", {})) if p.payload else DEFAULT_POLICY
        err: NavErrorResult = nav_error_after_restrike(
            ledger,
            p.vehicle,
            p.effective,
            policy,
            proposal_id=p.proposal_id,
            checker=checker,
            at=at,
        )
        return {"kind": "restatement", "strike": run.to_dict(), "nav_error": err.to_dict()}
    if kind is ProposalKind.VEHICLE_CHANGE:
        reg = register_definition(
            ledger,
            Vehicle.from_mapping(dict(p.payload["definition"])),
            source=f"proposal {p.proposal_id}",
            effective=p.effective,
            known_on=naive(at).date(),
            reason=p.reason,
            today=naive(at).date(),
        )
        return {
            "kind": "vehicle_change",
            "vehicle": reg.vehicle_id,
            "effective": reg.effective.isoformat(),
            "sha256": reg.sha256,
        }
    return {"kind": str(kind), "note": "decision recorded; no ledger effect for this kind yet"}


__all__ = ["DecisionResult", "ProposalRecord", "decide", "proposals", "propose"]
