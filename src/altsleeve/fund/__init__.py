"""Fund accounting: the vehicle's definition and its daily strike.

Public surface: :class:`Vehicle` (``Vehicle.from_toml``), the shipped sample vehicle
(:func:`sample_vehicle_path`), the pure engine (:func:`launch_state`, :func:`strike_days`) and
its ledger edge (:func:`strike_range`, :func:`strike_diff`, :func:`record_breaches`,
:func:`dilution_report`). Owns turning holding values into the vehicle's unit price; must not
estimate holding values (``valuation`` does) nor read synthetic truth except in the dilution
report, which says so.
"""

from importlib import resources
from pathlib import Path

from altsleeve.fund._records import (
    StrikeRun,
    dilution_report,
    latest_strikes,
    record_breaches,
    strike,
    strike_diff,
    strike_range,
)
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
    "GlidePoint",
    "PrivatePolicy",
    "RebalancePolicy",
    "Sleeve",
    "StrikeInputs",
    "StrikeRun",
    "StrikeState",
    "Vehicle",
    "VehicleInfo",
    "dilution_report",
    "latest_strikes",
    "launch_state",
    "record_breaches",
    "sample_vehicle_path",
    "strike",
    "strike_columns",
    "strike_days",
    "strike_diff",
    "strike_range",
]
