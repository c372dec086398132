"""Fund accounting: the vehicle's definition and its daily strike.

Public surface: :class:`Vehicle` (``Vehicle.from_toml``) and the shipped sample vehicle
(:func:`sample_vehicle_path`). Owns turning holding values into the vehicle's unit price; must not
estimate holding values (``valuation`` does) nor read synthetic truth except in the dilution
report, which says so.
"""

from importlib import resources
from pathlib import Path

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
    "CashPolicy",
    "FeeLayer",
    "GlidePoint",
    "PrivatePolicy",
    "RebalancePolicy",
    "Sleeve",
    "Vehicle",
    "VehicleInfo",
    "sample_vehicle_path",
]
