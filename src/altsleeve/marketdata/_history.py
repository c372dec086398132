"""The long real history that stands for each asset type wherever a model needs one.

Owns the one table (:data:`LONG_HISTORY`) that maps an asset type (``altsleeve.domain.AssetType``)
to the shipped real series (the ``arch`` data files, monthly from the 1920s) that every bootstrap
and long-run average of the engine draws for it: the pacing projection, the cash-flow calendar
and the liquidity profile's call quantiles, the liquidity Monte Carlo, the participant outcomes,
the fee break-even's benchmark return and the stress projection's private growth. A vehicle's
sleeve or a holding's proxy is mapped by what it is (its asset type), never by its name, so a
book whose series are called ``US_EQ`` or ``TBILL`` gets the same long history as one on the
shipped series; the mapping used is stated in each command's output (:func:`history_statement`).

The vehicle's own daily series (the user's prices) are what it is struck on; they are usually
too short to bootstrap decades from (a book launched in 2022 has three years), so the models
draw the shipped real history by type instead and say so. An asset type with no shipped history
(``crypto``, ``other``, ``rate``, ``inflation``, ``private``) is refused by
:func:`long_history`, never mapped to a stand-in. Pure: no ledger, no files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class LongHistory:
    """One shipped real series standing for an asset type.

    Attributes
    ----------
    series_id : str
        The ledger's series id (``altsleeve marketdata load`` records it).
    what : str
        What the series is, in words.
    first_year, last_year : int
        The calendar years it covers (the arch data files end in 2018).
    """

    series_id: str
    what: str
    first_year: int
    last_year: int

    @property
    def label(self) -> str:
        """``"FF_MKT_TR (arch, real, 1926-2018)"``: what each command's output states."""
        return f"{self.series_id} (arch, real, {self.first_year}-{self.last_year})"


#: Asset type -> the shipped real series every long-history model uses for it (monthly levels;
#: ``docs/marketdata.md`` derives each): equity the Fama-French US market total return
#: (Mkt-RF + RF, from July 1926), bond a 20-year Moody's Aaa par bond's total return (from
#: 1919), cash the one-month T-bill (Fama-French RF, from July 1926).
LONG_HISTORY: dict[str, LongHistory] = {
    "equity": LongHistory("FF_MKT_TR", "Fama-French US market, total return", 1926, 2018),
    "bond": LongHistory("BOND_AAA_TR", "20-year Aaa par bond, total return", 1919, 2018),
    "cash": LongHistory("CASH_TBILL", "one-month T-bill", 1926, 2018),
}

#: The asset type whose history private funds' growth is linked to in the pacing projection
#: (Takahashi-Alexander growth tied to the public equity market; docs/pacing.md).
PRIVATE_GROWTH_TYPE = "equity"


def long_history(asset_type: str) -> LongHistory:
    """The shipped real series standing for ``asset_type``.

    Raises
    ------
    ValueError
        The asset type has no shipped long history (crypto, other, rate, inflation, private):
        the message says which types do.
    """
    key = str(asset_type)
    if key not in LONG_HISTORY:
        raise ValueError(
            f"no long real history ships for asset type {key!r} (the models bootstrap "
            f"{', '.join(f'{t} from {h.series_id}' for t, h in LONG_HISTORY.items())})"
        )
    return LONG_HISTORY[key]


def history_statement(asset_types: Iterable[str], *, private: bool = False) -> dict[str, str]:
    """The mapping a command used, for its output: ``{"equity": "FF_MKT_TR (arch, real, ...)"}``.

    Parameters
    ----------
    asset_types : iterable of str
        The asset types the command drew a long history for (repeats ignored; file order kept).
    private : bool, default False
        Add ``"private"``: the private funds' growth link (:data:`PRIVATE_GROWTH_TYPE`'s series).
    """
    out: dict[str, str] = {}
    for t in asset_types:
        key = str(t)
        if key not in out:
            out[key] = long_history(key).label
    if private:
        h = long_history(PRIVATE_GROWTH_TYPE)
        out["private"] = f"{h.label}, the private funds' growth link"
    return out
