"""The daily cycle (issue 20): day status table, the cut-off across DST, the price file."""

from __future__ import annotations

import datetime as dt

import pytest

from altsleeve.ops import (
    PRICE_COLUMNS,
    Action,
    Cutoff,
    DayFacts,
    DayStatus,
    PriceRecord,
    day_status,
    next_action,
    price_csv,
    sla,
)

UTC = dt.UTC

# facts (struck, open exceptions, release pending, released, corrected) -> status, next action
TABLE = [
    ((False, 0, False, False, False), DayStatus.NOT_STRUCK, Action.STRIKE),
    ((True, 3, False, False, False), DayStatus.EXCEPTIONS_OPEN, Action.CLEAR_EXCEPTION),
    ((True, 1, True, False, False), DayStatus.EXCEPTIONS_OPEN, Action.CLEAR_EXCEPTION),
    ((True, 0, False, False, False), DayStatus.AWAITING_REVIEW, Action.PROPOSE_RELEASE),
    ((True, 0, True, False, False), DayStatus.AWAITING_REVIEW, Action.RELEASE_NAV),
    ((True, 0, False, True, False), DayStatus.RELEASED, None),
    # an exception found after release does not unrelease the day: it goes through a restatement
    ((True, 2, False, True, False), DayStatus.RELEASED, None),
    ((True, 0, False, True, True), DayStatus.CORRECTED, None),
]


