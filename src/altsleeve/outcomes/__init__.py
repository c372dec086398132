"""Participant outcomes: Monte Carlo of savers' real wealth at retirement, with and without.

Owns the savers' model: monthly joint paths of equity, cash, bonds, credit and inflation by a
stationary block bootstrap of the real history that ships with ``arch``; the private funds'
returns from a factor model on those paths with idiosyncratic noise, appraisal smoothing, the
cash drag of uncalled commitments and every fee layer of the fee stack (``altsleeve.fees``);
cohorts of savers with contributions, employer match, salary growth and hardship withdrawals
along the vehicle's glide path, with and without the sleeve (funded from equity, bonds or both);
and the summary a fiduciary reads (percentiles of real wealth and replacement ratio, probability
of being better off, CRRA certainty-equivalent difference, fee sensitivity). Runs in seeded
blocks, in process or on Dask (``altsleeve.common.scaleout``). Pure computation: must not read the
ledger or write files (``altsleeve.views.outcomes`` is the edge). The private returns are
SYNTHETIC, driven by real market paths. Method and figures: ``docs/outcomes.md``.

Examples
--------
>>> from altsleeve.outcomes import OutcomeParams, default_params_path
>>> OutcomeParams.from_toml(default_params_path()).savers.retirement_age
65.0
"""

from altsleeve.outcomes._fees import FeeLayerModel, FeeState, LayerRates, fee_step, fund_layers
from altsleeve.outcomes._history import COLUMNS, HISTORY_SERIES, monthly_history
from altsleeve.outcomes._model import (
    LIQUID,
    BlockResult,
    FundTable,
    Prepared,
    block_rng,
    bootstrap_indices,
    simulate_block,
    smooth_returns,
    smooth_step,
)
from altsleeve.outcomes._params import (
    Cohort,
    OutcomeParams,
    PrivateFundModel,
    Savers,
    default_params_path,
)
from altsleeve.outcomes._run import (
    PERCENTILES,
    CohortPlan,
    annuity_payout,
    certainty_equivalent,
    cohort_plans,
    contribution_share,
    fee_layer_rows,
    funding_mix,
    prepare,
    run_outcomes,
    summarise,
)

__all__ = [
    "COLUMNS",
    "HISTORY_SERIES",
    "LIQUID",
    "PERCENTILES",
    "BlockResult",
    "Cohort",
    "CohortPlan",
    "FeeLayerModel",
    "FeeState",
    "FundTable",
    "LayerRates",
    "OutcomeParams",
    "Prepared",
    "PrivateFundModel",
    "Savers",
    "annuity_payout",
    "block_rng",
    "bootstrap_indices",
    "certainty_equivalent",
    "cohort_plans",
    "contribution_share",
    "default_params_path",
    "fee_layer_rows",
    "fee_step",
    "fund_layers",
    "funding_mix",
    "monthly_history",
    "prepare",
    "run_outcomes",
    "simulate_block",
    "smooth_returns",
    "smooth_step",
    "summarise",
]
