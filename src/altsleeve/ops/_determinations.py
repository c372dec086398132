"""The plan committee's determinations on the safe harbor's factors, and who it relies on.

Owns the :class:`Determination` a committee member signs on one factor of the DOL's proposed
safe harbor for alternative assets in defined-contribution plans (performance, fees, liquidity,
valuation, performance benchmark, complexity), each tied to the SHA-256 of the evidence file it
was made on; the register of the fiduciaries it relies on (:class:`Delegation`: a 3(21)
adviser or a 3(38) investment manager); and which factors still lack a determination for a given
evidence file (:func:`missing_factors`). The factor keys are those of the evidence file
(:data:`altsleeve.report.FACTORS`). Must not read the evidence file or store determinations.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from altsleeve.errors import InputError, Problem
from altsleeve.ops._roles import Action, Principal, require
from altsleeve.report import FACTORS

#: The safe harbor's six factors, as the evidence file names them (its ``allocation`` check is
#: the plan's own limit, not one of the six).
SAFE_HARBOR_FACTORS: tuple[str, ...] = tuple(f for f in FACTORS if f != "allocation")

_SHA256 = re.compile(r"[0-9a-f]{64}")


def _sha_problem(sha: str, file: str) -> Problem | None:
    if _SHA256.fullmatch(sha) is None:
        return Problem(file, "must be a SHA-256: 64 lowercase hexadecimal digits", None, "sha256")
    return None


@dataclass(frozen=True)
class Determination:
    """One member's signed determination on one factor, made on one evidence file.

    Attributes
    ----------
    factor : str
        One of :data:`SAFE_HARBOR_FACTORS`.
    member : str
        The committee member who signed it.
    date : date
        When it was made.
    text : str
        The determination, in the member's words.
    evidence_sha256 : str
        SHA-256 of the evidence file it was made on (64 lowercase hex digits).

    Raises
    ------
    InputError
        On construction, naming each field at fault (file ``<determination>``).
    """

    factor: str
    member: str
    date: dt.date
    text: str
    evidence_sha256: str

    def __post_init__(self) -> None:
        """Collect every fault of the fields, then refuse them together."""
        file = "<determination>"
        problems: list[Problem] = []
        if self.factor not in SAFE_HARBOR_FACTORS:
            known = ", ".join(SAFE_HARBOR_FACTORS)
            problems.append(
                Problem(file, f"unknown factor {self.factor!r}; known: {known}", None, "factor")
            )
        if not self.member.strip():
            problems.append(Problem(file, "must name the member", None, "member"))
        if not self.text.strip():
            problems.append(Problem(file, "must not be empty", None, "text"))
        sha = _sha_problem(self.evidence_sha256, file)
        if sha is not None:
            problems.append(Problem(file, sha.message, None, "evidence_sha256"))
        if problems:
            raise InputError(problems)

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "factor": self.factor,
            "member": self.member,
            "date": self.date.isoformat(),
            "text": self.text,
            "evidence_sha256": self.evidence_sha256,
        }


def sign(
    factor: str, member: Principal, date: dt.date, text: str, evidence_sha256: str
) -> Determination:
    """A determination signed by ``member``, who must hold ``sign_determination``.

    Raises
    ------
    Forbidden
        The member lacks ``sign_determination`` (only ``valuation_committee`` grants it).
    InputError
        A field is at fault (see :class:`Determination`).
    """
    require(member, Action.SIGN_DETERMINATION)
    return Determination(factor, member.name, date, text, evidence_sha256)


def missing_factors(
    determinations: Iterable[Determination], evidence_sha256: str
) -> tuple[str, ...]:
    """The safe harbor factors with no determination made on this evidence file.

    Determinations made on another file (another hash) do not count: the committee decided on
    different evidence. Returned in the order of :data:`SAFE_HARBOR_FACTORS`.

    Raises
    ------
    InputError
        ``evidence_sha256`` is not a SHA-256.
    """
    problem = _sha_problem(evidence_sha256, "<evidence>")
    if problem is not None:
        raise InputError([problem])
    done = {d.factor for d in determinations if d.evidence_sha256 == evidence_sha256}
    return tuple(f for f in SAFE_HARBOR_FACTORS if f not in done)


DelegationRole = Literal["3(21)", "3(38)"]


@dataclass(frozen=True)
class Delegation:
    """An entry of the reliance and delegation register.

    Attributes
    ----------
    role : {"3(21)", "3(38)"}
        ERISA section 3(21) (a co-fiduciary adviser: recommends, the committee decides) or
        3(38) (an investment manager the committee delegated the decision to).
    party : str
        Who.
    scope : str
        What is relied on or delegated (e.g. "private sleeve manager selection").
    start : date
        First day in force.
    end : date or None
        Last day in force; ``None`` while open.
    """

    role: DelegationRole
    party: str
    scope: str
    start: dt.date
    end: dt.date | None = None

    def __post_init__(self) -> None:
        """Collect every fault of the fields, then refuse them together."""
        file = "<delegation>"
        problems: list[Problem] = []
        if self.role not in ("3(21)", "3(38)"):
            problems.append(
                Problem(file, f"must be 3(21) or 3(38), got {self.role!r}", None, "role")
            )
        if not self.party.strip():
            problems.append(Problem(file, "must name the party", None, "party"))
        if not self.scope.strip():
            problems.append(Problem(file, "must say what is relied on or delegated", None, "scope"))
        if self.end is not None and self.end < self.start:
            problems.append(Problem(file, "must not be before start", None, "end"))
        if problems:
            raise InputError(problems)

    def active(self, on: dt.date) -> bool:
        """Whether the entry is in force on ``on`` (start and end inclusive)."""
        return self.start <= on and (self.end is None or on <= self.end)

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "role": self.role,
            "party": self.party,
            "scope": self.scope,
            "start": self.start.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
        }