@pytest.mark.parametrize(("facts", "status", "action"), TABLE)
def test_day_status_table(
    facts: tuple[bool, int, bool, bool, bool], status: DayStatus, action: Action | None
) -> None:
    f = DayFacts(*facts)
    assert day_status(f) is status
    assert next_action(f) == action


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ((False, 0, False, True, False), "not struck"),
        ((False, 0, True, False, False), "not struck"),
        ((True, 0, True, True, False), "no pending release"),
        ((True, 0, False, False, True), "only a released day"),
        ((True, -1, False, False, False), "negative"),
    ],
)
def test_impossible_facts_are_refused(
    facts: tuple[bool, int, bool, bool, bool], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        DayFacts(*facts)


# 2026: daylight saving starts Sunday 8 March (EST, UTC-5 -> EDT, UTC-4) and ends Sunday
# 1 November. 18:00 New York is 23:00 UTC in winter and 22:00 UTC in summer.
@pytest.mark.parametrize(
    ("day", "deadline"),
    [
        (dt.date(2026, 3, 6), dt.datetime(2026, 3, 6, 23, 0, tzinfo=UTC)),  # Friday, EST
        (dt.date(2026, 3, 9), dt.datetime(2026, 3, 9, 22, 0, tzinfo=UTC)),  # Monday, EDT
        (dt.date(2026, 10, 30), dt.datetime(2026, 10, 30, 22, 0, tzinfo=UTC)),  # Friday, EDT
        (dt.date(2026, 11, 2), dt.datetime(2026, 11, 2, 23, 0, tzinfo=UTC)),  # Monday, EST
    ],
)
def test_default_cutoff_follows_new_york_daylight_saving(
    day: dt.date, deadline: dt.datetime
) -> None:
    assert sla(deadline - dt.timedelta(hours=1), day).deadline == deadline
    assert sla(deadline - dt.timedelta(hours=1), day).seconds_left == 3600


def test_sla_counts_real_seconds_across_the_change() -> None:
    # from midnight local time to 18:00 local time on the change days: 17 hours in March (the
    # clocks skip 02:00-03:00), 19 hours in November (01:00-02:00 happens twice)
    spring = sla(dt.datetime(2026, 3, 8, 5, 0, tzinfo=UTC), dt.date(2026, 3, 8))  # 00:00 EST
    assert spring.seconds_left == 17 * 3600
    assert spring.label == "17h 00m left"
    autumn = sla(dt.datetime(2026, 11, 1, 4, 0, tzinfo=UTC), dt.date(2026, 11, 1))  # 00:00 EDT
    assert autumn.seconds_left == 19 * 3600


def test_sla_after_the_cutoff_is_negative_and_late() -> None:
    late = sla(dt.datetime(2026, 3, 9, 22, 30, tzinfo=UTC), dt.date(2026, 3, 9))
    assert late.seconds_left == -1800
    assert late.late
    assert late.label == "late by 0h 30m"
    nov = sla(dt.datetime(2026, 11, 3, 1, 5, tzinfo=UTC), dt.date(2026, 11, 2))
    assert nov.seconds_left == -(2 * 3600 + 5 * 60)
    assert nov.label == "late by 2h 05m"
    on_time = sla(dt.datetime(2026, 3, 9, 22, 0, tzinfo=UTC), dt.date(2026, 3, 9))
    assert (on_time.seconds_left, on_time.label, on_time.late) == (0, "due now", False)
    assert late.to_dict() == {
        "day": "2026-03-09",
        "deadline": "2026-03-09T22:00:00+00:00",
        "seconds_left": -1800.0,
        "late": True,
        "label": "late by 0h 30m",
    }


def test_now_in_another_zone_is_the_same_instant() -> None:
    ny = dt.datetime(2026, 3, 9, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    assert sla(ny, dt.date(2026, 3, 9)).seconds_left == 3600


def test_configurable_cutoff() -> None:
    # 17:30 London; British Summer Time starts 29 March 2026
    london = Cutoff(dt.time(17, 30), "Europe/London")
    assert london.deadline(dt.date(2026, 3, 27)) == dt.datetime(2026, 3, 27, 17, 30, tzinfo=UTC)
    assert london.deadline(dt.date(2026, 3, 30)) == dt.datetime(2026, 3, 30, 16, 30, tzinfo=UTC)
    four_pm = Cutoff(dt.time(16, 0))
    at = dt.datetime(2026, 3, 9, 20, 30, tzinfo=UTC)  # 16:30 EDT: late for 16:00, not for 18:00
    assert sla(at, dt.date(2026, 3, 9), four_pm).late
    assert not sla(at, dt.date(2026, 3, 9)).late


def test_cutoff_and_now_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        Cutoff(zone="America/Gotham")
    with pytest.raises(ValueError, match="naive"):
        Cutoff(dt.time(18, 0, tzinfo=UTC))
    with pytest.raises(ValueError, match="timezone-aware"):
        sla(dt.datetime(2026, 3, 9, 20, 0), dt.date(2026, 3, 9))


def test_price_records_and_their_csv() -> None:
    original = PriceRecord("TDF2045", dt.date(2026, 3, 9), 10.1)
    correction = PriceRecord(
        "TDF2045",
        dt.date(2026, 3, 12),
        10.0,
        correction=True,
        original_date=dt.date(2026, 3, 9),
        replaces_nav_per_unit=10.1,
    )
    assert correction.priced_date == dt.date(2026, 3, 9)
    assert original.priced_date == dt.date(2026, 3, 9)
    assert tuple(correction.to_dict()) == PRICE_COLUMNS
    assert correction.to_dict() == {
        "vehicle": "TDF2045",
        "date": "2026-03-12",
        "nav_per_unit": 10.0,
        "correction": True,
        "original_date": "2026-03-09",
        "replaces_nav_per_unit": 10.1,
    }
    assert price_csv([original, correction]) == (
        "vehicle,date,nav_per_unit,correction,original_date,replaces_nav_per_unit\n"
        "TDF2045,2026-03-09,10.100000,N,,\n"
        "TDF2045,2026-03-12,10.000000,Y,2026-03-09,10.100000\n"
    )
    assert price_csv([original], decimals=4, header=False) == "TDF2045,2026-03-09,10.1000,N,,\n"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"correction": True}, "names the original date"),
        ({"correction": True, "original_date": dt.date(2026, 3, 10)}, "later day"),
        ({"original_date": dt.date(2026, 3, 6)}, "only a correction"),
        ({"replaces_nav_per_unit": 10.0}, "only a correction"),
        ({"nav_per_unit": 0.0}, "positive"),
        ({"vehicle": " "}, "needs a vehicle"),
    ],
)
def test_price_record_validation(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "vehicle": "TDF2045",
        "date": dt.date(2026, 3, 9),
        "nav_per_unit": 10.0,
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        PriceRecord(**args)  # type: ignore[arg-type]
