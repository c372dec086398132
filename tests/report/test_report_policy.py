"""The committee's policy file: the shipped sample reads, and every fault names file and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from altsleeve.errors import InputError
from altsleeve.report import Policy, sample_policy_path


def test_the_sample_policy_reads_with_its_documented_levels() -> None:
    """The shipped sample carries the levels docs/policy.md cites (DOL 2020 letter: 15% cap)."""
    p = Policy.from_toml(sample_policy_path())
    assert p.policy.adopted == dt.date(2026, 11, 1)
    assert (p.allocation.private_target, p.allocation.private_max) == (0.10, 0.15)
    assert p.liquidity.coverage_min == {"3bd": 1.0, "7d": 1.0, "30d": 1.0}
    assert p.liquidity.stress_scenarios == ["gfc-2008-09", "dotcom-2000-02"]
    assert p.fees.private_layers_max_bp == 600
    assert p.benchmark.kind == "glide_without_sleeve"
    assert [a.name for a in p.benchmark.alternatives][1].startswith("60/40")
    assert p.valuation.for_class("venture").trueup_review == 0.10
    assert p.valuation.for_class("buyout") == p.valuation.default
    assert p.monitoring.trueup_trigger == 0.05


def _write(tmp_path: Path, old: str, new: str) -> Path:
    text = sample_policy_path().read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "policy.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        ("private_max = 0.15", "private_max = 1.5", "allocation.private_max", "less than or equal"),
        ("private_target = 0.10", "private_target = 0.20", "key 'allocation'", "above private_max"),
        ('"3bd" = 1.0', '"1d" = 1.0', "liquidity.coverage_min", "3bd"),
        ("vehicle_max_bp = 50", "vehicle_max_bp = -5", "fees.vehicle_max_bp", "greater than"),
        ("FF_MKT_TR = 0.6", "FF_MKT_TR = 0.5", "benchmark.alternatives[1]", "sum to"),
        ('kind = "glide_without_sleeve"', 'kind = "mix"', "key 'benchmark'", "needs weights"),
        ("[valuation.classes.venture]", "[valuation.classes.crypto]", "valuation.classes", ""),
        ('method = "nowcast"', 'method = "guess"', "valuation.default.method", "nowcast"),
        ("cap_breach = true", "cap_breach = true\nsurprise = 1", "monitoring.surprise", "Extra"),
        ("adopted = 2026-11-01", 'adopted = "soon"', "policy.adopted", "date"),
    ],
)
def test_a_bad_policy_names_the_file_and_the_key(
    tmp_path: Path, old: str, new: str, key: str, words: str
) -> None:
    """Each fault is an :class:`InputError` that starts with the file and names the dotted key."""
    path = _write(tmp_path, old, new)
    with pytest.raises(InputError) as info:
        Policy.from_toml(path)
    msg = str(info.value)
    assert msg.startswith(str(path)), msg
    assert key in msg and words in msg, msg


def test_a_missing_policy_file_is_named(tmp_path: Path) -> None:
    """No file: the error names it."""
    with pytest.raises(InputError, match=r"nope\.toml.*file not found"):
        Policy.from_toml(tmp_path / "nope.toml")
