"""The vehicle definition: sleeves, glide path, private sleeve limits, fees and policies.

Owns reading and validating a vehicle's TOML file into a typed :class:`Vehicle`, and the pure
questions about it (target weights on a date). Errors name the TOML key at fault. Must not strike,
touch the ledger or value holdings.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, ClassVar, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    model_serializer,
    model_validator,
)

from altsleeve.common.tomlfile import StrictModel, TomlModel
from altsleeve.domain import AssetClass, AssetType
from altsleeve.fund._calendar import known_calendar

Weight = Annotated[float, Field(ge=0.0, le=1.0)]

#: The default release cut-off: a common recordkeeper deadline for a CIT's daily price.
DEFAULT_RELEASE_CUTOFF = "18:00"
DEFAULT_RELEASE_ZONE = "America/New_York"


class Sleeve(StrictModel):
    """One sleeve of the vehicle.

    ``kind = "liquid"`` sleeves hold units of an index ``series`` (bought and sold at its level);
    ``"cash"`` earns a cash index ``series``; ``"private"`` holds the private funds, valued daily
    by the valuation engine and never sold to rebalance. ``days_to_cash`` is the business days
    from a sale to cash for a liquid or cash sleeve (``None``: 0 for cash, 1 for liquid), used
    by the liquidity profile's buckets.

    ``asset_type`` says what a liquid sleeve holds (``equity``, ``bond``, ``crypto`` or
    ``other``; required for a liquid sleeve) so that stress shocks, bootstraps and the liquidity
    models pick sleeves by type, never by name. A cash sleeve is ``cash`` and the private sleeve
    ``private`` (set for them when left out).
    """

    id: str = Field(min_length=1)
    kind: Literal["liquid", "cash", "private"]
    series: str | None = None
    asset_type: AssetType | None = None
    band: Weight = 0.05
    days_to_cash: int | None = Field(default=None, ge=0, le=366)

    @model_validator(mode="before")
    @classmethod
    def _default_type(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("asset_type") is None:
            implied = {"cash": "cash", "private": "private"}.get(str(data.get("kind")))
            if implied:
                data = {**data, "asset_type": implied}
        return data

    @model_validator(mode="after")
    def _series_rule(self) -> Self:
        if self.kind == "liquid":
            if self.asset_type is None:
                raise ValueError(
                    "a liquid sleeve needs asset_type (equity, bond, crypto or other): models "
                    "pick sleeves by what they hold, not by name"
                )
            if self.asset_type in (AssetType.CASH, AssetType.PRIVATE, AssetType.RATE):
                raise ValueError(
                    f"a liquid sleeve cannot have asset_type {self.asset_type.value!r} (use a "
                    "cash or private sleeve, or equity, bond, crypto, other)"
                )
        elif self.asset_type is not None and self.asset_type.value != self.kind:
            raise ValueError(f"a {self.kind} sleeve's asset_type is {self.kind!r}")
        if self.kind in ("liquid", "cash") and not self.series:
            raise ValueError(f"a {self.kind} sleeve needs a price series")
        if self.kind == "private" and self.series:
            raise ValueError("the private sleeve is valued by the valuation engine, not a series")
        if self.kind == "private" and self.days_to_cash is not None:
            raise ValueError(
                "the private sleeve's days to cash come from each holding's terms, not the file"
            )
        return self


class GlidePoint(StrictModel):
    """Target weights from a date on (linear in time between points, flat beyond the ends)."""

    date: dt.date
    weights: dict[str, Weight]

    @model_validator(mode="after")
    def _sums_to_one(self) -> Self:
        total = sum(self.weights.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"weights sum to {total:.6f}, not 1")
        return self


class PrivatePolicy(StrictModel):
    """The private sleeve's hard maximum (a share of net assets) and valuation per asset class."""

    max: Weight = 0.15
    valuation: dict[AssetClass, Literal["stale", "proxy", "nowcast", "nowcast-ph"]] = Field(
        default_factory=dict
    )
    default_valuation: Literal["stale", "proxy", "nowcast", "nowcast-ph"] = "nowcast"


