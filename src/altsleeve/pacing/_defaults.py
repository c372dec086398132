"""Documented default cash-flow parameters per asset class and vehicle type.

Owns the Takahashi-Alexander parameters a projection uses for a holding that has too little
history to calibrate (fewer than :data:`MIN_QUARTERS_TO_CALIBRATE` quarters) and for commitments
not yet made (the pacing planner), and the redemption terms of perpetual vehicles (evergreen,
interval, tender-offer), which have no calls. Values come from the published literature cited
beside each entry, never from the synthetic sample book's generator. Pure data; must not import
an estimator, the ledger or the sample book.

Sources
-------
* Takahashi, D. and Alexander, S. (2002), "Illiquid Alternative Asset Fund Modeling", *Journal of
  Portfolio Management* 28(2): the contribution schedule 25 % / 33.3 % / 50 % of the unfunded
  commitment in years 1 / 2 / 3+, a 12-year life and a bow of 2.5 are the paper's illustration; the
  yield Y is the paper's device for income-producing assets (real estate), zero for equity.
* Cambridge Associates and Burgiss fund-level studies summarised in Ilmanen, Chandra & McQuinn
  (2020), "Demystifying Illiquid Assets: Expected Returns for Private Equity", *Journal of
  Alternative Investments* 22(3): buyout funds call most capital in 4-5 years and live 10-14 years;
  net returns of about 10 % a year for buyout and 11-13 % for venture over long samples.
* Private credit (direct lending) funds: shorter lives (6-8 years), faster drawdown and a cash
  yield of 7-9 % a year (Munday, Hu, True & Zhang 2018, "Performance of Private Credit Funds: A
  First Look", *Journal of Alternative Investments* 21(2)).
* Core/value-add real estate and core infrastructure: income yields of 4-6 % a year and
  long lives (NCREIF ODCE income return; Andonov, Kräussl & Rauh 2021, "Institutional Investors
  and Infrastructure Investing", *Review of Financial Studies* 34(8)).
* Perpetual vehicles: registered interval funds must offer to repurchase 5-25 % of shares each
  period (SEC Rule 23c-3); evergreen and tender-offer funds typically cap redemptions at 5 % of NAV
  a quarter (DOMAIN.md section 5). The default gate is the common 5 % a quarter.
"""

from __future__ import annotations

from dataclasses import dataclass

from altsleeve.domain import AssetClass, VehicleType
from altsleeve.pacing._takahashi import TakahashiAlexanderParams

#: A holding needs at least this many quarters of its own history before its parameters are
#: calibrated; younger holdings use the class default.
MIN_QUARTERS_TO_CALIBRATE = 8

#: Default Takahashi-Alexander parameters per asset class (annual decimals; see the module's
#: sources). ``growth`` is the expected net growth of NAV a year, before the market link.
CLASS_DEFAULTS: dict[str, TakahashiAlexanderParams] = {
    AssetClass.BUYOUT.value: TakahashiAlexanderParams(
        rate_of_contribution=(0.25, 0.333, 0.5), life=12.0, bow=2.5, growth=0.10, yield_=0.0
    ),
    AssetClass.VENTURE.value: TakahashiAlexanderParams(
        rate_of_contribution=(0.25, 0.333, 0.5), life=12.0, bow=2.5, growth=0.12, yield_=0.0
    ),
    AssetClass.PRIVATE_CREDIT.value: TakahashiAlexanderParams(
        rate_of_contribution=(0.4, 0.5, 0.6), life=7.0, bow=1.5, growth=0.08, yield_=0.08
    ),
    AssetClass.REAL_ESTATE.value: TakahashiAlexanderParams(
        rate_of_contribution=(0.35, 0.5, 0.6), life=10.0, bow=2.0, growth=0.07, yield_=0.05
    ),
    AssetClass.INFRASTRUCTURE.value: TakahashiAlexanderParams(
        rate_of_contribution=(0.3, 0.4, 0.5), life=14.0, bow=2.0, growth=0.08, yield_=0.05
    ),
}


@dataclass(frozen=True)
class RedemptionTerms:
    """How a perpetual vehicle pays the sleeve back (it never calls capital).

    Attributes
    ----------
    gate_per_quarter : float
        Most of the holding's NAV the fund pays out to redeeming investors in one quarter
        (decimal; 0.05 = 5 %).
    notice_days : int
        Days between the redemption request and the dealing date.
    """

    gate_per_quarter: float
    notice_days: int


#: Redemption terms by perpetual vehicle type (see the module's sources).
REDEMPTION_TERMS: dict[str, RedemptionTerms] = {
    VehicleType.EVERGREEN.value: RedemptionTerms(gate_per_quarter=0.05, notice_days=90),
    VehicleType.INTERVAL.value: RedemptionTerms(gate_per_quarter=0.05, notice_days=21),
    VehicleType.TENDER_OFFER.value: RedemptionTerms(gate_per_quarter=0.05, notice_days=60),
}


def class_defaults(asset_class: str) -> TakahashiAlexanderParams:
    """The default parameters of an asset class (``ValueError`` for an unknown class)."""
    try:
        return CLASS_DEFAULTS[str(asset_class)]
    except KeyError:
        known = ", ".join(sorted(CLASS_DEFAULTS))
        raise ValueError(f"unknown asset class {asset_class!r} (known: {known})") from None


def redemption_terms(vehicle_type: str) -> RedemptionTerms | None:
    """Redemption terms of a perpetual vehicle type; ``None`` for a drawdown fund."""
    if str(vehicle_type) == VehicleType.DRAWDOWN.value:
        return None
    try:
        return REDEMPTION_TERMS[str(vehicle_type)]
    except KeyError:
        known = ", ".join(sorted([*REDEMPTION_TERMS, VehicleType.DRAWDOWN.value]))
        raise ValueError(f"unknown vehicle type {vehicle_type!r} (known: {known})") from None
