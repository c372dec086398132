"""Liquidity and stress: whether the vehicle can pay redemptions, calls and rebalancing in a crisis.

Owns the public surface of the liquidity package: the design being tested (``_design``: a
vehicle, its liquid buffer and private share); stress scenarios and their TOML files
(``_scenario``, which reads scenario files like ``Vehicle.from_toml`` reads vehicles); the stress
engine and buffer sizing (``_stress``). Otherwise pure computation; must not import the ledger,
the sample book or the command line (the ledger edges are :mod:`altsleeve.stress_replay` and the
other ``altsleeve.*`` edge modules).
"""

from altsleeve.liquidity._design import Design, design_vehicle
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
    size_buffer,
    start_state,
    summarise,
)

__all__ = [
    "CRITERIA",
    "Base",
    "Design",
    "Policy",
    "Scenario",
    "ScenarioInfo",
    "Sizing",
    "StressPath",
    "StressResult",
    "apply_shocks",
    "builtin_scenario_paths",
    "design_vehicle",
    "largest_private_share",
    "load_scenario",
    "parse_shock",
    "passes",
    "run_stress",
    "size_buffer",
    "start_state",
    "summarise",
]
