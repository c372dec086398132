"""The one table of long real histories by asset type, and what models do with it."""

from __future__ import annotations

import pandas as pd
import pytest

from altsleeve.errors import InputError
from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.marketdata import (
    LONG_HISTORY,
    history_statement,
    load_arch_market_data,
    long_history,
)
from altsleeve.outcomes._run import liquid_column
from altsleeve.pacing._outlook import (
    SCENARIO_COLUMNS,
    sleeve_histories,
    vehicle_outlook,
)


def test_each_type_maps_to_a_shipped_series_whose_years_are_stated() -> None:
    by_id = {s.meta.series_id: s for s in load_arch_market_data()}
    for kind, h in LONG_HISTORY.items():
        assert h.series_id in SCENARIO_COLUMNS  # every bootstrap draws it
        assert by_id[h.series_id].meta.asset_type == kind
        dates = pd.DatetimeIndex(by_id[h.series_id].data["date"])
        assert (dates.min().year, dates.max().year) == (h.first_year, h.last_year)
    assert history_statement(["equity", "bond", "equity"]) == {
        "equity": "FF_MKT_TR (arch, real, 1926-2018)",
        "bond": "BOND_AAA_TR (arch, real, 1919-2018)",
    }
    assert "growth link" in history_statement([], private=True)["private"]


@pytest.mark.parametrize("kind", ["crypto", "other", "private", "rate"])
def test_a_type_without_history_is_refused_not_stood_in(kind: str) -> None:
    with pytest.raises(ValueError, match="no long real history ships"):
        long_history(kind)


def _vehicle(bonds_type: str) -> Vehicle:
    return Vehicle.from_mapping(
        {
            "vehicle": {"id": "V", "inception": "2022-01-03", "initial_assets": 1e8},
            "sleeves": [
                {"id": "stocks", "kind": "liquid", "series": "MY_EQ", "asset_type": "equity"},
                {"id": "fixed", "kind": "liquid", "series": "MY_BD", "asset_type": bonds_type},
                {"id": "money", "kind": "cash", "series": "MY_CASH"},
                {"id": "alts", "kind": "private"},
            ],
            "glide_path": [
                {
                    "date": "2022-01-03",
                    "weights": {"stocks": 0.6, "fixed": 0.3, "money": 0.02, "alts": 0.08},
                }
            ],
        }
    )


def test_sleeves_map_by_asset_type_whatever_their_names() -> None:
    v = _vehicle("bond")
    assert sleeve_histories(v) == {
        "stocks": "FF_MKT_TR",
        "fixed": "BOND_AAA_TR",
        "money": "CASH_TBILL",
    }
    o = vehicle_outlook(v, pd.Timestamp("2024-12-31"), 1e8, 4)
    w = o.liquid_weights.iloc[0]
    assert w["FF_MKT_TR"] == pytest.approx(0.6 / 0.92)
    assert w["BOND_AAA_TR"] == pytest.approx(0.3 / 0.92)
    assert w["BOND_BAA_TR"] == 0.0
    assert [liquid_column(str(s.asset_type), s.kind) for s in v.sleeves[:3]] == [
        "equity",
        "bonds",
        "cash",
    ]
    # the sample vehicle maps as it always did: S&P 500 -> FF_MKT_TR, Aaa daily -> Aaa monthly
    sample = sleeve_histories(Vehicle.from_toml(sample_vehicle_path()))
    assert sample == {"equity": "FF_MKT_TR", "bonds": "BOND_AAA_TR", "cash": "CASH_TBILL"}


def test_a_crypto_sleeve_is_refused_naming_the_key() -> None:
    with pytest.raises(InputError) as info:
        sleeve_histories(_vehicle("crypto"))
    text = str(info.value)
    assert "vehicle V" in text and "sleeves[1].asset_type" in text and "crypto" in text
    with pytest.raises(ValueError, match="crypto"):
        liquid_column("crypto", "liquid")
