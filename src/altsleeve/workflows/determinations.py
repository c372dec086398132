"""The committee's determinations and the delegation register, in the ledger.

Owns the ``determinations`` and ``delegations`` tables' use cases (issue 20): a committee
member signs a determination on one safe harbor factor for one evidence file
(:func:`altsleeve.ops.sign`; signing again is the next version), the register of the
fiduciaries the committee relies on (a 3(21) adviser, a 3(38) manager), and which factors an
evidence file still lacks. Entering the register is the valuation committee's act (the role that
signs determinations): the permission matrix has no action of its own for it. Must not read the
evidence file (its SHA-256 is given).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from altsleeve.ledger import Ledger
from altsleeve.ops import (
    Action,
    Delegation,
    Determination,
    Principal,
    missing_factors,
    require,
    sign,
)
from altsleeve.workflows._opsread import latest, now_utc


@dataclass(frozen=True)
class Signed:
    """A determination as recorded."""

    determination: Determination
    version: int
    batch_id: int | None

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {**self.determination.to_dict(), "version": self.version, "batch_id": self.batch_id}


def sign_determination(
    ledger: Ledger,
    member: Principal,
    factor: str,
    evidence_sha256: str,
    text: str,
    date: dt.date,
) -> Signed:
    """Record a member's signed determination on one factor for one evidence file.

    Raises
    ------
    Forbidden
        ``member`` may not ``sign_determination`` (only ``valuation_committee`` may).
    InputError
        Naming ``factor``, ``member``, ``text`` or ``evidence_sha256``.
    """
    d = sign(factor, member, date, text, evidence_sha256)
    row = {
        "factor": d.factor,
        "evidence_sha256": d.evidence_sha256,
        "member": d.member,
        "date": d.date,
        "text": d.text,
        "known_on": d.date,
    }
    h = ledger.history("determinations")
    same = h[
        (h["factor"] == d.factor)
        & (h["evidence_sha256"] == d.evidence_sha256)
        & (h["member"] == d.member)
    ]
    res = ledger.append(
        "determinations",
        pd.DataFrame([row]),
        action="determination",
        source=f"determination {d.factor}",
        restate=True,
        detail={"factor": d.factor, "evidence_sha256": d.evidence_sha256},
        actor=member.name,
    )
    version = len(same) + (1 if res.written else 0)
    return Signed(d, max(version, 1), res.batch_id)


@dataclass(frozen=True)
class Determinations:
    """The determinations made on one evidence file, and the factors still without one."""

    evidence_sha256: str
    determinations: tuple[Determination, ...]
    missing: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "evidence_sha256": self.evidence_sha256,
            "determinations": [d.to_dict() for d in self.determinations],
            "missing": list(self.missing),
        }


def determinations_for(ledger: Ledger, evidence_sha256: str) -> Determinations:
    """Every member's latest determination on an evidence file, and the factors it lacks.

    Raises
    ------
    InputError
        ``evidence_sha256`` is not a SHA-256.
    """
    rows = latest(ledger, "determinations")
    rows = rows[rows["evidence_sha256"] == evidence_sha256].sort_values(["factor", "member"])
    found = tuple(
        Determination(
            str(r["factor"]),
            str(r["member"]),
            pd.Timestamp(r["date"]).date(),
            str(r["text"]),
            str(r["evidence_sha256"]),
        )
        for r in rows.to_dict("records")
    )
    return Determinations(evidence_sha256, found, missing_factors(found, evidence_sha256))


@dataclass(frozen=True)
class DelegationRecord:
    """A delegation register entry as recorded."""

    delegation: Delegation
    recorded_by: str
    batch_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {**self.delegation.to_dict(), "recorded_by": self.recorded_by}


def register_delegation(
    ledger: Ledger,
    actor: Principal,
    role: str,
    party: str,
    scope: str,
    start: dt.date,
    end: dt.date | None = None,
) -> DelegationRecord:
    """Enter (or, for the same role, party and scope, amend: e.g. close) a register entry.

    Raises
    ------
    Forbidden
        ``actor`` may not ``sign_determination``.
    InputError
        Naming ``role``, ``party``, ``scope`` or ``end``.
    """
    require(actor, Action.SIGN_DETERMINATION)
    d = Delegation(role, party, scope, start, end)  # type: ignore[arg-type]  # checked inside
    row = {
        "role": d.role,
        "party": d.party,
        "scope": d.scope,
        "start_date": d.start,
        "end_date": d.end,
        "recorded_by": actor.name,
        "known_on": now_utc().date(),
    }
    res = ledger.append(
        "delegations",
        pd.DataFrame([row]),
        action="delegation",
        source=f"delegation {d.role} {d.party}",
        restate=True,
        detail={"role": d.role, "party": d.party, "scope": d.scope},
        actor=actor.name,
    )
    return DelegationRecord(d, actor.name, res.batch_id)


@dataclass(frozen=True)
class DelegationList:
    """The register's entries (in force on a day, when one is given)."""

    entries: tuple[DelegationRecord, ...]

    def to_dict(self) -> list[dict[str, Any]]:
        """One mapping per entry."""
        return [e.to_dict() for e in self.entries]


def delegations(ledger: Ledger, on: dt.date | None = None) -> DelegationList:
    """The register: every entry's latest version (only those in force ``on``, if given)."""
    rows = latest(ledger, "delegations").sort_values(["role", "party", "scope"])
    out = []
    for r in rows.to_dict("records"):
        end = r["end_date"]
        d = Delegation(
            str(r["role"]),  # type: ignore[arg-type]
            str(r["party"]),
            str(r["scope"]),
            pd.Timestamp(r["start_date"]).date(),
            None if end is None or pd.isna(end) else pd.Timestamp(end).date(),
        )
        if on is None or d.active(on):
            out.append(DelegationRecord(d, str(r["recorded_by"])))
    return DelegationList(tuple(out))


__all__ = [
    "DelegationList",
    "DelegationRecord",
    "Determinations",
    "Signed",
    "delegations",
    "determinations_for",
    "register_delegation",
    "sign_determination",
]
