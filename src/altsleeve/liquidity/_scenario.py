"""Stress scenarios: what a stress test replays or projects, and the shocks laid over it.

Owns the scenario file format (TOML, validated with pydantic; errors name the file and the dotted
key), the built-in scenarios shipped in ``liquidity/data/scenarios/`` and combining scenarios
with extra shocks. Must not strike, value holdings or touch the ledger: the stress engine
(``_stress``) applies a scenario, the edge (:mod:`altsleeve.workflows.stress`) builds its base path.

A scenario has a **base** and a list of **shocks**:

- ``[base] kind = "replay"``: the real public-market history of a window (``start`` to ``end``)
  as the arch data files ship it, with the book's own (synthetic) private values, capital calls
  and distributions and its participant orders in that window.
- ``[base] kind = "projection"``: ``days`` business days after ``as_of`` (default: the last day
  struck) with flat public markets (cash earns its last known rate), the private book's expected
  calls and distributions (Takahashi-Alexander, from its state as known on ``as_of``) and the
  trailing year's average participant flows.

Shocks (``[[shocks]]``, each with ``kind``; ``start``/``end`` limit it to part of the window,
default the whole window, and ``after_days`` instead of ``start`` starts it that many business
days after the path's first day, so a projection scenario works from any day; they combine in the
order listed; a shock dated outside its path is refused at the edge, not silently skipped):

========================  ==================================================================
``equity``                ``change`` (decimal, e.g. -0.40) of the equity sleeves' levels,
                          reached linearly over ``over_days`` business days from ``start``
                          and held; the private sleeve's true value moves by
                          ``private_beta x change`` and its reported value follows the true
                          one ``report_lag_days`` calendar days later (a stale mark).
``calls``                 capital calls times ``multiplier`` (the extra calls add to NAV).
``distributions``         distributions times ``multiplier`` (what is withheld stays in NAV).
``calls_over_distributions``  per calendar year, distributions rescaled so that calls are
                          ``ratios[year]`` times distributions (2008: 2.5, 2009: 1.9).
``redemptions``           participant redemptions times ``multiplier``.
``purchases``             participant purchases times ``multiplier``.
``plan_withdrawal``       on ``start`` (or ``after_days`` in), a plan leaves: ``share`` of
                          the previous day's net assets is redeemed (a lumpy plan-level
                          withdrawal).
``gate``                  plan-level withdrawals are paid at most ``share_per_quarter`` of net
                          assets a quarter (63 business days), the rest queued (a CIT may ask
                          for notice on plan withdrawals, OCC 12 CFR 9.18); participant-directed
                          redemptions are never gated (daily liquidity).
``secondary``             the vehicle may sell a strip of its private book on the secondary
                          market at ``discount`` to NAV: to pay a shortfall, and to cure a cap
                          breach if ``cure_cap`` is true.
========================  ==================================================================

Units: shares and changes are decimals; days are business days unless named calendar days.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field, model_validator

from altsleeve.common.tomlfile import StrictModel, TomlModel
from altsleeve.errors import InputError, Problem


class ScenarioInfo(StrictModel):
    """Identity and provenance of a scenario."""

    id: str = Field(min_length=1)
    title: str = ""
    notes: str = ""
    sources: list[str] = Field(default_factory=list)


class Base(StrictModel):
    """The path the shocks are laid over: a replay window of real data or a flat projection."""

    kind: Literal["replay", "projection"]
    start: dt.date | None = None
    end: dt.date | None = None
    as_of: dt.date | None = None
    days: int = Field(default=252, ge=1, le=2520)

    @model_validator(mode="after")
    def _window(self) -> Base:
        if self.kind == "replay":
            if self.start is None or self.end is None:
                raise ValueError("a replay needs start and end")
            if self.end <= self.start:
                raise ValueError(f"end {self.end} is not after start {self.start}")
        elif self.start is not None or self.end is not None:
            raise ValueError("a projection takes as_of and days, not start and end")
        return self


class _Dated(StrictModel):
    start: dt.date | None = None
    end: dt.date | None = None
    after_days: int | None = Field(default=None, ge=1, le=2520)

    @model_validator(mode="after")
    def _one_start(self) -> Any:
        if self.start is not None and self.after_days is not None:
            raise ValueError("give start (a date) or after_days (business days in), not both")
        return self


class EquityShock(_Dated):
    """The equity sleeves fall (or rise) by ``change``, linearly over ``over_days``."""

    kind: Literal["equity"]
    change: float = Field(gt=-1.0, le=10.0)
    over_days: int = Field(default=1, ge=1)
    private_beta: float = Field(default=0.6, ge=0.0, le=3.0)
    report_lag_days: int = Field(default=120, ge=0, le=730)


class MultiplierShock(_Dated):
    """A flow multiplied over the shock's dates."""

    kind: Literal["calls", "distributions", "redemptions", "purchases"]
    multiplier: float = Field(ge=0.0, le=100.0)


class RatioShock(_Dated):
    """Calls over distributions per calendar year (distributions are rescaled to reach it)."""

    kind: Literal["calls_over_distributions"]
    ratios: dict[str, Annotated[float, Field(gt=0.0, le=100.0)]]

    @model_validator(mode="after")
    def _years(self) -> RatioShock:
        for y in self.ratios:
            if not (y.isdigit() and len(y) == 4):
                raise ValueError(f"ratios key {y!r} is not a year")
        return self


