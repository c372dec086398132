"""Restatement versioning, point-in-time snapshots and idempotent re-ingest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altsleeve.ledger import KNOWLEDGE_TABLES, Ledger, ingest_file
from tests.conftest import STATEMENTS, fingerprint, register_series

S_HEAD = "holding_id,as_of,known_on,nav\n"


def test_reingest_identical_file_is_a_noop(
    db: Path, write: Callable[[str, str | bytes], Path]
) -> None:
    before = fingerprint(db)
    with Ledger(db) as led:
        rep = ingest_file(led, "statements", write("again.csv", STATEMENTS))
    assert rep.result.batch_id is None
    assert rep.result.unchanged == 3 and rep.result.written == 0
    assert fingerprint(db) == before


def test_restatement_is_a_new_version_and_old_one_is_kept(
    db: Path, write: Callable[[str, str | bytes], Path]
) -> None:
    restated = write("r.csv", S_HEAD + "H1,2008-06-30,2008-10-15,1050000\n")
    with Ledger(db) as led:
        rep = ingest_file(led, "statements", restated, restate=True, reason="GP restated Q2")
        assert (rep.result.restated, rep.result.new) == (1, 0)
        hist = led.history("statements")
        h1q2 = hist[(hist.holding_id == "H1") & (hist.as_of == pd.Timestamp("2008-06-30"))]
        assert list(h1q2.version) == [1, 2]
        assert list(h1q2.nav) == [1100000.0, 1050000.0]
        log = led.audit_log(limit=1).iloc[0]
        assert log.action == "restate" and "GP restated Q2" in log.detail


def test_as_known_on_returns_exactly_what_was_known(
    db: Path, write: Callable[[str, str | bytes], Path]
) -> None:
    with Ledger(db) as led:
        ingest_file(
            led,
            "statements",
            write("r.csv", S_HEAD + "H1,2008-06-30,2008-10-15,1050000\n"),
            restate=True,
            reason="GP restated",
        )

        def navs(day: str) -> dict[tuple[str, str], tuple[int, float]]:
            s = led.as_known_on(day).statements
            return {
                (r.holding_id, r.as_of.date().isoformat()): (r.version, r.nav)
                for r in s.itertuples()
            }

        assert navs("2008-05-19") == {}
        assert navs("2008-05-20") == {("H1", "2008-03-31"): (1, 1000000.0)}
        assert navs("2008-08-25")[("H1", "2008-06-30")] == (1, 1100000.0)
        assert ("H2", "2008-06-30") in navs("2008-08-25")
        assert navs("2008-10-14")[("H1", "2008-06-30")] == (1, 1100000.0)
        assert navs("2008-10-15")[("H1", "2008-06-30")] == (2, 1050000.0)


def test_as_recorded_axis_ignores_later_recordings(
    tmp_path: Path, write: Callable[[str, str | bytes], Path]
) -> None:
    times = iter(dt.datetime(2026, 1, d) for d in range(1, 20))
    with Ledger(tmp_path / "l.duckdb", create=True, clock=lambda: next(times)) as led:
        register_series(led, tmp_path, {"IDX": "equity"})
        ingest_file(led, "prices", write("p.csv", "series,date,level\nIDX,2008-01-02,100\n"))
        ingest_file(
            led,
            "holdings",
            write(
                "h.csv",
                "holding_id,name,asset_class,vehicle_type,proxy,commitment,vintage\n"
                "H1,One,buyout,drawdown,IDX,5,2005\n",
            ),
        )
        ingest_file(led, "statements", write("s.csv", S_HEAD + "H1,2008-06-30,2008-08-25,100\n"))
        ingest_file(
            led,
            "statements",
            write("r.csv", S_HEAD + "H1,2008-06-30,2008-08-25,90\n"),
            restate=True,
            reason="GP restated",
        )
        recorded = led.history("statements").recorded_at.tolist()
        cut = recorded[0].to_pydatetime() + dt.timedelta(hours=1)
        then = led.as_known_on("2009-01-01", recorded_at=cut).statements
        now = led.as_known_on("2009-01-01").statements
    assert then.nav.tolist() == [100.0] and then.version.tolist() == [1]
    assert now.nav.tolist() == [90.0] and now.version.tolist() == [2]


def test_snapshot_never_contains_synthetic_truth(db: Path) -> None:
    with Ledger(db, read_only=True) as led:
        snap = led.as_known_on("2030-01-01")
    assert "synthetic_truth" not in snap.tables
    assert set(snap.tables) == set(KNOWLEDGE_TABLES)
    assert not {"synthetic_truth", "synthetic_books"} & set(KNOWLEDGE_TABLES)


def test_no_update_or_delete_statement_in_store() -> None:
    """Append-only by construction: the store issues no UPDATE or DELETE."""
    src = Path(__file__).parents[2] / "src" / "altsleeve" / "ledger" / "_store.py"
    text = src.read_text().upper()
    assert "UPDATE " not in text.replace("UPDATED", "")
    assert "DELETE " not in text


def test_rows_persist_with_types(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'statements'"
        ).fetchall()
    )
    con.close()
    assert types["as_of"] == "DATE" and types["nav"] == "DOUBLE"
    assert types["recorded_at"] == "TIMESTAMP" and types["version"] == "INTEGER"


@st.composite
def _statement_history(draw: st.DrawFn) -> list[tuple[int, int, float]]:
    """A sequence of (quarter index, known-on offset days, nav) writes for holding H1."""
    n = draw(st.integers(1, 8))
    return [
        (draw(st.integers(0, 3)), draw(st.integers(45, 200)), float(draw(st.integers(1, 10**9))))
        for _ in range(n)
    ]


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writes=_statement_history())
def test_snapshot_is_latest_version_known_property(
    tmp_path: Path, writes: list[tuple[int, int, float]]
) -> None:
    """For any write history, as_known_on(d) = per key the highest version with known_on <= d."""
    quarter_ends = [
        pd.Timestamp("2008-03-31"),
        pd.Timestamp("2008-06-30"),
        pd.Timestamp("2008-09-30"),
        pd.Timestamp("2008-12-31"),
    ]
    path = tmp_path / f"p{abs(hash(tuple(writes)))}.duckdb"
    model: dict[pd.Timestamp, list[tuple[pd.Timestamp, float]]] = {}
    with Ledger(path, create=True) as led:
        for q, offset, nav in writes:
            as_of = quarter_ends[q]
            known = as_of + pd.Timedelta(days=offset)
            frame = pd.DataFrame(
                {"holding_id": ["H1"], "as_of": [as_of], "known_on": [known], "nav": [nav]}
            )
            res = led.append("statements", frame, action="test", source="prop", restate=True)
            versions = model.setdefault(as_of, [])
            if not versions or versions[-1] != (known, nav):
                versions.append((known, nav))
                assert res.written == 1
            else:
                assert res.written == 0
        for day in pd.date_range("2008-05-01", "2009-08-01", freq="29D"):
            snap = led.as_known_on(day.date()).statements
            got = {r.as_of: (r.version, r.nav) for r in snap.itertuples()}
            want = {}
            for as_of, versions in model.items():
                known_versions = [(i + 1, nav) for i, (k, nav) in enumerate(versions) if k <= day]
                if known_versions:
                    want[as_of] = known_versions[-1]
            assert got == want
        assert led.verify().ok
