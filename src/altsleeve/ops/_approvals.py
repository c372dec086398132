"""Four eyes (maker-checker): proposals, their decisions and the audit record of each step.

Owns the :class:`Proposal` (what a maker asks to change), its state machine (``pending`` ->
``approved`` | ``rejected`` | ``withdrawn``), the rules of :func:`propose` and :func:`decide`,
and the :class:`AuditRecord` each transition returns. Must not apply anything: an approval
returns an :class:`Effect` that the caller (a ledger-bound use case) applies; a rejection or a
withdrawal returns none. Must not store proposals or read a clock: the caller passes ``at``.

Rules (issue 20):

- the maker must hold the proposing action for the kind (:data:`PROPOSING`), at proposal time
  and as recorded on the proposal;
- the checker must hold the approving action for the kind (:data:`APPROVING`) and must not be
  the maker (no self-approval); only the maker may withdraw;
- every step needs a non-empty reason; only a pending proposal can be decided; a decision cannot
  be dated before the proposal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal

from altsleeve.ops._roles import Action, Principal, require


class ProposalKind(StrEnum):
    """What a proposal asks to change."""

    OVERRIDE = "override"
    RESTATEMENT = "restatement"
    VEHICLE_CHANGE = "vehicle_change"
    NAV_RELEASE = "nav_release"
    PRICE_CHALLENGE = "price_challenge"
    METHODOLOGY = "methodology"


class Status(StrEnum):
    """Where a proposal stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Decision(StrEnum):
    """What a checker (or, to withdraw, the maker) decides."""

    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"


#: The action a maker needs to propose each kind.
PROPOSING: Mapping[ProposalKind, Action] = {
    ProposalKind.OVERRIDE: Action.PROPOSE_OVERRIDE,
    ProposalKind.RESTATEMENT: Action.PROPOSE_RESTATEMENT,
    ProposalKind.VEHICLE_CHANGE: Action.PROPOSE_VEHICLE_CHANGE,
    ProposalKind.NAV_RELEASE: Action.PROPOSE_RELEASE,
    ProposalKind.PRICE_CHALLENGE: Action.PROPOSE_PRICE_CHALLENGE,
    ProposalKind.METHODOLOGY: Action.PROPOSE_METHODOLOGY,
}

#: The action a checker needs to approve (or reject) each kind.
APPROVING: Mapping[ProposalKind, Action] = {
    ProposalKind.OVERRIDE: Action.APPROVE_OVERRIDE,
    ProposalKind.RESTATEMENT: Action.APPROVE_RESTATEMENT,
    ProposalKind.VEHICLE_CHANGE: Action.APPROVE_VEHICLE_CHANGE,
    ProposalKind.NAV_RELEASE: Action.RELEASE_NAV,
    ProposalKind.PRICE_CHALLENGE: Action.APPROVE_PRICE_CHALLENGE,
    ProposalKind.METHODOLOGY: Action.APPROVE_METHODOLOGY,
}

_AFTER: Mapping[Decision, Status] = {
    Decision.APPROVE: Status.APPROVED,
    Decision.REJECT: Status.REJECTED,
    Decision.WITHDRAW: Status.WITHDRAWN,
}

RefusalCode = Literal["self_approval", "empty_reason", "not_pending", "not_maker", "too_early"]


class RefusedError(Exception):
    """A four-eyes rule refused a step (permission refusals are :class:`~altsleeve.ops.Forbidden`).

    Attributes
    ----------
    code : str
        ``self_approval`` (the checker is the maker), ``empty_reason``, ``not_pending`` (the
        proposal was already decided), ``not_maker`` (only the maker may withdraw) or
        ``too_early`` (the decision is dated before the proposal).
    """

    def __init__(self, code: RefusalCode, message: str) -> None:
        self.code = code
        super().__init__(message)


def _aware(at: dt.datetime, what: str) -> dt.datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware (UTC recommended), got {at.isoformat()}")
    return at


def _same_person(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


@dataclass(frozen=True)
class Proposal:
    """A change a maker asks for, waiting for a checker.

    Attributes
    ----------
    id : str
        The proposal's identifier (the caller's).
    kind : ProposalKind
        What it changes.
    vehicle : str
        The vehicle id.
    effective : date
        The business day the change takes effect from (the day released, restated, changed).
    payload : dict
        What to apply, as the caller's use case reads it (JSON values).
    maker : Principal
        Who proposed it, with the roles held at proposal time.
    reason : str
        Why, in the maker's words.
    created_at : datetime
        When it was proposed (timezone-aware).
    status : Status
        ``pending`` until decided.
    """

    id: str
    kind: ProposalKind
    vehicle: str
    effective: dt.date
    payload: dict[str, Any]
    maker: Principal
    reason: str
    created_at: dt.datetime
    status: Status = Status.PENDING

    def to_dict(self) -> dict[str, Any]:
        """JSON values: the maker by name and auth method."""
        return {
            "id": self.id,
            "kind": str(self.kind),
            "vehicle": self.vehicle,
            "effective": self.effective.isoformat(),
            "payload": dict(self.payload),
            "maker": self.maker.name,
            "maker_auth": self.maker.auth,
            "reason": self.reason,
            "created_at": self.created_at.isoformat(),
            "status": str(self.status),
        }


@dataclass(frozen=True)
class AuditRecord:
    """One transition of a proposal: who, when, from which status to which, and why.

    ``before`` is ``None`` for the proposal itself.
    """

    proposal_id: str
    kind: ProposalKind
    vehicle: str
    actor: str
    auth: str
    at: dt.datetime
    before: Status | None
    after: Status
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "proposal_id": self.proposal_id,
            "kind": str(self.kind),
            "vehicle": self.vehicle,
            "actor": self.actor,
            "auth": self.auth,
            "at": self.at.isoformat(),
            "before": None if self.before is None else str(self.before),
            "after": str(self.after),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Effect:
    """What the caller applies once a proposal is approved (nothing here applies it)."""

    proposal_id: str
    kind: ProposalKind
    vehicle: str
    effective: dt.date
    payload: dict[str, Any]
    maker: str
    checker: str
    approved_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "proposal_id": self.proposal_id,
            "kind": str(self.kind),
            "vehicle": self.vehicle,
            "effective": self.effective.isoformat(),
            "payload": dict(self.payload),
            "maker": self.maker,
            "checker": self.checker,
            "approved_at": self.approved_at.isoformat(),
        }