class PlanWithdrawal(_Dated):
    """A plan leaves the vehicle on ``start``: ``share`` of net assets redeemed."""

    kind: Literal["plan_withdrawal"]
    share: float = Field(gt=0.0, lt=1.0)


class Gate(_Dated):
    """Plan-level withdrawals paid at most ``share_per_quarter`` of net assets a quarter."""

    kind: Literal["gate"]
    share_per_quarter: float = Field(gt=0.0, le=1.0)


class Secondary(_Dated):
    """Secondary sales of the private book at ``discount`` to NAV are allowed."""

    kind: Literal["secondary"]
    discount: float = Field(ge=0.0, lt=1.0)
    cure_cap: bool = False


Shock = Annotated[
    EquityShock | MultiplierShock | RatioShock | PlanWithdrawal | Gate | Secondary,
    Field(discriminator="kind"),
]


class Scenario(TomlModel):
    """A stress scenario: a base path and the shocks laid over it, in order."""

    toml_label: ClassVar[str] = "<scenario>"
    # the tags of the shocks' discriminated union: the index already names the shock
    toml_skip: ClassVar[frozenset[str]] = frozenset(
        {
            "equity",
            "calls",
            "distributions",
            "redemptions",
            "purchases",
            "calls_over_distributions",
            "plan_withdrawal",
            "gate",
            "secondary",
        }
    )

    scenario: ScenarioInfo
    base: Base
    shocks: list[Shock] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_of_each_policy(self) -> Scenario:
        for kind in ("secondary", "gate"):
            if sum(1 for s in self.shocks if s.kind == kind) > 1:
                raise ValueError(f"at most one '{kind}' shock")
        for s in self.shocks:
            if s.kind == "plan_withdrawal" and s.start is None and s.after_days is None:
                raise ValueError("a plan_withdrawal needs its start date or after_days")
        return self

    @property
    def id(self) -> str:
        """The scenario's id."""
        return self.scenario.id

    def with_shocks(self, extra: list[Any], suffix: str = "") -> Scenario:
        """Return the scenario with ``extra`` shocks (mappings or shock models) appended."""
        data = self.model_dump()
        data["shocks"] = [*data["shocks"], *[_as_dict(s) for s in extra]]
        if suffix:
            data["scenario"]["id"] = f"{self.id}{suffix}"
        return Scenario.model_validate(data)


def _as_dict(shock: Any) -> dict[str, Any]:
    if isinstance(shock, BaseModel):
        return shock.model_dump()
    return dict(shock)


def builtin_scenario_paths() -> dict[str, Path]:
    """The shipped scenario files by id (``liquidity/data/scenarios/*.toml``), sorted by id."""
    folder = Path(str(resources.files("altsleeve.liquidity").joinpath("data", "scenarios")))
    out = {}
    for f in sorted(folder.glob("*.toml")):
        out[f.stem] = f
    return out


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario by id, or a scenario file by path.

    Raises
    ------
    InputError
        Neither a built-in id nor a readable, valid scenario file.
    """
    builtin = builtin_scenario_paths()
    if str(name_or_path) in builtin:
        return Scenario.from_toml(builtin[str(name_or_path)])
    p = Path(name_or_path)
    if not p.exists():
        known = ", ".join(builtin)
        raise InputError([Problem(str(p), f"no such file, nor a built-in scenario ({known})")])
    return Scenario.from_toml(p)


def parse_shock(text: str) -> dict[str, Any]:
    """A shock from a command-line ``KIND=VALUE`` (e.g. ``equity=-0.4``, ``calls=1.5``).

    ``equity=C`` is an equity change over one day; ``calls``, ``distributions``, ``redemptions``
    and ``purchases`` take a multiplier; ``secondary=D`` a discount; ``gate=S`` a share a quarter;
    ``plan_withdrawal=S@YYYY-MM-DD`` a share on a date.

    Raises
    ------
    ValueError
        The text is not one of these forms.
    """
    kind, sep, value = text.partition("=")
    kind = kind.strip().replace("-", "_")
    if not sep:
        raise ValueError(f"shock {text!r}: use KIND=VALUE, e.g. equity=-0.4")
    try:
        if kind == "equity":
            return {"kind": "equity", "change": float(value)}
        if kind in ("calls", "distributions", "redemptions", "purchases"):
            return {"kind": kind, "multiplier": float(value)}
        if kind == "secondary":
            return {"kind": "secondary", "discount": float(value)}
        if kind == "gate":
            return {"kind": "gate", "share_per_quarter": float(value)}
        if kind == "plan_withdrawal":
            share, _, day = value.partition("@")
            if not day:
                raise ValueError("needs SHARE@DATE")
            return {"kind": kind, "share": float(share), "start": dt.date.fromisoformat(day)}
    except ValueError as exc:
        raise ValueError(f"shock {text!r}: {exc}") from None
    raise ValueError(
        f"shock {text!r}: unknown kind {kind!r} (equity, calls, distributions, redemptions, "
        "purchases, secondary, gate, plan_withdrawal)"
    )
