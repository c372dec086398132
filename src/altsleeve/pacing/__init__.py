"""Commitment pacing: cash-flow models for drawdown commitments.

Owns the public surface of the pacing package: the Takahashi-Alexander (2002) core
(``_takahashi``: parameters, single-step helpers, a deterministic projection of one commitment
from inception or from a known state); documented defaults per asset class and vehicle type
(``_defaults``); the calibration of a holding's parameters to its own history, point in time
(``_calibrate``); the book's state as known on a date (``_state``); the stochastic projection on
bootstrap scenarios of the real history (``_stochastic``); the pacing planner (``_planner``);
and the planner's view of a vehicle: glide-path outlook, scenarios as of a date and the 30/90/365
day calls calendar (``_outlook``).
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
from altsleeve.pacing._outlook import (
    NOTICED_KINDS,
    SCENARIO_COLUMNS,
    CashflowCalendar,
    cashflow_calendar,
    history_used,
    noticed_flows,
    noticed_in_window,
    quarter_ends_after,
    scenarios_as_of,
    sleeve_histories,
    vehicle_outlook,
)
from altsleeve.pacing._planner import (
    PacingPlan,
    PlannerSettings,
    VehicleOutlook,
    plan_commitments,
)
from altsleeve.pacing._state import (
    DEFAULT_PROXY,
    STATE_EXTRA_COLUMNS,
    book_state,
    new_commitment_rows,
)
from altsleeve.pacing._stochastic import (
    STATE_COLUMNS,
    HoldingPaths,
    Scenarios,
    StochasticProjection,
    StochasticSettings,
    bootstrap_scenarios,
    project_stochastic,
    quarterly_returns,
    simulate_holdings,
    state_frame,
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
    "DEFAULT_PROXY",
    "HISTORY_COLUMNS",
    "MIN_QUARTERS_TO_CALIBRATE",
    "NOTICED_KINDS",
    "PROJECTION_COLUMNS",
    "REDEMPTION_TERMS",
    "SCENARIO_COLUMNS",
    "STATE_COLUMNS",
    "STATE_EXTRA_COLUMNS",
    "CalibrationResult",
    "CashflowCalendar",
    "HoldingPaths",
    "PacingPlan",
    "PlannerSettings",
    "RedemptionTerms",
    "Scenarios",
    "StochasticProjection",
    "StochasticSettings",
    "TakahashiAlexanderParams",
    "VehicleOutlook",
    "book_state",
    "bootstrap_scenarios",
    "calibrate",
    "cashflow_calendar",
    "class_defaults",
    "contribution_rate",
    "history_used",
    "new_commitment_rows",
    "noticed_flows",
    "noticed_in_window",
    "plan_commitments",
    "project_commitment",
    "project_from_state",
    "project_stochastic",
    "quarter_ends_after",
    "quarterly_history",
    "quarterly_returns",
    "redemption_terms",
    "scenarios_as_of",
    "simulate_holdings",
    "sleeve_histories",
    "state_frame",
    "ta_call",
    "ta_distribution_rate",
    "to_period_growth",
    "to_period_rate",
    "vehicle_outlook",
]
