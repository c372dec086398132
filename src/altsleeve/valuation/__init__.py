"""Daily NAV for holdings that report quarterly: ``stale``, ``proxy`` and ``nowcast`` estimators.

Public surface: the estimators (:class:`StaleValuer`, :class:`ProxyValuer`,
:class:`NowcastValuer`, all ``fit(inputs)`` then ``estimate(start, end)``/``predict(day)``), their
inputs (:class:`ValuationInputs`; read from the ledger by
:func:`altsleeve.workflows.pit.inputs_from_ledger`
and from files by :mod:`altsleeve.workflows.valuation`), and the backtest scoring against
a synthetic truth (``backtest_report``). Every estimate for day ``t`` uses only what was known on
``t``. Owns estimation; must not write the ledger (``workflows`` does) nor read synthetic truth
(only the scoring functions take a truth, passed in explicitly).
"""

from altsleeve.valuation._defaults import CLASS_PRIORS, ClassPrior, class_prior
from altsleeve.valuation._engine import ESTIMATE_COLUMNS
from altsleeve.valuation._inputs import (
    ValuationInputs,
    make_inputs,
)
from altsleeve.valuation._kalman import NowcastParams, fit_params, run_filter
from altsleeve.valuation._methods import (
    METHODS,
    HoldingNowcastValuer,
    HoldingParams,
    NowcastValuer,
    ProxyValuer,
    StaleValuer,
    Valuer,
)

__all__ = [
    "CLASS_PRIORS",
    "ESTIMATE_COLUMNS",
    "METHODS",
    "ClassPrior",
    "HoldingNowcastValuer",
    "HoldingParams",
    "NowcastParams",
    "NowcastValuer",
    "ProxyValuer",
    "StaleValuer",
    "ValuationInputs",
    "Valuer",
    "class_prior",
    "fit_params",
    "make_inputs",
    "run_filter",
]
