"""Real public-market history shipped with ``arch``, and series derived from it.

Owns loading the ``csv.gz`` files that ``arch`` ships (S&P 500, NASDAQ, Fama-French factors,
Moody's Aaa/Baa yields, core CPI), their provenance (package version, file name, SHA-256), their
``known_on`` conventions, and the derived total-return indices (market, T-bills, constant-maturity
par bonds) with their point-in-time daily interpolations, the daily S&P 500 and NASDAQ
total-return indices (price plus the implied dividend yield), and the one table of which shipped
series stands for each asset type wherever a model needs a long history (:data:`LONG_HISTORY`).
Pure data loading and derivation: must
not touch the ledger, open a database or write any file. Conventions: ``docs/marketdata.md``.

Examples
--------
>>> from altsleeve.marketdata import load_arch_market_data
>>> series = {s.meta.series_id: s for s in load_arch_market_data()}
>>> series["SP500"].data.columns.tolist()
['date', 'level', 'known_on']
"""

from altsleeve.marketdata._arch_files import FRENCH_FILE, LoadedFile, arch_data_dir, read_arch_file
from altsleeve.marketdata._bonds import (
    bond_returns_from_yields,
    par_bond_convexity,
    par_bond_exact_return,
    par_bond_modified_duration,
)
from altsleeve.marketdata._cash import (
    index_from_returns,
    market_total_returns,
    prepend_base_period,
    tbill_returns,
)
from altsleeve.marketdata._daily import (
    bond_daily_index,
    point_in_time_daily_index,
    tbill_daily_index,
)
from altsleeve.marketdata._equity import (
    NASDAQ_YIELD_SCALE,
    implied_dividend_yield,
    total_return_daily_index,
)
from altsleeve.marketdata._history import (
    LONG_HISTORY,
    PRIVATE_GROWTH_TYPE,
    LongHistory,
    history_statement,
    long_history,
)
from altsleeve.marketdata._load import (
    BOND_MATURITY_YEARS,
    CPI_KNOWN_DAY_OF_NEXT_MONTH,
    SAMPLE_BOOK_SERIES,
    SERIES_IDS,
    arch_levels,
    file_digests,
    load_arch_market_data,
)
from altsleeve.marketdata._types import SeriesData, SeriesMeta

__all__ = [
    "BOND_MATURITY_YEARS",
    "CPI_KNOWN_DAY_OF_NEXT_MONTH",
    "FRENCH_FILE",
    "LONG_HISTORY",
    "NASDAQ_YIELD_SCALE",
    "PRIVATE_GROWTH_TYPE",
    "SAMPLE_BOOK_SERIES",
    "SERIES_IDS",
    "LoadedFile",
    "LongHistory",
    "SeriesData",
    "SeriesMeta",
    "arch_data_dir",
    "arch_levels",
    "bond_daily_index",
    "bond_returns_from_yields",
    "file_digests",
    "history_statement",
    "implied_dividend_yield",
    "index_from_returns",
    "load_arch_market_data",
    "long_history",
    "market_total_returns",
    "par_bond_convexity",
    "par_bond_exact_return",
    "par_bond_modified_duration",
    "point_in_time_daily_index",
    "prepend_base_period",
    "read_arch_file",
    "tbill_daily_index",
    "tbill_returns",
    "total_return_daily_index",
]
