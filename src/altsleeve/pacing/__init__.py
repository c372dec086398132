"""Commitment pacing: cash-flow models for drawdown commitments.

Owns the public surface of the pacing package. Today that is the Takahashi-Alexander (2002) core
(``_takahashi``): parameters, single-step helpers shared with stochastic simulators, a
deterministic projection of one commitment from inception or from a known state; and the
calibration of its parameters to a holding's own history, point in time (``_calibrate``).
Pure computation; must not do I/O or import the
ledger, the sample book or the command line.
"""

from altsleeve.pacing._calibrate import (
    BUYOUT_PRIOR,
    HISTORY_COLUMNS,
    CalibrationResult,
    calibrate,
    quarterly_history,
)
from altsleeve.pacing._defaults import (
    CLASS_DEFAULTS,
    MIN_QUARTERS_TO_CALIBRATE,
    REDEMPTION_TERMS,
    RedemptionTerms,
    class_defaults,
    redemption_terms,
)
from altsleeve.pacing._takahashi import (
    PROJECTION_COLUMNS,
    TakahashiAlexanderParams,
    contribution_rate,
    project_commitment,
    project_from_state,
    ta_call,
    ta_distribution_rate,
    to_period_growth,
    to_period_rate,
)

__all__ = [
    "BUYOUT_PRIOR",
    "CLASS_DEFAULTS",
    "HISTORY_COLUMNS",
    "MIN_QUARTERS_TO_CALIBRATE",
    "PROJECTION_COLUMNS",
    "REDEMPTION_TERMS",
    "CalibrationResult",
    "RedemptionTerms",
    "TakahashiAlexanderParams",
    "calibrate",
    "class_defaults",
    "contribution_rate",
    "project_commitment",
    "project_from_state",
    "quarterly_history",
    "redemption_terms",
    "ta_call",
    "ta_distribution_rate",
    "to_period_growth",
    "to_period_rate",
]
