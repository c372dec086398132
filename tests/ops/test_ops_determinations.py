"""Committee determinations and the delegation register (issue 20)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from altsleeve.errors import InputError
from altsleeve.ops import (
    SAFE_HARBOR_FACTORS,
    Delegation,
    Determination,
    Forbidden,
    Principal,
    Role,
    missing_factors,
    sign,
)
from altsleeve.report import FACTORS

SHA = hashlib.sha256(b"evidence file, 2026-03-31").hexdigest()
OTHER = hashlib.sha256(b"evidence file, 2025-12-31").hexdigest()
DAY = dt.date(2026, 4, 15)
MEMBER = Principal("carla", frozenset({Role.VALUATION_COMMITTEE}))


def test_the_six_factors_use_the_evidence_files_keys() -> None:
    assert SAFE_HARBOR_FACTORS == (
        "performance",
        "fees",
        "liquidity",
        "valuation",
        "benchmark",
        "complexity",
    )
    assert set(SAFE_HARBOR_FACTORS) <= set(FACTORS)


def test_sign_a_determination() -> None:
    d = sign("fees", MEMBER, DAY, "Fees are reasonable for the services.", SHA)
    assert d.member == "carla"
    assert d.to_dict() == {
        "factor": "fees",
        "member": "carla",
        "date": "2026-04-15",
        "text": "Fees are reasonable for the services.",
        "evidence_sha256": SHA,
    }


@pytest.mark.parametrize(
    "who",
    [
        Principal("pete", frozenset({Role.PORTFOLIO_MANAGER})),
        Principal("ada", frozenset({Role.ADMIN})),
        Principal("rui", frozenset({Role.REVIEWER})),
        Principal(
            "bot", frozenset({Role.VALUATION_COMMITTEE}), frozenset({"prices:read"}), "token"
        ),
    ],
)
def test_only_a_committee_member_in_person_signs(who: Principal) -> None:
    with pytest.raises(Forbidden) as info:
        sign("fees", who, DAY, "ok", SHA)
    assert info.value.roles == (Role.VALUATION_COMMITTEE,)


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        ({"factor": "allocation"}, "factor"),  # the plan's limit, not a safe harbor factor
        ({"factor": "taste"}, "factor"),
        ({"text": "  "}, "text"),
        ({"member": ""}, "member"),
        ({"evidence_sha256": SHA[:63]}, "evidence_sha256"),
        ({"evidence_sha256": SHA.upper()}, "evidence_sha256"),
        ({"evidence_sha256": "g" * 64}, "evidence_sha256"),
    ],
)
def test_determination_validation(kwargs: dict[str, str], column: str) -> None:
    args = {"factor": "fees", "member": "carla", "text": "ok", "evidence_sha256": SHA}
    args.update(kwargs)
    with pytest.raises(InputError) as info:
        Determination(date=DAY, **args)
    assert [p.column for p in info.value.problems] == [column]
    assert info.value.problems[0].file == "<determination>"


def test_every_fault_is_named_at_once() -> None:
    with pytest.raises(InputError) as info:
        Determination("taste", "carla", DAY, "", "abc")
    assert [p.column for p in info.value.problems] == ["factor", "text", "evidence_sha256"]


def test_missing_factors_counts_only_this_evidence_file() -> None:
    made = [
        sign("fees", MEMBER, DAY, "reasonable", SHA),
        sign("liquidity", MEMBER, DAY, "adequate", SHA),
        sign("valuation", MEMBER, DAY, "made on last quarter's file", OTHER),
    ]
    assert missing_factors(made, SHA) == ("performance", "valuation", "benchmark", "complexity")
    assert missing_factors(made, OTHER) == (
        "performance",
        "fees",
        "liquidity",
        "benchmark",
        "complexity",
    )
    everything = [sign(f, MEMBER, DAY, "done", SHA) for f in SAFE_HARBOR_FACTORS]
    assert missing_factors(everything, SHA) == ()
    assert missing_factors([], SHA) == SAFE_HARBOR_FACTORS
    with pytest.raises(InputError):
        missing_factors(made, "not-a-hash")


def test_delegation_register_entry() -> None:
    d = Delegation("3(38)", "Acme Capital", "private sleeve manager selection", dt.date(2026, 1, 1))
    assert d.active(dt.date(2026, 1, 1)) and d.active(dt.date(2030, 1, 1))
    assert not d.active(dt.date(2025, 12, 31))
    closed = Delegation("3(21)", "Beta Advisers", "fee benchmarking", DAY, dt.date(2026, 12, 31))
    assert closed.active(dt.date(2026, 12, 31)) and not closed.active(dt.date(2027, 1, 1))
    assert closed.to_dict() == {
        "role": "3(21)",
        "party": "Beta Advisers",
        "scope": "fee benchmarking",
        "start": "2026-04-15",
        "end": "2026-12-31",
    }


def test_delegation_validation() -> None:
    with pytest.raises(InputError) as info:
        Delegation("3(16)", "", " ", DAY, dt.date(2026, 1, 1))  # type: ignore[arg-type]
    assert [p.column for p in info.value.problems] == ["role", "party", "scope", "end"]