@dataclass(frozen=True)
class Outcome:
    """A decided proposal, its audit record, and the effect to apply (approval only)."""

    proposal: Proposal
    audit: AuditRecord
    effect: Effect | None = field(default=None)


def _reason(reason: str) -> str:
    if not reason.strip():
        raise RefusedError("empty_reason", "a reason is required")
    return reason.strip()


def propose(
    id: str,
    kind: ProposalKind | str,
    vehicle: str,
    effective: dt.date,
    payload: Mapping[str, Any],
    maker: Principal,
    reason: str,
    at: dt.datetime,
) -> tuple[Proposal, AuditRecord]:
    """Open a pending proposal.

    Parameters
    ----------
    id, kind, vehicle, effective, payload
        As on :class:`Proposal`.
    maker : Principal
        Who proposes; must hold the kind's proposing action (:data:`PROPOSING`).
    reason : str
        Why; must not be empty.
    at : datetime
        When (timezone-aware).

    Returns
    -------
    (Proposal, AuditRecord)
        The pending proposal and its first audit record (``before`` is ``None``).

    Raises
    ------
    Forbidden
        The maker lacks the proposing action.
    RefusedError
        ``empty_reason``.
    """
    k = ProposalKind(kind)
    require(maker, PROPOSING[k])
    why = _reason(reason)
    if not id.strip() or not vehicle.strip():
        raise ValueError("a proposal needs an id and a vehicle")
    p = Proposal(
        id=id,
        kind=k,
        vehicle=vehicle,
        effective=effective,
        payload=dict(payload),
        maker=maker,
        reason=why,
        created_at=_aware(at, "created_at"),
    )
    audit = AuditRecord(id, k, vehicle, maker.name, maker.auth, at, None, Status.PENDING, why)
    return p, audit


def decide(
    proposal: Proposal,
    checker: Principal,
    decision: Decision | str,
    reason: str,
    at: dt.datetime,
) -> Outcome:
    """Approve, reject or withdraw a pending proposal.

    Parameters
    ----------
    proposal : Proposal
        A pending proposal.
    checker : Principal
        Who decides: for ``approve`` and ``reject`` a person other than the maker holding the
        kind's approving action (:data:`APPROVING`); for ``withdraw`` the maker.
    decision : Decision or str
        ``approve``, ``reject`` or ``withdraw``.
    reason : str
        Why; must not be empty.
    at : datetime
        When (timezone-aware, not before the proposal).

    Returns
    -------
    Outcome
        The proposal with its new status, the audit record, and for an approval the
        :class:`Effect` the caller applies.

    Raises
    ------
    Forbidden
        The maker (as recorded) lacks the proposing action, or the checker the approving one.
    RefusedError
        ``not_pending``, ``self_approval``, ``not_maker``, ``empty_reason`` or ``too_early``.
    """
    d = Decision(decision)
    if proposal.status is not Status.PENDING:
        raise RefusedError(
            "not_pending", f"proposal {proposal.id} is {proposal.status}, not pending"
        )
    require(proposal.maker, PROPOSING[proposal.kind])
    same = _same_person(checker.name, proposal.maker.name)
    if d is Decision.WITHDRAW:
        if not same:
            raise RefusedError(
                "not_maker",
                f"only the maker ({proposal.maker.name}) may withdraw proposal {proposal.id}",
            )
    else:
        if same:
            raise RefusedError(
                "self_approval",
                f"{checker.name} proposed {proposal.id} and may not also decide it",
            )
        require(checker, APPROVING[proposal.kind])
    why = _reason(reason)
    when = _aware(at, "at")
    if when < proposal.created_at:
        raise RefusedError(
            "too_early",
            f"a decision at {when.isoformat()} comes before the proposal "
            f"({proposal.created_at.isoformat()})",
        )
    after = _AFTER[d]
    decided = replace(proposal, status=after)
    audit = AuditRecord(
        proposal.id,
        proposal.kind,
        proposal.vehicle,
        checker.name,
        checker.auth,
        when,
        Status.PENDING,
        after,
        why,
    )
    effect = None
    if after is Status.APPROVED:
        effect = Effect(
            proposal.id,
            proposal.kind,
            proposal.vehicle,
            proposal.effective,
            dict(proposal.payload),
            proposal.maker.name,
            checker.name,
            when,
        )
    return Outcome(decided, audit, effect)
