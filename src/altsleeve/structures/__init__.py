"""The other structures a sleeve holds: interval, tender-offer and evergreen funds, and crypto.

Owns the public surface of the structures engine: the shared proration rule (``_common``);
interval funds under SEC Rule 23c-3 (``_interval``: terms refused outside the rule, the
repurchase calendar, offer outcomes and the vehicle's tender); tender-offer funds (``_tender``:
discretionary offers, skips, the early-repurchase fee); evergreen funds (``_evergreen``: lagged
NAV, gates, the carried queue); the crypto sleeve (``_crypto``: a SYNTHETIC price path, the
weekday strike, limits, drawdown scenarios, reference-price fallbacks); and days to cash per
structure (``_liquidity``). Pure computation: imports only numpy, pandas, scipy, pydantic,
:mod:`altsleeve.domain` and :mod:`altsleeve.errors`; must not import the ledger, DuckDB, rich,
matplotlib or any other altsleeve module (the ledger and command-line edges come later).
"""

from altsleeve.structures._common import (
    EXTRA_MAX,
    SMALL_HOLDER_MAX,
    Proration,
    prorate,
    weekday_calendar,
)
from altsleeve.structures._crypto import (
    CRYPTO_STRESSES,
    STRIKE_TIME,
    SYNTHETIC_LABEL,
    CryptoPath,
    CryptoPathSettings,
    CryptoStress,
    Drawdown,
    FallbackRecord,
    LimitCheck,
    PriceSource,
    ReferencePrices,
    RiskContributions,
    euler_risk_contributions,
    max_drawdown,
    reference_prices,
    stress_path,
    strike_prices,
    synthetic_crypto_path,
    synthetic_equity_returns,
    weight_limits,
)
from altsleeve.structures._evergreen import (
    EvergreenTerms,
    evergreen_redemptions,
    evergreen_windows,
    known_nav,
)
from altsleeve.structures._interval import (
    IntervalTerms,
    OfferOutcome,
    TenderDecision,
    interval_offer,
    repurchase_calendar,
    vehicle_tender,
)
from altsleeve.structures._liquidity import CashSchedule, CryptoTerms, cash_schedule
from altsleeve.structures._tender import (
    FeeResult,
    TenderOfferTerms,
    TenderOutcome,
    early_repurchase_fee,
    tender_offer,
    tender_offer_schedule,
)

__all__ = [
    "CRYPTO_STRESSES",
    "EXTRA_MAX",
    "SMALL_HOLDER_MAX",
    "STRIKE_TIME",
    "SYNTHETIC_LABEL",
    "CashSchedule",
    "CryptoPath",
    "CryptoPathSettings",
    "CryptoStress",
    "CryptoTerms",
    "Drawdown",
    "EvergreenTerms",
    "FallbackRecord",
    "FeeResult",
    "IntervalTerms",
    "LimitCheck",
    "OfferOutcome",
    "PriceSource",
    "Proration",
    "ReferencePrices",
    "RiskContributions",
    "TenderDecision",
    "TenderOfferTerms",
    "TenderOutcome",
    "cash_schedule",
    "early_repurchase_fee",
    "euler_risk_contributions",
    "evergreen_redemptions",
    "evergreen_windows",
    "interval_offer",
    "known_nav",
    "max_drawdown",
    "prorate",
    "reference_prices",
    "repurchase_calendar",
    "stress_path",
    "strike_prices",
    "synthetic_crypto_path",
    "synthetic_equity_returns",
    "tender_offer",
    "tender_offer_schedule",
    "vehicle_tender",
    "weekday_calendar",
    "weight_limits",
]
