"""The outcomes parameter file: savers, cohorts, the private sleeve's return model, utility.

Owns reading and validating an outcomes TOML file into typed pydantic models, with errors that
name the file and the dotted key at fault (the house style of ``altsleeve.fund.Vehicle``), and
the path of the shipped defaults (``outcomes/data/default.toml``, documented in
``docs/outcomes.md``). Must not simulate: the model is in ``_model``.

Units: rates and returns are decimals a year unless a name says monthly; salaries and balances
are real US dollars of the as-of date; ages in years.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, ClassVar, Literal, Self

from pydantic import Field, model_validator

from altsleeve.common.tomlfile import StrictModel, TomlModel

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Funding = Literal["equity", "bonds", "both"]


class MatchTier(StrictModel):
    """The employer adds ``rate`` per dollar the saver puts in on the next ``up_to`` of pay."""

    rate: Annotated[float, Field(ge=0.0, le=2.0)]
    up_to: Share


class SalaryGrowth(StrictModel):
    """Real salary growth a year from ``from_age`` until the next band (age-earnings profile)."""

    from_age: Annotated[float, Field(ge=0.0, le=100.0)]
    real: Annotated[float, Field(ge=-0.5, le=0.5)]


class Cohort(StrictModel):
    """Savers of one age and salary today: they save until retirement, then the balance is read."""

    name: str = Field(min_length=1)
    age: Annotated[float, Field(ge=15.0, le=80.0)]
    salary: Annotated[float, Field(gt=0.0)]
    balance: Annotated[float, Field(ge=0.0)] = 0.0


class Savers(StrictModel):
    """Contributions, match, salary path and hardship withdrawals (the same for every cohort)."""

    retirement_age: Annotated[float, Field(gt=15.0, le=90.0)] = 65.0
    contribution_rate: Share = 0.06
    match: list[MatchTier] = Field(default_factory=list)
    salary_growth: list[SalaryGrowth] = Field(min_length=1)
    hardship_probability: Share = 0.0
    hardship_fraction: Share = 0.0

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        ages = [b.from_age for b in self.salary_growth]
        if ages != sorted(ages) or len(set(ages)) != len(ages):
            raise ValueError("salary_growth bands must have strictly increasing from_age")
        return self


class PrivateFundModel(StrictModel):
    """One fund of the fee stack: its gross return as a factor model on the bootstrapped paths.

    Monthly gross return, before smoothing and fees::

        g_t = r_mkt,t + alpha/12 + (beta_equity - 1) (r_mkt,t - r_f,t)
              + beta_credit (r_baa,t - r_aaa,t) + beta_bonds (r_aaa,t - r_f,t)
              + idio_vol / sqrt(12) * e_t,      e_t ~ N(0, 1) independent

    i.e. ``r_f + alpha + beta_equity * market excess + ...``, written around the market so that
    a fund with ``beta_equity = 1`` and nothing else returns the market bit for bit. Reported
    (smoothed) return, in logs: ``log(1 + y_t) = (1 - smoothing) log(1 + g_t) + smoothing
    log(1 + y_{t-1})`` (Getmansky, Lo and Makarov 2004 style geometric lag, monthly, on the log
    value, so the reported value keeps the true value's long-run growth). ``cash_drag`` is the
    share of the fund's allocation held in T-bills waiting for capital calls (uncalled
    commitments kept liquid).
    """

    alpha: Annotated[float, Field(ge=-0.5, le=0.5)] = 0.0
    beta_equity: Annotated[float, Field(ge=-3.0, le=3.0)] = 1.0
    beta_credit: Annotated[float, Field(ge=-5.0, le=5.0)] = 0.0
    beta_bonds: Annotated[float, Field(ge=-5.0, le=5.0)] = 0.0
    idio_vol: Annotated[float, Field(ge=0.0, le=2.0)] = 0.0
    smoothing: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    cash_drag: Share = 0.0
    description: str = ""


class PrivateModel(StrictModel):
    """The sleeve: the fee stack file it holds (every fee layer) and a return model per fund."""

    fee_stack: str = "sample"
    funding: Funding = "both"
    funds: dict[str, PrivateFundModel] = Field(min_length=1)


class Simulation(StrictModel):
    """History window, bootstrap, fee sensitivity, utility, and the annuity for income."""

    first_month: str = "1957-02"
    mean_block_months: Annotated[float, Field(ge=1.0, le=240.0)] = 24.0
    fee_multipliers: list[Annotated[float, Field(ge=0.0, le=10.0)]] = Field(
        default_factory=lambda: [0.5, 1.5]
    )
    risk_aversion: list[Annotated[float, Field(gt=0.0, le=50.0)]] = Field(
        default_factory=lambda: [3.0]
    )
    annuity_real_rate: Annotated[float, Field(ge=-0.05, le=0.2)] = 0.01
    annuity_years: Annotated[int, Field(ge=1, le=60)] = 25
    block_paths: Annotated[int, Field(ge=1, le=1_000_000)] = 10_000


class OutcomeParams(TomlModel):
    """The whole outcomes file."""

    toml_label: ClassVar[str] = "<outcomes>"

    name: str = "outcomes"
    simulation: Simulation = Field(default_factory=Simulation)
    savers: Savers
    cohorts: list[Cohort] = Field(min_length=1)
    private: PrivateModel

    def rule_problems(self) -> list[tuple[str, str]]:
        """Rules across fields, as ``(dotted key, message)``: every offending cohort is listed.

        A cohort must have at least one month to save before the retirement age, and cohort
        names must be unique.
        """
        out: list[tuple[str, str]] = []
        ret = self.savers.retirement_age
        for i, c in enumerate(self.cohorts):
            if round((ret - c.age) * 12) < 1:
                out.append(
                    (
                        f"cohorts[{i}].age",
                        f"{c.age:g} ({c.name}) leaves less than one month before the "
                        f"retirement age {ret:g}",
                    )
                )
        seen: set[str] = set()
        for i, c in enumerate(self.cohorts):
            if c.name in seen:
                out.append((f"cohorts[{i}].name", f"cohort name {c.name!r} is used twice"))
            seen.add(c.name)
        return out


def default_params_path() -> Path:
    """The shipped defaults (``altsleeve/outcomes/data/default.toml``)."""
    return Path(str(resources.files("altsleeve.outcomes") / "data" / "default.toml"))
