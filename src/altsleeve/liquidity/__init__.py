"""Liquidity and stress: whether the vehicle can pay redemptions, calls and rebalancing in a crisis.

Owns the public surface of the liquidity package: the design being tested (``_design``: a
vehicle, its liquid buffer and private share); stress scenarios and their TOML files
(``_scenario``, which reads scenario files like ``Vehicle.from_toml`` reads vehicles); the stress
engine and buffer sizing (``_stress``); the Monte Carlo liquidity stress
(``_montecarlo``). Otherwise pure computation; must not import the ledger,
the sample book or the command line (its ledger-bound use cases are
:mod:`altsleeve.workflows.liquidity`,
:mod:`altsleeve.workflows.stress` and :mod:`altsleeve.workflows.stress_montecarlo`).
"""

from altsleeve.liquidity._design import Design, design_vehicle
from altsleeve.liquidity._montecarlo import (
    EVENTS,
    FlowModel,
    MonteCarloInputs,
    MonteCarloResult,
    MonteCarloSettings,
    PathDetail,
    check_inputs,
    run_montecarlo,
    simulate_paths,
)
from altsleeve.liquidity._profile import (
    BUCKETS,
    COVERAGE_HORIZONS,
    DEFAULT_DAYS_TO_CASH,
    REACH_HORIZONS,
    Horizon,
    LiquidityAssumptions,
    LiquidityProfile,
    RedemptionHistory,
    liquidity_profile,
    rebalance_need,
    split_future_commitments,
    trailing_redemptions,
)
from altsleeve.liquidity._scenario import (
    Base,
    Scenario,
    ScenarioInfo,
    builtin_scenario_paths,
    load_scenario,
    parse_shock,
)
from altsleeve.liquidity._stress import (
    CRITERIA,
    Policy,
    Sizing,
    StressPath,
    StressResult,
    apply_shocks,
    largest_private_share,
    passes,
    run_stress,
    shock_start,
    size_buffer,
    start_state,
    summarise,
)

__all__ = [
    "BUCKETS",
    "COVERAGE_HORIZONS",
    "CRITERIA",
    "DEFAULT_DAYS_TO_CASH",
    "EVENTS",
    "REACH_HORIZONS",
    "Base",
    "Design",
    "FlowModel",
    "Horizon",
    "LiquidityAssumptions",
    "LiquidityProfile",
    "MonteCarloInputs",
    "MonteCarloResult",
    "MonteCarloSettings",
    "PathDetail",
    "Policy",
    "RedemptionHistory",
    "Scenario",
    "ScenarioInfo",
    "Sizing",
    "StressPath",
    "StressResult",
    "apply_shocks",
    "builtin_scenario_paths",
    "check_inputs",
    "design_vehicle",
    "largest_private_share",
    "liquidity_profile",
    "load_scenario",
    "parse_shock",
    "passes",
    "rebalance_need",
    "run_montecarlo",
    "run_stress",
    "shock_start",
    "simulate_paths",
    "size_buffer",
    "split_future_commitments",
    "start_state",
    "summarise",
    "trailing_redemptions",
]
