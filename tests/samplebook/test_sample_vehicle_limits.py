"""Issue 17 item 5 end to end: the sample vehicle, struck every day 1999-2018, keeps its policy.

`tests/samplebook/test_samplebook_pacing.py` checks the generator's own daily mirror of the
vehicle; this test checks what a user sees: the ledger's strikes and `altsleeve limits --json`
(before issue 17 the sample TDF2045 was above its 15% private cap on 2,703 days, 2002-2014, and
inside its 5-15% band on 44.8% of days).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from altsleeve.cli import run
from altsleeve.ledger import Ledger
from altsleeve.workflows import pit

CAP = 0.15
BAND = (0.05, 0.15)


@pytest.fixture(scope="module")
def struck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sample-limits") / "ledger.duckdb"
    assert run(["ledger", "init", "--db", str(db)]) == 0
    assert run(["sample", "--db", str(db)]) == 0
    assert run(["strike", "--db", str(db), "--to", "2018-12-31"]) == 0
    return db


def test_gh17_limits_show_no_day_above_the_private_cap(
    struck: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run(["limits", "--db", str(struck), "--json"]) == 0
    breaches = json.loads(capsys.readouterr().out)
    assert not [b for b in breaches if b["limit_name"] == "private_max"]
    assert not [b for b in breaches if b["limit_name"] == "cash_floor"]


def test_gh17_sample_vehicle_is_inside_its_band_on_most_days(struck: Path) -> None:
    with Ledger(struck, read_only=True) as led:
        strikes = pit.strikes(led, "TDF2045")
    assert len(strikes) >= 5_000
    weights = strikes["components"].map(lambda c: json.loads(c)["weight_private"])
    assert float(weights.max()) <= CAP
    inside = ((weights >= BAND[0]) & (weights <= BAND[1])).mean()
    assert inside >= 0.80