class FeeLayer(StrictModel):
    """A vehicle-level fee in basis points a year of net assets, accrued daily on ACT/365.

    ``incremental_bp_per_year`` is the part of ``bp_per_year`` charged only because the vehicle
    holds the private sleeve (a wrapper's surcharge for it); the rest is the base fee, charged
    with or without the sleeve. The break-even and the savers' outcomes count only the
    incremental part as the sleeve's cost (docs/fees.md). Left out of the canonical JSON when 0,
    so definitions recorded before it existed keep their SHA-256.
    """

    name: str = Field(min_length=1)
    bp_per_year: float = Field(ge=0.0, le=1000.0)
    incremental_bp_per_year: float = Field(default=0.0, ge=0.0, le=1000.0)

    @model_validator(mode="after")
    def _incremental_within(self) -> Self:
        if self.incremental_bp_per_year > self.bp_per_year:
            raise ValueError(
                f"incremental_bp_per_year {self.incremental_bp_per_year:g} exceeds bp_per_year "
                f"{self.bp_per_year:g}"
            )
        return self

    @model_serializer(mode="wrap")
    def _omit_zero_incremental(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out: dict[str, Any] = handler(self)
        if not self.incremental_bp_per_year:
            out.pop("incremental_bp_per_year", None)
        return out


class CashPolicy(StrictModel):
    """The cash floor (share of net assets); fees accrued are paid from cash at each month end."""

    floor: Weight = 0.01


class LiquidityPolicy(StrictModel):
    """The highly liquid investment minimum (a share of net assets; SEC Rule 22e-4's HLIM).

    The liquidity profile (``altsleeve liquidity``, docs/liquidity.md) flags a day whose highly
    liquid assets (convertible to cash in three business days or less) fall below it.
    """

    highly_liquid_min: Weight = 0.10


class RebalancePolicy(StrictModel):
    """When to rebalance (through liquid sleeves and cash only): band breach, schedule, or both."""

    trigger: Literal["band", "schedule", "both"] = "both"
    schedule: Literal["monthly", "quarterly", "annually"] = "quarterly"


class PricingPolicy(StrictModel):
    """The strike's tolerance checks and the prices it may carry forward.

    The strike stops on a day, with an exception a person must clear, when:

    - a price the day needs (a liquid or cash sleeve's series, or the proxy of a private
      holding valued by ``proxy`` or ``nowcast``) is missing, unless ``carry_forward`` allows
      that series to carry its last level for at most that many business days (every carried
      price is recorded with the strike);
    - a price moved further from its previous level than the series' tolerance (an absolute log
      move; ``move_tolerance`` here overrides the series' own, which defaults by asset type);
    - the NAV per unit moved by more than ``nav_move_multiplier`` times the move the priced
      sleeves explain plus ``nav_move_floor`` (decimal returns): ``|NAV_t/NAV_{t-1} - 1| >
      k |sum_i w_{i,t-1} r_{i,t}| + floor``, with ``w`` the sleeves' weights at the previous
      strike and ``r`` their series' returns. Over the sample vehicle's 20 years (1999-2018) the
      largest unexplained move was 1.2% and the defaults flag no day.
    """

    nav_move_multiplier: float = Field(default=3.0, ge=0.0, le=100.0)
    nav_move_floor: float = Field(default=0.01, gt=0.0, le=1.0)
    move_tolerance: dict[str, Annotated[float, Field(gt=0.0, le=10.0)]] = Field(
        default_factory=dict
    )
    carry_forward: dict[str, Annotated[int, Field(ge=1, le=30)]] = Field(default_factory=dict)
    #: The release cut-off (issue 20): the local time (``HH:MM``) in ``release_zone`` by which a
    #: day's NAV must be released to the recordkeepers (default 18:00 America/New_York).
    release_cutoff: str = Field(
        default=DEFAULT_RELEASE_CUTOFF, pattern=r"^([01]\d|2[0-3]):[0-5]\d$"
    )
    release_zone: str = DEFAULT_RELEASE_ZONE

    @model_validator(mode="after")
    def _known_zone(self) -> Self:
        try:
            ZoneInfo(self.release_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {self.release_zone!r}") from None
        return self

    @property
    def release_time(self) -> dt.time:
        """The release cut-off as a naive local time."""
        return dt.time.fromisoformat(self.release_cutoff)

    @model_serializer(mode="wrap")
    def _omit_default_cutoff(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # written only when not the default, so definitions recorded before the cut-off existed
        # keep their SHA-256 (the ledger compares them)
        out: dict[str, Any] = handler(self)
        if self.release_cutoff == DEFAULT_RELEASE_CUTOFF:
            out.pop("release_cutoff", None)
        if self.release_zone == DEFAULT_RELEASE_ZONE:
            out.pop("release_zone", None)
        return out


class VehicleInfo(StrictModel):
    """Identity and launch of the vehicle.

    ``calendar`` is the exchange calendar whose sessions are the vehicle's business days
    (``exchange_calendars`` code; default ``XNYS``, the New York Stock Exchange, with its
    holidays and unscheduled closures).
    """

    id: str = Field(min_length=1, pattern=r"^[^\s,;\"']+$")
    name: str = ""
    currency: str = "USD"
    inception: dt.date
    initial_assets: float = Field(gt=0.0)
    initial_nav_per_unit: float = Field(gt=0.0, default=10.0)
    calendar: str = "XNYS"


class Vehicle(TomlModel):
    """A daily-valued vehicle with a private sleeve.

    Examples
    --------
    >>> v = Vehicle.from_toml("src/altsleeve/fund/data/tdf2045.toml")  # doctest: +SKIP
    >>> v.targets("2008-06-30")  # doctest: +SKIP
    {'equity': 0.72, 'bonds': 0.15, 'cash': 0.03, 'private': 0.10}
    """

    toml_label: ClassVar[str] = "<vehicle>"
    toml_context: ClassVar[dict[str, Any] | None] = {"defer_rules": True}
    toml_skip: ClassVar[frozenset[str]] = frozenset({"[key]"})

    vehicle: VehicleInfo
    sleeves: list[Sleeve] = Field(min_length=2)
    glide_path: list[GlidePoint] = Field(min_length=1)
    private: PrivatePolicy = Field(default_factory=PrivatePolicy)
    fees: list[FeeLayer] = Field(default_factory=list)
    cash: CashPolicy = Field(default_factory=CashPolicy)
    rebalance: RebalancePolicy = Field(default_factory=RebalancePolicy)
    liquidity: LiquidityPolicy = Field(default_factory=LiquidityPolicy)
    pricing: PricingPolicy = Field(default_factory=PricingPolicy)

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Self:
        if info.context and info.context.get("defer_rules"):
            return self  # from_mapping reports them with their keys
        problems = self.rule_problems()
        if problems:
            raise ValueError("; ".join(f"{k}: {m}" for k, m in problems))
        return self

    def rule_problems(self) -> list[tuple[str, str]]:
        """The rules that span tables, as ``(dotted key, message)`` pairs (empty when valid)."""
        out: list[tuple[str, str]] = []
        ids = [s.id for s in self.sleeves]
        for i, sid in enumerate(ids):
            if sid in ids[:i]:
                out.append((f"sleeves[{i}].id", f"sleeve ids repeat: {ids}"))
                break
        kinds = [s.kind for s in self.sleeves]
        if kinds.count("cash") != 1:
            out.append(("sleeves", "exactly one sleeve must be of kind 'cash'"))
        if kinds.count("private") > 1:
            out.append(("sleeves", "at most one sleeve may be of kind 'private'"))
        dates = [p.date for p in self.glide_path]
        for i in range(1, len(dates)):
            if dates[i] <= dates[i - 1]:
                out.append(
                    (f"glide_path[{i}].date", "glide_path dates must be strictly increasing")
                )
                break
        priv = next((s for s in self.sleeves if s.kind == "private"), None)
        if not known_calendar(self.vehicle.calendar):
            out.append(
                (
                    "vehicle.calendar",
                    f"unknown exchange calendar {self.vehicle.calendar!r} (e.g. XNYS for the "
                    "New York Stock Exchange; see exchange_calendars.get_calendar_names())",
                )
            )
        for i, p in enumerate(self.glide_path):
            if set(p.weights) != set(ids):
                out.append(
                    (
                        f"glide_path[{i}].weights",
                        f"glide_path[{i}] weights name {sorted(p.weights)}, sleeves are "
                        f"{sorted(ids)}",
                    )
                )
            elif priv is not None and p.weights[priv.id] > self.private.max:
                out.append(
                    (
                        f"glide_path[{i}].weights.{priv.id}",
                        f"glide_path[{i}] private target {p.weights[priv.id]} exceeds "
                        f"private.max {self.private.max}",
                    )
                )
        return out

    # -- reading -----------------------------------------------------------------------------
    def to_json(self) -> str:
        """The definition as canonical JSON (sorted keys, dates ISO): what the ledger records."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, *, label: str = "<vehicle>") -> Vehicle:
        """Inverse of :meth:`to_json`."""
        return cls.from_mapping(json.loads(text), label=label)

    def structure(self) -> dict[str, Any]:
        """What may not change between definitions of one vehicle: identity, launch, sleeves.

        Fees, limits, bands, the glide path, valuation methods and pricing controls may change
        from an effective date on; the sleeves (ids, kinds, series, asset types), the inception,
        the seed assets, the currency and the calendar may not (that would be another vehicle).
        """
        info = self.vehicle
        return {
            "id": info.id,
            "inception": info.inception.isoformat(),
            "initial_assets": info.initial_assets,
            "initial_nav_per_unit": info.initial_nav_per_unit,
            "currency": info.currency,
            "calendar": info.calendar,
            "sleeves": [
                (s.id, s.kind, s.series, None if s.asset_type is None else s.asset_type.value)
                for s in self.sleeves
            ],
        }

    # -- questions ---------------------------------------------------------------------------
    def sleeves_of(self, asset_type: str) -> list[Sleeve]:
        """The sleeves holding an asset type (``equity``, ``bond``, ``cash``, ...), file order."""
        return [s for s in self.sleeves if s.asset_type is not None and s.asset_type == asset_type]

    @property
    def sleeve_ids(self) -> list[str]:
        """Sleeve ids in file order."""
        return [s.id for s in self.sleeves]

    @property
    def cash_sleeve(self) -> Sleeve:
        """The cash sleeve."""
        return next(s for s in self.sleeves if s.kind == "cash")

    @property
    def private_sleeve(self) -> Sleeve | None:
        """The private sleeve, if any."""
        return next((s for s in self.sleeves if s.kind == "private"), None)

    @property
    def fee_bp_per_year(self) -> float:
        """All vehicle-level fee layers together, basis points a year."""
        return float(sum(f.bp_per_year for f in self.fees))

    def targets(self, day: dt.date | str | pd.Timestamp) -> dict[str, float]:
        """Target weight of each sleeve on ``day`` (the glide path, linear between its points)."""
        return {
            k: float(v)
            for k, v in zip(
                self.sleeve_ids,
                self.target_matrix(pd.DatetimeIndex([pd.Timestamp(day)]))[0],
                strict=True,
            )
        }

    def target_matrix(self, days: pd.DatetimeIndex) -> np.ndarray:
        """Target weights on each day, shape ``(len(days), n_sleeves)`` in ``sleeve_ids`` order."""
        x = np.asarray(days.values.astype("datetime64[D]").astype(np.int64), dtype=float)
        xp = np.array(
            [np.datetime64(p.date, "D").astype(np.int64) for p in self.glide_path], dtype=float
        )
        cols = [np.interp(x, xp, [p.weights[s] for p in self.glide_path]) for s in self.sleeve_ids]
        return np.column_stack(cols)

    def valuation_method(self, asset_class: str) -> str:
        """The valuation method for holdings of an asset class."""
        return str(
            self.private.valuation.get(AssetClass(asset_class), self.private.default_valuation)
        )
