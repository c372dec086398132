"""Every number of the synthetic sample book, in frozen dataclasses with documented defaults.

Owns :class:`AssetClassParams`, :class:`StatementParams`, :class:`FlowParams`,
:class:`SampleBookParams` and :data:`DEFAULT_PARAMS`. The generator modules read all their numbers
from here (no magic numbers elsewhere); ``docs/sample-book.md`` explains each field by name, with
its unit and source. Holds no logic beyond range checks; must not import the generator, the ledger
or do I/O.

Conventions: returns and rates are decimals (0.05 = 5%), annual unless a name says otherwise;
amounts are US dollars; drift accrues ACT/365 on calendar days; volatility scales with business
days (``business_days_per_year``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from altsleeve.domain import AssetClass, VehicleType


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


@dataclass(frozen=True)
class AssetClassParams:
    """Factor model, smoothing and pacing assumptions for one asset class.

    Attributes
    ----------
    asset_class : AssetClass
        The class these numbers describe.
    n_funds : int
        Number of funds of this class in the book.
    semi_liquid_vehicles : tuple[VehicleType, ...]
        Vehicle types of this class's perpetual (non-drawdown) funds, given in order to the
        earliest vintages; the other funds are drawdown funds.
    driver : str
        Series id of the daily public index that drives the class (and the holding's proxy).
    beta : float
        Mean loading on the driver's daily log return.
    beta_dispersion : float
        Fund-level dispersion of beta: log-normal, ``beta_f = beta * exp(s * z - s^2 / 2)``.
    alpha : float
        Mean annual log drift on top of ``beta * r`` (decimal a year, ACT/365); ``r`` is a
        total-return driver, so alpha is the excess over the driver's income too.
    alpha_dispersion : float
        Standard deviation of the fund's alpha around ``alpha`` (decimal a year).
    idio_vol : float
        Mean annual volatility of the fund's idiosyncratic daily log shocks (decimal).
    idio_vol_dispersion : float
        Fund-level log-normal dispersion of ``idio_vol`` (like ``beta_dispersion``).
    smoothing_a : float
        Geltner (1993) partial-adjustment weight ``a`` on the current true quarterly return in
        the GP's reported return ``r*_q = a r_q + (1 - a) r*_{q-1}`` (``rho = 1 - a``).
    appraisal_noise_sd : float
        Standard deviation of the appraisal noise added to each reported quarterly return.
    rate_of_contribution : tuple[float, ...]
        Takahashi-Alexander RC by year of life (annual, decimal; last value repeats).
    life_years : int
        Takahashi-Alexander life L of a drawdown fund, years (centre of the draw).
    life_spread_years : int
        Drawn life is uniform on the integers ``life_years +/- life_spread_years``.
    bow : float
        Takahashi-Alexander bow factor B (centre of the draw).
    bow_spread : float
        Drawn bow is uniform on ``bow +/- bow_spread``.
    yield_ : float
        Takahashi-Alexander yield Y (annual, decimal): floor on the rate of distribution of
        drawdown funds and the income distribution rate of perpetual funds.
    call_noise_sd : float
        Log-normal noise on each quarter's rate of contribution (mean-one factor).
    distribution_noise_sd : float
        Log-normal noise on each quarter's rate of distribution (mean-one factor).
    distribution_skip_probability : float
        Chance that a drawdown fund pays nothing in a quarter (lumpy exits); paid rates are
        scaled by ``1 / (1 - p)`` so the expected rate is the Takahashi-Alexander one.
    management_fee_rate : float
        Annual management fee of a drawdown fund (decimal), paid quarterly in advance as
        ``fee`` rows outside NAV: on the commitment during the investment period, then on
        net invested capital (paid-in less distributions, floored at zero).
    investment_period_years : int
        Years from inception during which the fee base is the commitment.

    """

    asset_class: AssetClass
    n_funds: int
    semi_liquid_vehicles: tuple[VehicleType, ...]
    driver: str
    beta: float
    beta_dispersion: float
    alpha: float
    alpha_dispersion: float
    idio_vol: float
    idio_vol_dispersion: float
    smoothing_a: float
    appraisal_noise_sd: float
    rate_of_contribution: tuple[float, ...]
    life_years: int
    life_spread_years: int
    bow: float
    bow_spread: float
    yield_: float
    call_noise_sd: float
    distribution_noise_sd: float
    distribution_skip_probability: float
    management_fee_rate: float
    investment_period_years: int

    def __post_init__(self) -> None:
        """Check ranges; raise :class:`ValueError` on an impossible value."""
        name = self.asset_class.value
        _check(self.n_funds >= 0, f"{name}: n_funds must be >= 0")
        _check(
            len(self.semi_liquid_vehicles) <= self.n_funds,
            f"{name}: more semi_liquid_vehicles than funds",
        )
        _check(
            VehicleType.DRAWDOWN not in self.semi_liquid_vehicles,
            f"{name}: semi_liquid_vehicles must not list drawdown",
        )
        _check(
            _finite(
                self.beta,
                self.beta_dispersion,
                self.alpha,
                self.alpha_dispersion,
                self.idio_vol,
                self.idio_vol_dispersion,
                self.appraisal_noise_sd,
                self.bow,
                self.bow_spread,
                self.call_noise_sd,
                self.distribution_noise_sd,
                self.management_fee_rate,
            ),
            f"{name}: parameters must be finite",
        )
        _check(self.beta_dispersion >= 0 and self.alpha_dispersion >= 0, f"{name}: dispersion")
        _check(self.idio_vol >= 0 and self.idio_vol_dispersion >= 0, f"{name}: idio_vol")
        _check(0.0 < self.smoothing_a <= 1.0, f"{name}: smoothing_a must be in (0, 1]")
        _check(self.appraisal_noise_sd >= 0, f"{name}: appraisal_noise_sd must be >= 0")
        _check(len(self.rate_of_contribution) > 0, f"{name}: rate_of_contribution is empty")
        _check(
            all(0.0 <= rc <= 1.0 for rc in self.rate_of_contribution),
            f"{name}: rate_of_contribution values must be in [0, 1]",
        )
        _check(
            self.life_years - self.life_spread_years > 0 and self.life_spread_years >= 0,
            f"{name}: life_years - life_spread_years must be positive",
        )
        _check(
            self.bow - self.bow_spread > 0.0 and self.bow_spread >= 0,
            f"{name}: bow - bow_spread must be positive",
        )
        _check(0.0 <= self.yield_ < 1.0, f"{name}: yield_ must be in [0, 1)")
        _check(self.call_noise_sd >= 0 and self.distribution_noise_sd >= 0, f"{name}: noise")
        _check(
            0.0 <= self.distribution_skip_probability < 1.0,
            f"{name}: distribution_skip_probability must be in [0, 1)",
        )
        _check(0.0 <= self.management_fee_rate < 1.0, f"{name}: management_fee_rate")
        _check(self.investment_period_years >= 0, f"{name}: investment_period_years >= 0")


@dataclass(frozen=True)
class StatementParams:
    """When GP statements become known, and how many are late or missing.

    Attributes
    ----------
    lag_days_min : int
        Shortest on-time release lag for Q1-Q3 marks, calendar days after the quarter end.
    lag_days_max : int
        Longest on-time release lag for Q1-Q3 marks (uniform integer draw, inclusive).
    q4_lag_days_min : int
        Shortest on-time release lag for Q4 (year-end, audited) marks.
    q4_lag_days_max : int
        Longest on-time release lag for Q4 marks.
    late_probability : float
        Chance that a statement is late: extra days are added to its lag.
    late_extra_days_min : int
        Fewest extra calendar days of a late statement.
    late_extra_days_max : int
        Most extra calendar days of a late statement.
    missing_probability : float
        Chance that a quarter has no statement at all.

    """

    lag_days_min: int = 45
    lag_days_max: int = 90
    q4_lag_days_min: int = 75
    q4_lag_days_max: int = 120
    late_probability: float = 0.10
    late_extra_days_min: int = 30
    late_extra_days_max: int = 90
    missing_probability: float = 0.05

    def __post_init__(self) -> None:
        """Check ranges; raise :class:`ValueError` on an impossible value."""
        _check(0 <= self.lag_days_min <= self.lag_days_max, "lag_days_min/max")
        _check(0 <= self.q4_lag_days_min <= self.q4_lag_days_max, "q4_lag_days_min/max")
        _check(0 <= self.late_extra_days_min <= self.late_extra_days_max, "late_extra_days")
        _check(0.0 <= self.late_probability <= 1.0, "late_probability must be in [0, 1]")
        _check(0.0 <= self.missing_probability < 1.0, "missing_probability must be in [0, 1)")


@dataclass(frozen=True)
class FlowParams:
    """Participant orders of the target-date vehicle (purchases and redemptions, dollars).

    Attributes
    ----------
    vehicle : str
        Vehicle id written in the ``orders`` table.
    reference_assets_start : float
        Size of the reference asset path on the first calendar day, dollars.
    reference_assets_growth : float
        Annual growth of the reference asset path (decimal, compounded ACT/365).
    deferral_rate : float
        Employee plus employer contributions as a share of pay (decimal).
    payroll_to_assets : float
        Participants' annual pay per dollar of vehicle assets (ratio).
    payroll_interval_days : int
        Calendar days between paydays (bi-weekly payroll).
    payroll_weekday : int
        Weekday of payday (Monday = 0, Friday = 4); a holiday moves it to the business day
        before.
    contribution_noise_sd : float
        Log-normal noise on each payroll purchase (mean-one factor).
    routine_redemption_rate : float
        Routine redemptions per year as a share of reference assets (decimal, ACT/365 accrual).
    redemption_noise_sd : float
        Log-normal noise on each day's routine redemptions (mean-one factor).
    stress_driver : str
        Series id whose trailing return flags stress.
    stress_window_days : int
        Business days in the trailing return that flags stress.
    stress_threshold : float
        Trailing return (decimal) below which a day is a stress trigger.
    stress_hold_days : int
        Business days the stress state lasts after the latest trigger (a "stress month").
    stress_multiplier : float
        Factor on routine redemptions while in stress.
    lumpy_rate_per_year : float
        Poisson intensity of plan-level withdrawals, events a year.
    lumpy_fraction_min : float
        Smallest plan-level withdrawal, share of reference assets (decimal).
    lumpy_fraction_max : float
        Largest plan-level withdrawal, share of reference assets (uniform draw).

    """

    vehicle: str = "TDF2045"
    reference_assets_start: float = 1.0e9
    reference_assets_growth: float = 0.08
    deferral_rate: float = 0.12
    payroll_to_assets: float = 0.8
    payroll_interval_days: int = 14
    payroll_weekday: int = 4
    contribution_noise_sd: float = 0.05
    routine_redemption_rate: float = 0.04
    redemption_noise_sd: float = 0.5
    stress_driver: str = "SP500"
    stress_window_days: int = 21
    stress_threshold: float = -0.10
    stress_hold_days: int = 21
    stress_multiplier: float = 3.0
    lumpy_rate_per_year: float = 0.25
    lumpy_fraction_min: float = 0.01
    lumpy_fraction_max: float = 0.05

    def __post_init__(self) -> None:
        """Check ranges; raise :class:`ValueError` on an impossible value."""
        _check(self.reference_assets_start > 0, "reference_assets_start must be > 0")
        _check(self.reference_assets_growth > -1, "reference_assets_growth must be > -1")
        _check(self.deferral_rate >= 0 and self.payroll_to_assets >= 0, "contributions")
        _check(self.payroll_interval_days >= 1, "payroll_interval_days must be >= 1")
        _check(0 <= self.payroll_weekday <= 6, "payroll_weekday must be 0-6")
        _check(self.contribution_noise_sd >= 0, "contribution_noise_sd must be >= 0")
        _check(self.routine_redemption_rate >= 0, "routine_redemption_rate must be >= 0")
        _check(self.redemption_noise_sd >= 0, "redemption_noise_sd must be >= 0")
        _check(self.stress_window_days >= 1, "stress_window_days must be >= 1")
        _check(self.stress_hold_days >= 1, "stress_hold_days must be >= 1")
        _check(self.stress_multiplier >= 0, "stress_multiplier must be >= 0")
        _check(self.lumpy_rate_per_year >= 0, "lumpy_rate_per_year must be >= 0")
        _check(
            0 <= self.lumpy_fraction_min <= self.lumpy_fraction_max < 1,
            "lumpy_fraction_min/max must satisfy 0 <= min <= max < 1",
        )


@dataclass(frozen=True)
class PacingParams:
    """How the book's commitments are sized: the pacing rule, point in time (issue 17 item 5).

    Each January the year's commitment is decided from what is known on the last business day
    before it: the vehicle's net assets and private share (the generator's mirror of the strike,
    :func:`~altsleeve.samplebook.vehicle_path`), the funds' paid-in capital, values and ages, and
    the participants' net flow over the past year. The planner figure is the commitment whose
    projected private share, averaged over the quarters one to ``lead_years`` years on, meets
    ``target`` (the pacing planner's ``aim="average"`` rule on the expected Takahashi-Alexander
    paths of the class defaults); a feedback term adds ``feedback`` times the realised gap
    (``target`` minus the share now) times net assets; the result is smoothed by partial
    adjustment and a bounded step; and it is lowered so that no projected quarter exceeds
    ``cap_guard``. The year's amount is split across that year's funds by their drawn sizes.

    Attributes
    ----------
    rule : str
        ``planner`` (the rule above), ``constant`` (``constant_amount`` dollars every year) or
        ``draw`` (each fund a uniform draw on [commitment_min, commitment_max], the book before
        issue 17).
    constant_amount : float
        Dollars a year for ``rule="constant"``.
    initial_assets : float
        The vehicle's assets on the first day, dollars (the sample vehicle's ``initial_assets``).
    liquid_mix : tuple of (str, float)
        Series and weights of the vehicle's liquid sleeves (the glide path's equity, bonds and
        cash before 2030), rebalanced daily in the mirror; normalised to sum to 1.
    vehicle_fee : float
        The vehicle's fees a year on all net assets (trustee plus wrapper), decimal.
    target : float
        Private share the rule aims at (decimal of net assets).
    cap_guard : float
        Highest projected private share a commitment may plan for in any quarter (headroom
        under the 15% maximum for a market fall that shrinks the liquid part).
    lead_years : int
        Years of quarters averaged by the aim (from one year on to this many).
    expected_return : float
        Expected annual return of the vehicle used to project its net assets (decimal).
    feedback : float
        Share of the realised gap times net assets added to the planner figure.
    smoothing : float
        Partial adjustment: the year's commitment moves this share of the way from last year's
        to the new figure (1 = no smoothing).
    max_step : float
        Largest change of the yearly commitment from the previous year's, decimal of net assets.

    """

    rule: str = "planner"
    constant_amount: float = 0.0
    initial_assets: float = 1.0e9
    liquid_mix: tuple[tuple[str, float], ...] = (
        ("SP500_TR", 0.80),
        ("BOND_AAA_TR_D", 0.08),
        ("CASH_TBILL_D", 0.02),
    )
    vehicle_fee: float = 0.0035
    target: float = 0.09
    cap_guard: float = 0.12
    lead_years: int = 3
    expected_return: float = 0.06
    feedback: float = 0.5
    smoothing: float = 0.5
    max_step: float = 0.02

    def __post_init__(self) -> None:
        """Check ranges; raise :class:`ValueError` on an impossible value."""
        _check(self.rule in ("planner", "constant", "draw"), f"rule {self.rule!r}")
        _check(self.constant_amount >= 0, "constant_amount must be >= 0")
        _check(self.initial_assets > 0, "initial_assets must be > 0")
        _check(
            len(self.liquid_mix) > 0 and all(w >= 0 for _, w in self.liquid_mix),
            "liquid_mix weights must be >= 0",
        )
        _check(sum(w for _, w in self.liquid_mix) > 0, "liquid_mix weights sum to 0")
        _check(0 <= self.vehicle_fee < 1, "vehicle_fee must be in [0, 1)")
        _check(0 < self.target <= self.cap_guard < 1, "need 0 < target <= cap_guard < 1")
        _check(self.lead_years >= 1, "lead_years must be >= 1")
        _check(self.feedback >= 0, "feedback must be >= 0")
        _check(0 < self.smoothing <= 1, "smoothing must be in (0, 1]")
        _check(self.max_step > 0, "max_step must be > 0")


def _default_classes() -> tuple[AssetClassParams, ...]:
    return (
        AssetClassParams(
            asset_class=AssetClass.BUYOUT,
            n_funds=9,
            semi_liquid_vehicles=(),
            driver="SP500_TR",
            beta=1.0,
            beta_dispersion=0.15,
            alpha=0.02,
            alpha_dispersion=0.02,
            idio_vol=0.15,
            idio_vol_dispersion=0.2,
            smoothing_a=0.5,
            appraisal_noise_sd=0.01,
            rate_of_contribution=(0.25, 0.333, 0.5),
            life_years=11,
            life_spread_years=1,
            bow=2.5,
            bow_spread=0.5,
            yield_=0.0,
            call_noise_sd=0.3,
            distribution_noise_sd=0.3,
            distribution_skip_probability=0.3,
            management_fee_rate=0.02,
            investment_period_years=5,
        ),
        AssetClassParams(
            asset_class=AssetClass.VENTURE,
            n_funds=5,
            semi_liquid_vehicles=(),
            driver="NASDAQ_TR",
            beta=1.4,
            beta_dispersion=0.15,
            alpha=0.006,
            alpha_dispersion=0.04,
            idio_vol=0.30,
            idio_vol_dispersion=0.2,
            smoothing_a=0.4,
            appraisal_noise_sd=0.02,
            rate_of_contribution=(0.25, 0.333, 0.5),
            life_years=12,
            life_spread_years=2,
            bow=3.0,
            bow_spread=0.5,
            yield_=0.0,
            call_noise_sd=0.3,
            distribution_noise_sd=0.4,
            distribution_skip_probability=0.5,
            management_fee_rate=0.02,
            investment_period_years=5,
        ),
        AssetClassParams(
            asset_class=AssetClass.PRIVATE_CREDIT,
            n_funds=6,
            semi_liquid_vehicles=(VehicleType.INTERVAL, VehicleType.EVERGREEN),
            driver="SP500_TR",
            beta=0.3,
            beta_dispersion=0.2,
            alpha=0.054,
            alpha_dispersion=0.01,
            idio_vol=0.05,
            idio_vol_dispersion=0.2,
            smoothing_a=0.7,
            appraisal_noise_sd=0.005,
            rate_of_contribution=(0.4, 0.5, 0.6),
            life_years=7,
            life_spread_years=1,
            bow=1.5,
            bow_spread=0.3,
            yield_=0.08,
            call_noise_sd=0.2,
            distribution_noise_sd=0.15,
            distribution_skip_probability=0.0,
            management_fee_rate=0.015,
            investment_period_years=3,
        ),
        AssetClassParams(
            asset_class=AssetClass.REAL_ESTATE,
            n_funds=5,
            semi_liquid_vehicles=(VehicleType.EVERGREEN, VehicleType.TENDER_OFFER),
            driver="SP500_TR",
            beta=0.6,
            beta_dispersion=0.2,
            alpha=0.018,
            alpha_dispersion=0.015,
            idio_vol=0.10,
            idio_vol_dispersion=0.2,
            smoothing_a=0.4,
            appraisal_noise_sd=0.01,
            rate_of_contribution=(0.35, 0.5, 0.6),
            life_years=9,
            life_spread_years=1,
            bow=2.0,
            bow_spread=0.3,
            yield_=0.05,
            call_noise_sd=0.25,
            distribution_noise_sd=0.2,
            distribution_skip_probability=0.1,
            management_fee_rate=0.015,
            investment_period_years=4,
        ),
        AssetClassParams(
            asset_class=AssetClass.INFRASTRUCTURE,
            n_funds=5,
            semi_liquid_vehicles=(),
            driver="SP500_TR",
            beta=0.5,
            beta_dispersion=0.2,
            alpha=0.03,
            alpha_dispersion=0.015,
            idio_vol=0.08,
            idio_vol_dispersion=0.2,
            smoothing_a=0.5,
            appraisal_noise_sd=0.01,
            rate_of_contribution=(0.3, 0.4, 0.5),
            life_years=13,
            life_spread_years=2,
            bow=2.0,
            bow_spread=0.3,
            yield_=0.04,
            call_noise_sd=0.25,
            distribution_noise_sd=0.2,
            distribution_skip_probability=0.1,
            management_fee_rate=0.015,
            investment_period_years=5,
        ),
    )


@dataclass(frozen=True)
class SampleBookParams:
    """All assumptions of the synthetic sample book.

    Attributes
    ----------
    asset_classes : tuple[AssetClassParams, ...]
        One entry per asset class, in the order funds are numbered.
    statements : StatementParams
        Release lags, late and missing GP statements.
    flows : FlowParams
        Participant order model of the vehicle.
    pacing : PacingParams
        How the commitments are sized (the pacing rule, point in time).
    calendar_series : str
        Series id whose dates are the book's business-day calendar.
    vintage_first : int
        Vintage year of each class's first fund.
    vintage_last : int
        Vintage year of each class's last fund; vintages are evenly spaced in between.
    commitment_min : float
        Smallest commitment (drawdown) or subscription (perpetual), dollars.
    commitment_max : float
        Largest commitment or subscription, dollars (uniform draw).
    commitment_rounding : float
        Commitments are rounded to a multiple of this many dollars.
    currency : str
        ISO 4217 currency code of every holding.
    days_per_year : float
        Day-count denominator for drift and time: ACT/365.
    business_days_per_year : float
        Business days a year used to scale annual volatility to one business day.
    periods_per_year : int
        Pacing and reporting periods a year (4: calendar quarters).
    amount_decimals : int
        Cash-flow and order amounts are rounded to this many decimals (2: cents).
    max_distribution_rate : float
        Cap on the share of a fund's true value paid in one ordinary (non-final) quarterly
        distribution, decimal; only the liquidation pays out everything.

    """

    asset_classes: tuple[AssetClassParams, ...] = field(default_factory=_default_classes)
    statements: StatementParams = field(default_factory=StatementParams)
    flows: FlowParams = field(default_factory=FlowParams)
    pacing: PacingParams = field(default_factory=PacingParams)
    calendar_series: str = "SP500"
    vintage_first: int = 1999
    vintage_last: int = 2015
    commitment_min: float = 15.0e6
    commitment_max: float = 50.0e6
    commitment_rounding: float = 0.5e6
    currency: str = "USD"
    days_per_year: float = 365.0
    business_days_per_year: float = 252.0
    periods_per_year: int = 4
    amount_decimals: int = 2
    max_distribution_rate: float = 0.9

    def __post_init__(self) -> None:
        """Check ranges; raise :class:`ValueError` on an impossible value."""
        _check(len(self.asset_classes) > 0, "asset_classes is empty")
        classes = [c.asset_class for c in self.asset_classes]
        _check(len(set(classes)) == len(classes), "an asset class is listed twice")
        _check(self.vintage_first <= self.vintage_last, "vintage_first after vintage_last")
        _check(
            0 < self.commitment_min <= self.commitment_max,
            "commitment_min/max must satisfy 0 < min <= max",
        )
        _check(self.commitment_rounding > 0, "commitment_rounding must be > 0")
        _check(self.days_per_year > 0 and self.business_days_per_year > 0, "day counts")
        _check(self.periods_per_year == 4, "periods_per_year: only calendar quarters (4)")
        _check(self.amount_decimals >= 0, "amount_decimals must be >= 0")
        _check(0.0 < self.max_distribution_rate < 1.0, "max_distribution_rate must be in (0, 1)")

    @property
    def n_funds(self) -> int:
        """Total number of funds in the book."""
        return sum(c.n_funds for c in self.asset_classes)


#: The documented default assumptions (see ``docs/sample-book.md``).
DEFAULT_PARAMS = SampleBookParams()
