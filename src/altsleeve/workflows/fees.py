"""Fees as use cases: the fee stack gross to net and the break-even, typed.

Owns reading the vehicle and fee-stack files a fee question names (:func:`fee_files`) and
calling the fee engine's reports (:func:`altsleeve.fees.fee_stack_report`,
:func:`altsleeve.fees.breakeven_report`); each use case returns a frozen result whose
``to_dict()`` is what ``altsleeve fees stack --json`` and ``altsleeve fees breakeven --json``
print. Must not hold fee arithmetic (it belongs to
:mod:`altsleeve.fees`) and must not print or draw (:mod:`altsleeve.views.fees`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from altsleeve.fees import FeeStack, breakeven_report, fee_stack_report, sample_stack_path
from altsleeve.fund import Vehicle, sample_vehicle_path


@dataclass(frozen=True)
class FeeStackResult:
    """The fee stack layer by layer on the representative gross case.

    Attributes
    ----------
    vehicle : str
        The vehicle's id.
    report : dict
        :func:`~altsleeve.fees.fee_stack_report`'s JSON-ready dict, as the engine built it.
    """

    vehicle: str
    report: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """What ``fees stack --json`` prints: the engine's report."""
        return self.report


@dataclass(frozen=True)
class BreakevenResult:
    """The gross excess return a year the sleeve needs, after each fee layer, to break even.

    Attributes
    ----------
    vehicle : str
        The vehicle's id.
    report : dict
        :func:`~altsleeve.fees.breakeven_report`'s JSON-ready dict, as the engine built it.
    """

    vehicle: str
    report: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """What ``fees breakeven --json`` prints: the engine's report."""
        return self.report


def fee_files(vehicle: Path | None, stack: Path | None) -> tuple[Vehicle, FeeStack]:
    """The vehicle and the fee stack of two TOML files (default: the samples shipped)."""
    return (
        Vehicle.from_toml(vehicle or sample_vehicle_path()),
        FeeStack.from_toml(stack or sample_stack_path()),
    )


def fee_stack(
    vehicle: Vehicle,
    stack: FeeStack,
    *,
    gross: float = 0.15,
    horizon: int = 10,
    sleeve_size: float | None = None,
    evergreen_path: str = "constant",
) -> FeeStackResult:
    """The fee stack of ``stack`` on ``vehicle`` with every fund grossing ``gross`` a year.

    Raises
    ------
    ValueError
        When the engine refuses the gross case (the CLI names ``--gross``).
    """
    rep = fee_stack_report(
        vehicle,
        stack,
        gross_return=gross,
        horizon_years=horizon,
        sleeve_size=sleeve_size,
        evergreen_path=evergreen_path,
    )
    return FeeStackResult(vehicle.vehicle.id, rep)


def fee_breakeven(
    vehicle: Vehicle,
    stack: FeeStack,
    *,
    benchmark: float | None = None,
    beta: float = 1.0,
    private_weight: float | None = None,
    alternative_bp: float = 5.0,
    same_wrapper: bool = True,
    horizon: int = 10,
    evergreen_path: str = "constant",
) -> BreakevenResult:
    """The break-even excess return after each layer of ``stack`` on ``vehicle``."""
    rep = breakeven_report(
        vehicle,
        stack,
        benchmark=benchmark,
        beta=beta,
        private_weight=private_weight,
        alternative_bp=alternative_bp,
        same_wrapper=same_wrapper,
        horizon_years=horizon,
        evergreen_path=evergreen_path,
    )
    return BreakevenResult(vehicle.vehicle.id, rep)


__all__ = [
    "BreakevenResult",
    "FeeStackResult",
    "fee_breakeven",
    "fee_files",
    "fee_stack",
]
