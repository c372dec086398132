"""The fee stack file: the private sleeve's fee layers, in order, as typed pydantic models.

Owns reading and validating a fee-stack TOML file into a :class:`FeeStack` (the private funds the
sleeve holds with their management and performance terms, and an optional fund-of-funds layer),
and the vehicle-level basis-point layers taken from a vehicle file's ``[[fees]]``. Errors name the
file and the dotted TOML key at fault, in the style of ``altsleeve.fund.Vehicle``. Must not compute
fees: the arithmetic lives in ``_management``, ``_waterfall``, ``_evergreen`` and ``_stack``.

Units: rates are decimals a year (0.02 = 2%); ``bp_per_year`` is basis points a year of net
assets; weights are shares of the private sleeve; day count ACT/365 throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from altsleeve.common.tomlfile import StrictModel, TomlModel

Rate = Annotated[float, Field(ge=0.0, le=1.0)]
Basis = Literal["commitment", "invested", "nav"]


class Management(StrictModel):
    """A management fee: ``rate`` a year of ``basis``, charged quarterly in advance (ACT/365).

    ``basis`` is ``commitment`` (the commitment, whatever has been called), ``invested`` (net
    invested capital: the cost of the investments not yet realised) or ``nav`` (net asset value).
    A step-down after the investment period switches to ``step_down_basis`` at
    ``step_down_rate`` from ``step_down_after_years`` after the first close (DOMAIN.md section 4:
    1.5-2% on commitments in the investment period, then on invested capital).
    """

    basis: Basis = "commitment"
    rate: Rate
    step_down_after_years: float | None = Field(default=None, gt=0.0, le=30.0)
    step_down_basis: Basis | None = None
    step_down_rate: Rate | None = None

    @model_validator(mode="after")
    def _step_down(self) -> Self:
        has_terms = self.step_down_basis is not None or self.step_down_rate is not None
        if has_terms and self.step_down_after_years is None:
            raise ValueError("step_down_basis / step_down_rate need step_down_after_years")
        return self

    def terms_after(self, years: float) -> tuple[Basis, float]:
        """The basis and rate in force ``years`` after the first close."""
        if self.step_down_after_years is not None and years >= self.step_down_after_years:
            basis = self.step_down_basis or self.basis
            rate = self.rate if self.step_down_rate is None else self.step_down_rate
            return basis, rate
        return self.basis, self.rate

    def describe(self) -> tuple[str, str, str]:
        """``(basis, rate, terms)`` in words for a committee table."""
        rate = f"{100 * self.rate:.2f}% a year"
        terms = "quarterly in advance, ACT/365"
        if self.step_down_after_years is not None:
            b, r = self.terms_after(self.step_down_after_years)
            terms = f"after {self.step_down_after_years:g} years: {100 * r:.2f}% on {b}; " + terms
        return self.basis, rate, terms


class Carry(StrictModel):
    """Carried interest through a distribution waterfall (ILPA Principles 3.0; DOMAIN.md s. 4).

    Tiers: return of contributed capital; ``preferred_return`` a year compounded (ACT/365) on
    contributions; GP catch-up, in which the GP takes ``catch_up`` of each dollar (1.0 = full
    catch-up, 0 = none) until it has ``rate`` of the profits distributed; then ``rate`` to the GP
    and the rest to the LPs. ``waterfall`` is ``european`` (whole fund, cumulative) or
    ``american`` (deal by deal, realised losses carried forward). ``clawback`` makes the GP
    return, at the end of the fund, carry beyond ``rate`` of the fund's net profit or what the
    LPs lack of capital plus preferred return. ``return_fees``: management fees are returned to
    the LPs with capital (European: always, as contributions; American: allocated to the deals
    held when each fee was paid, pro rata to cost).
    """

    rate: Rate
    preferred_return: Rate = 0.08
    catch_up: Rate = 1.0
    waterfall: Literal["european", "american"] = "european"
    clawback: bool = True
    return_fees: bool = True

    @field_validator("catch_up")
    @classmethod
    def _catch_up_above_rate(cls, v: float, info: ValidationInfo) -> float:
        rate = info.data.get("rate")
        if rate is not None and 0.0 < v <= rate:
            raise ValueError(f"catch_up {v} must exceed the carry rate {rate} (or be 0: none)")
        return v

    def describe(self) -> tuple[str, str, str]:
        """``(basis, rate, terms)`` in words for a committee table."""
        cu = (
            "no catch-up"
            if self.catch_up == 0
            else ("full catch-up" if self.catch_up == 1 else f"{100 * self.catch_up:g}% catch-up")
        )
        terms = (
            f"{self.waterfall} waterfall, {100 * self.preferred_return:g}% preferred return "
            f"(compounded, ACT/365), {cu}" + (", clawback" if self.clawback else ", no clawback")
        )
        return "profits", f"{100 * self.rate:g}% carry", terms


class Incentive(StrictModel):
    """An evergreen fund's incentive fee over a hurdle with a high-water mark.

    At each crystallisation date (``quarterly`` or ``annual``, counted from the subscription) the
    manager takes ``rate`` of the NAV (after the management fee) above the threshold
    ``max(HWM, NAV_start * (1 + hurdle)^years)``; with ``catch_up`` the manager instead takes up
    to ``rate`` of the whole gain above ``max(HWM, NAV_start)``, but only what exceeds the
    threshold. The HWM is the highest NAV after fees at a crystallisation date (DOMAIN.md s. 8:
    a large evergreen real-estate fund charges 12.5% over a 5% hurdle).
    """

    rate: Rate
    hurdle: Rate = 0.05
    high_water_mark: bool = True
    crystallisation: Literal["quarterly", "annual"] = "annual"
    catch_up: bool = False

    def describe(self) -> tuple[str, str, str]:
        """``(basis, rate, terms)`` in words for a committee table."""
        when = "annually" if self.crystallisation == "annual" else "quarterly"
        terms = (
            f"over a hurdle of {100 * self.hurdle:g}% a year"
            + (", high-water mark" if self.high_water_mark else ", no high-water mark")
            + (", catch-up" if self.catch_up else "")
            + f", crystallised {when}"
        )
        return "NAV gain", f"{100 * self.rate:g}% incentive", terms


class DrawdownFund(StrictModel):
    """A closed-end fund with commitments: management fee plus carried interest."""

    id: str = Field(min_length=1)
    kind: Literal["drawdown"]
    weight: Rate
    description: str = ""
    management: Management | None = None
    carry: Carry | None = None


class EvergreenFund(StrictModel):
    """A perpetual (evergreen) fund: management fee on NAV plus an incentive fee."""

    id: str = Field(min_length=1)
    kind: Literal["evergreen"]
    weight: Rate
    description: str = ""
    management: Management | None = None
    incentive: Incentive | None = None

    @field_validator("management")
    @classmethod
    def _nav_basis(cls, m: Management | None) -> Management | None:
        if m is not None and (m.basis != "nav" or m.step_down_after_years is not None):
            raise ValueError("an evergreen fund's management fee is on NAV, without a step-down")
        return m


Fund = Annotated[DrawdownFund | EvergreenFund, Field(discriminator="kind")]


class FundOfFunds(StrictModel):
    """A fund-of-funds layer on top of every fund of the sleeve (DOMAIN.md s. 8: 0.5-1% + 5-10%).

    ``management`` is charged on the sleeve's commitments (drawdown funds) or NAV. ``carry`` is a
    European waterfall on the fund-of-funds' own flows for a drawdown fund, and an incentive fee
    over ``preferred_return`` with a high-water mark, crystallised annually, on an evergreen fund.
    """

    name: str = Field(default="fund-of-funds", min_length=1)
    management: Management | None = None
    carry: Carry | None = None

    @field_validator("management")
    @classmethod
    def _basis(cls, m: Management | None) -> Management | None:
        if m is not None and (m.basis == "invested" or m.step_down_basis == "invested"):
            raise ValueError("a fund-of-funds management fee is on commitment or NAV")
        return m


class StackInfo(StrictModel):
    """Identity of the fee stack."""

    name: str = Field(min_length=1)
    description: str = ""
    currency: str = "USD"


class FeeStack(TomlModel):
    """The private sleeve's fee layers: funds (level 1), then an optional fund of funds.

    Examples
    --------
    >>> from altsleeve.fees import FeeStack, sample_stack_path
    >>> stack = FeeStack.from_toml(sample_stack_path())
    >>> [f.id for f in stack.funds]
    ['buyout', 'real-estate-evergreen']
    """

    toml_label: ClassVar[str] = "<stack>"
    toml_context: ClassVar[dict[str, Any] | None] = {"defer_rules": True}
    toml_skip: ClassVar[frozenset[str]] = frozenset(
        {"drawdown", "evergreen"}
    )  # a discriminated union's tag

    stack: StackInfo
    funds: list[Fund] = Field(min_length=1)
    fund_of_funds: FundOfFunds | None = None

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Self:
        if info.context and info.context.get("defer_rules"):
            return self  # from_mapping reports them with their keys
        problems = self.rule_problems()
        if problems:
            raise ValueError("; ".join(f"{k}: {m}" for k, m in problems))
        return self

    def rule_problems(self) -> list[tuple[str, str]]:
        """The rules that span funds, as ``(dotted key, message)`` pairs (empty when valid)."""
        out: list[tuple[str, str]] = []
        total = sum(f.weight for f in self.funds)
        if abs(total - 1.0) > 1e-6:
            out.append(("funds", f"funds weights sum to {total:.6f}, not 1"))
        ids = [f.id for f in self.funds]
        for i, fid in enumerate(ids):
            if fid in ids[:i]:
                out.append((f"funds[{i}].id", f"fund ids repeat: {ids}"))
                break
        return out


@dataclass(frozen=True)
class VehicleLayer:
    """A vehicle-level fee (trustee, wrapper, TDF manager): ``bp_per_year`` of net assets.

    Accrued on ACT/365 like the vehicle's daily strike (docs/vehicle.md ``[[fees]]``).
    ``incremental_bp`` is the part of ``bp_per_year`` the vehicle charges only because it holds
    the private sleeve (what the sleeve adds); the rest, :attr:`base_bp`, it charges with or
    without the sleeve, so it is not the sleeve's cost (issue 17).
    """

    name: str
    bp_per_year: float
    incremental_bp: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.incremental_bp <= self.bp_per_year:
            raise ValueError(
                f"vehicle layer {self.name!r}: incremental_bp {self.incremental_bp:g} must be in "
                f"[0, bp_per_year = {self.bp_per_year:g}]"
            )

    @property
    def base_bp(self) -> float:
        """The bp a year charged with or without the sleeve."""
        return self.bp_per_year - self.incremental_bp


def vehicle_layers(fees: Any) -> list[VehicleLayer]:
    """Vehicle layers from a vehicle's ``fees`` list (``altsleeve.fund.Vehicle.fees``)."""
    return [
        VehicleLayer(
            str(f.name),
            float(f.bp_per_year),
            float(getattr(f, "incremental_bp_per_year", 0.0)),
        )
        for f in fees
    ]


def sample_stack_path() -> Path:
    """The shipped sample fee stack (``altsleeve/fees/data/sample_stack.toml``)."""
    return Path(str(resources.files("altsleeve.fees") / "data" / "sample_stack.toml"))
