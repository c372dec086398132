"""The committee's policy file: the thresholds the fiduciary evidence report checks.

Owns reading and validating a policy TOML file into typed pydantic models, with errors that name
the file and the dotted key at fault (the house style of ``altsleeve.fund.Vehicle``), and the
path of the shipped sample (``report/data/policy.toml``, documented in ``docs/policy.md``). Must
not evaluate anything: the checks that compare the ledger's figures with these thresholds live
elsewhere in :mod:`altsleeve.report`.

Units: shares are decimals of net assets (0.15 = 15%); fees are basis points a year; days are
calendar days.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Annotated, ClassVar, Literal, Self

from pydantic import Field, model_validator

from altsleeve.common.tomlfile import StrictModel, TomlModel
from altsleeve.domain import AssetClass

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Bp = Annotated[float, Field(ge=0.0, le=10_000.0)]
#: Coverage horizons of the liquidity profile (``altsleeve.liquidity.COVERAGE_HORIZONS``).
Horizon = Literal["3bd", "7d", "30d"]


class PolicyInfo(StrictModel):
    """Who adopted the policy and when it is reviewed."""

    name: str = Field(min_length=1)
    committee: str = Field(min_length=1)
    adopted: dt.date
    review_every_months: Annotated[int, Field(ge=1, le=60)] = 12


class Allocation(StrictModel):
    """The private sleeve's target and cap; a warning within ``warn_margin`` of the cap."""

    private_target: Share
    private_max: Share
    warn_margin: Share = 0.01

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.private_target > self.private_max:
            raise ValueError(
                f"private_target {self.private_target} is above private_max {self.private_max}"
            )
        return self


def _unit_coverage() -> dict[Horizon, float]:
    return {"3bd": 1.0, "7d": 1.0, "30d": 1.0}


class Liquidity(StrictModel):
    """Liquidity minimums, the stress scenarios the sleeve must survive, and how.

    ``coverage_min`` is the least liquid assets over stressed needs per horizon (the liquidity
    profile's coverage ratios); below ``coverage_warn`` times it is a warning.
    """

    highly_liquid_min: Share = 0.10
    cash_buffer_min: Share = 0.01
    coverage_min: dict[Horizon, Annotated[float, Field(gt=0.0, le=1000.0)]] = Field(
        default_factory=_unit_coverage
    )
    coverage_warn: Annotated[float, Field(ge=1.0, le=100.0)] = 1.5
    stress_scenarios: list[str] = Field(default_factory=lambda: ["gfc-2008-09"])
    stress_shortfall_allowed: bool = False
    stress_max_days_above_cap: Annotated[int, Field(ge=0)] = 0


class Fees(StrictModel):
    """The fee budget, in basis points a year.

    ``private_layers_max_bp``: all private layers, of the sleeve's NAV; ``vehicle_max_bp``: the
    vehicle's own layers; ``breakeven_max_bp``: the largest gross excess return over the
    benchmark the committee accepts the sleeve needing.
    """

    private_layers_max_bp: Bp
    vehicle_max_bp: Bp
    breakeven_max_bp: Bp


class Alternative(StrictModel):
    """A comparator: a mix of the ledger's price series (ids, any name) by weight.

    The ids are checked against the ledger by the report (:func:`altsleeve.workflows.evidence.
    policy_problems`): a series the ledger does not know, or one with no prices over the
    vehicle's strikes, is refused naming this key.
    """

    name: str = Field(min_length=1)
    weights: dict[str, Share] = Field(min_length=1)

    @model_validator(mode="after")
    def _sums_to_one(self) -> Self:
        total = sum(self.weights.values())
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"weights sum to {total:.6f}, not 1")
        return self


class Benchmark(StrictModel):
    """The meaningful benchmark (same mandate and risk) and a reasonable set of alternatives.

    ``kind = "glide_without_sleeve"``: the vehicle's own glide path with the sleeve's weight in
    its ``funding`` source, so the comparison isolates the sleeve (DOL 2020 letter: with and
    without the private component). ``kind = "mix"``: the fixed mix in ``weights``.
    """

    name: str = Field(min_length=1)
    kind: Literal["glide_without_sleeve", "mix"] = "glide_without_sleeve"
    funding: Literal["equity", "bonds", "both"] = "both"
    weights: dict[str, Share] = Field(default_factory=dict)
    rationale: str = Field(min_length=1)
    horizon_years: Annotated[int, Field(ge=1, le=50)] = 10
    alternatives: list[Alternative] = Field(default_factory=list)

    @model_validator(mode="after")
    def _mix_has_weights(self) -> Self:
        if self.kind == "mix":
            total = sum(self.weights.values())
            if not self.weights or abs(total - 1.0) > 1e-9:
                raise ValueError("a benchmark of kind 'mix' needs weights that sum to 1")
        return self


class ClassValuation(StrictModel):
    """How one asset class is valued daily, when a mark goes to review, and its testing limits.

    ``challenge_error``: a new GP mark further than this (absolute log error) from the daily value
    on its as-of date is a price challenge even inside the estimate's band (``None``: the band
    alone). ``bias_limit``: a mean log error at arrival beyond this over a testing period is a
    failure of the methodology reported to the board (``altsleeve valuation test``).
    """

    method: Literal["stale", "proxy", "nowcast", "nowcast-ph"] = "nowcast"
    max_staleness_days: Annotated[int, Field(ge=1, le=730)] = 135
    trueup_review: Share = 0.05
    challenge_error: Share | None = None
    bias_limit: Share = 0.05


class Valuation(StrictModel):
    """The valuation policy (SEC Rule 2a-5, ASC 820 practical expedient, OCC 9.18).

    ``appraisal``: the nowcast's model of the GP's smoothing (``geltner``: partial adjustment;
    ``moving_average``: a moving average of the last quarters' values; ``auto``: chosen per
    class at each refit by BIC; docs/valuation.md).
    """

    oversight: str = Field(min_length=1)
    appraisal: Literal["geltner", "moving_average", "auto"] = "geltner"
    classes: dict[AssetClass, ClassValuation] = Field(default_factory=dict)
    default: ClassValuation = Field(default_factory=ClassValuation)

    def for_class(self, asset_class: str) -> ClassValuation:
        """The policy of an asset class (the default where none is named)."""
        return self.classes.get(AssetClass(asset_class), self.default)


class Monitoring(StrictModel):
    """Triggers that must be reported to the committee when they fire."""

    trueup_trigger: Share = 0.05
    cap_breach: bool = True
    coverage_trigger: Annotated[float, Field(gt=0.0, le=1000.0)] = 1.0
    fee_budget: bool = True
    underperformance_years: Annotated[int, Field(ge=1, le=30)] = 3
    #: each failure of the quarter's valuation testing is reported (``altsleeve valuation test``)
    testing_failures: bool = True


class Policy(TomlModel):
    """The whole policy file."""

    toml_label: ClassVar[str] = "<policy>"
    toml_skip: ClassVar[frozenset[str]] = frozenset({"[key]"})

    policy: PolicyInfo
    allocation: Allocation
    liquidity: Liquidity = Field(default_factory=Liquidity)
    fees: Fees
    benchmark: Benchmark
    valuation: Valuation
    monitoring: Monitoring = Field(default_factory=Monitoring)


def sample_policy_path() -> Path:
    """The shipped sample policy (``altsleeve/report/data/policy.toml``)."""
    return Path(str(resources.files("altsleeve.report") / "data" / "policy.toml"))
