"""Fund accounting: the vehicle's definition and its daily strike.

Public surface: :class:`Vehicle` (``Vehicle.from_toml``), the shipped sample vehicle
(:func:`sample_vehicle_path`), the pure engine (:func:`launch_state`, :func:`strike_days`), the
strike's controls (:func:`check_prices`, :func:`nav_moves`) and business days
(:func:`business_days`), the unit price's path in summary (:func:`nav_path_summary`) and the
participant flow rates over a trailing window (:func:`trailing_flows`, the one definition).

Owns turning holding values into the vehicle's unit price; must not estimate holding values
(``valuation`` does), read or write the ledger, or read synthetic truth. Its ledger-bound use
cases live in :mod:`altsleeve.workflows.fund` (strike, restrike, diff, limit breaches,
exceptions, dilution) and :mod:`altsleeve.workflows.vehicles` (registered vehicles).
"""

from importlib import resources
from pathlib import Path

from altsleeve.fund._calendar import business_days
from altsleeve.fund._controls import Finding, NavBase, check_prices, nav_moves
from altsleeve.fund._flows import TrailingFlows, trailing_flows
from altsleeve.fund._navpath import nav_path_summary
from altsleeve.fund._strike import (
    STRIKE_COLUMNS,
    StrikeInputs,
    StrikeState,
    launch_state,
    strike_columns,
    strike_days,
)
from altsleeve.fund._vehicle import (
    CashPolicy,
    FeeLayer,
    GlidePoint,
    PricingPolicy,
    PrivatePolicy,
    RebalancePolicy,
    Sleeve,
    Vehicle,
    VehicleInfo,
)


def sample_vehicle_path() -> Path:
    """The sample book's vehicle file shipped with the package (``fund/data/tdf2045.toml``)."""
    return Path(str(resources.files("altsleeve.fund").joinpath("data", "tdf2045.toml")))


__all__ = [
    "STRIKE_COLUMNS",
    "CashPolicy",
    "FeeLayer",
    "Finding",
    "GlidePoint",
    "NavBase",
    "PricingPolicy",
    "PrivatePolicy",
    "RebalancePolicy",
    "Sleeve",
    "StrikeInputs",
    "StrikeState",
    "TrailingFlows",
    "Vehicle",
    "VehicleInfo",
    "business_days",
    "check_prices",
    "launch_state",
    "nav_moves",
    "nav_path_summary",
    "sample_vehicle_path",
    "strike_columns",
    "strike_days",
    "trailing_flows",
]
