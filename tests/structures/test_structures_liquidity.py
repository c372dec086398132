"""Days to cash per structure, and the engine's import contract."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

import altsleeve.structures as structures
from altsleeve.errors import InputError
from altsleeve.structures import (
    CryptoTerms,
    EvergreenTerms,
    IntervalTerms,
    TenderOfferTerms,
    cash_schedule,
)

d = dt.date


def test_interval_cash_schedule_with_proration() -> None:
    # Quarterly fund, deadlines on the 15th (Mar 15 2025 first), pricing +14, payment +7.
    # Request Apr 1 2025 misses Mar 14's deadline -> Jun 13 deadline, paid Fri Jul 4 (no holiday
    # calendar given): Apr 1 -> Jul 4 = 29 + 31 + 30 + 4 = 94 days.
    # Half accepted each time: $500,000 (Jul 4), $250,000 (Oct 6), $125,000 (Jan 5 2026);
    # $125,000 still unpaid after 3 windows.
    terms = IntervalTerms(3, 0.05, notice_days=30, pricing_lag_days=14, payment_lag_days=7)
    s = cash_schedule(
        terms, d(2025, 4, 1), 1e6, anchor=d(2025, 3, 15), acceptance=0.5, max_windows=3
    )
    assert s.structure == "interval"
    assert s.payments["payment_date"].tolist() == [d(2025, 7, 4), d(2025, 10, 6), d(2026, 1, 5)]
    assert s.payments["cash"].tolist() == pytest.approx([500_000, 250_000, 125_000])
    assert s.first_cash_date == d(2025, 7, 4) and s.days_to_first_cash == 94
    assert s.unpaid == pytest.approx(125_000) and s.days_to_full_cash is None
    full = cash_schedule(terms, d(2025, 4, 1), 1e6, anchor=d(2025, 3, 15))
    assert full.days_to_full_cash == 94 and full.unpaid == 0.0
    with pytest.raises(InputError, match="first repurchase request deadline"):
        cash_schedule(terms, d(2025, 4, 1), 1e6)


def test_tender_offer_cash_schedule_with_fee_and_skip() -> None:
    # Request Feb 1 2025; next valuation Mar 31 (deadline Feb 28 >= Feb 1), paid May 15:
    # Feb 1 -> May 15 = 27 + 31 + 30 + 15 = 103 days. Bought Jun 30 2024: held 274 days at
    # valuation < 365 -> fee 2% of $1m = $20,000; cash $980,000.
    s = cash_schedule(TenderOfferTerms(), d(2025, 2, 1), 1e6, purchase_date=d(2024, 6, 30))
    assert s.first_cash_date == d(2025, 5, 15) and s.days_to_first_cash == 103
    assert s.first_cash_amount == pytest.approx(980_000)
    # the board skips March: next is Jun 30, paid Aug 14: Feb 1 -> Aug 14 = 194 days; the
    # holding is then 365 days old: no fee.
    skipped = cash_schedule(
        TenderOfferTerms(), d(2025, 2, 1), 1e6, purchase_date=d(2024, 6, 30), skip=[d(2025, 3, 31)]
    )
    assert skipped.first_cash_date == d(2025, 8, 14) and skipped.days_to_first_cash == 194
    assert skipped.first_cash_amount == pytest.approx(1e6)


def test_evergreen_cash_schedule_needs_notice() -> None:
    # Monthly windows with 30 days' notice: request Jan 15 2025 misses Jan 31 (notice by Jan 1),
    # makes Feb 28 (notice by Jan 29); paid 30 days later, Mar 30: 74 days.
    s = cash_schedule(EvergreenTerms(), d(2025, 1, 15), 1e6)
    assert s.payments["window"].iloc[0] == d(2025, 2, 28)
    assert s.first_cash_date == d(2025, 3, 30) and s.days_to_first_cash == 74


def test_crypto_cash_schedule_is_t_plus_one() -> None:
    # Friday Jan 10 2025: sold Friday, cash Monday Jan 13 (3 days). Saturday Jan 11: sold
    # Monday, cash Tuesday Jan 14 (3 days).
    fri = cash_schedule(CryptoTerms(), d(2025, 1, 10), 1e6)
    sat = cash_schedule(CryptoTerms(), d(2025, 1, 11), 1e6)
    assert fri.first_cash_date == d(2025, 1, 13) and fri.days_to_first_cash == 3
    assert sat.first_cash_date == d(2025, 1, 14) and sat.days_to_full_cash == 3


def test_cash_schedule_refusals() -> None:
    with pytest.raises(InputError) as info:
        cash_schedule(CryptoTerms(), d(2025, 1, 10), -1.0, acceptance=0.0)
    assert [p.column for p in info.value.problems] == ["amount", "acceptance"]


# altsleeve.performance: the one definition of a drawdown (issue 19)
ALLOWED = {
    "numpy",
    "pandas",
    "scipy",
    "pydantic",
    "altsleeve.domain",
    "altsleeve.errors",
    "altsleeve.performance",
}


def test_engine_imports_only_what_it_may() -> None:
    package = Path(structures.__file__).parent
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if name.startswith("altsleeve.structures") or top in {"__future__"}:
                    continue
                if top == "altsleeve":
                    assert name in ALLOWED, f"{source.name} imports {name}"
                else:
                    import sys

                    assert top in sys.stdlib_module_names or top in ALLOWED, (
                        f"{source.name} imports {name}"
                    )
