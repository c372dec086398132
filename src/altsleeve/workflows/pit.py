"""Point-in-time reads: the one place a use case asks the ledger what was known on a date.

What was struck, and what the estimators may use, as known on a date or as recorded by a time.

Owns the strike lookups every use case shares: the latest version of each strike
(:func:`strikes`, optionally only those dated and known on or before a day), the same filter on a
snapshot already read (:func:`strikes_through`), the last struck day (:func:`last_struck_day`) and
the figures struck on one day (:func:`struck_on`); and the valuation engine's inputs with
every version and both time stamps (:func:`inputs_from_ledger`), which the estimators replay
day by day. Each refuses with an :class:`InputError` naming
what to run when the vehicle was never struck, never a default. Must not write the ledger.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"vehicle": ["A", "A", "B"], "date": ["2018-01-03", "2018-01-02",
...     "2018-01-02"], "net_assets": [2.0, 1.0, 5.0]})
>>> strikes_through(frame, "A", "2018-01-02")["net_assets"].tolist()
[1.0]
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from altsleeve.errors import InputError, Problem
from altsleeve.ledger import Ledger
from altsleeve.valuation import ValuationInputs, make_inputs

#: The knowledge date that means "everything known so far" (the ledger's far future).
FAR = dt.date(2100, 12, 31)

DateLike = dt.date | str | pd.Timestamp

#: What the refusal of a never-struck vehicle tells the user to do.
NEVER_STRUCK = ": run `altsleeve strike --to DATE` first"


def strikes_through(frame: pd.DataFrame, vehicle_id: str, day: DateLike | None) -> pd.DataFrame:
    """The vehicle's strikes in ``frame`` dated on or before ``day`` (all when ``None``), by date.

    ``frame`` is a ``strikes`` table as a snapshot gives it (one row per date: its latest
    version then); the index is reset.
    """
    s = frame[frame["vehicle"] == vehicle_id]
    if day is not None:
        s = s[pd.to_datetime(s["date"]) <= pd.Timestamp(day)]
    return s.sort_values("date").reset_index(drop=True)


def strikes(
    ledger: Ledger,
    vehicle_id: str,
    *,
    as_of: DateLike | None = None,
    recorded_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """The latest version of each strike of a vehicle, by date.

    ``as_of``: only strikes dated on or before it, each as known on it (default: every strike
    known so far). ``recorded_at``: the recorded-time cutoff (UTC; default none).
    """
    known = FAR if as_of is None else pd.Timestamp(as_of).date()
    frame = ledger.as_known_on(known, recorded_at=recorded_at, tables=("strikes",)).strikes
    return strikes_through(frame, vehicle_id, as_of)


def never_struck(
    ledger: Ledger, vehicle_id: str, remedy: str = NEVER_STRUCK, column: str | None = None
) -> InputError:
    """The refusal when a vehicle has no strike: names the vehicle, then ``remedy``."""
    text = f"vehicle {vehicle_id} was never struck{remedy}"
    return InputError([Problem(str(ledger.path), text, column=column)])


def last_struck_day(
    ledger: Ledger,
    vehicle_id: str,
    *,
    recorded_at: dt.datetime | None = None,
    remedy: str = NEVER_STRUCK,
    column: str | None = None,
) -> dt.date:
    """The vehicle's last struck day (the default knowledge date of most reports).

    Raises
    ------
    InputError
        The vehicle was never struck; the message ends with ``remedy`` (and names ``column``,
        e.g. ``--as-of``, when the caller's option can replace the default).
    """
    s = strikes(ledger, vehicle_id, recorded_at=recorded_at)
    if s.empty:
        raise never_struck(ledger, vehicle_id, remedy, column)
    return pd.Timestamp(pd.to_datetime(s["date"]).max()).date()


def struck_on(
    ledger: Ledger, vehicle_id: str, day: DateLike, *, recorded_at: dt.datetime | None = None
) -> tuple[float, float]:
    """Net assets and unit price struck for ``day`` (dollars; dollars a unit), latest version."""
    s = strikes(ledger, vehicle_id, recorded_at=recorded_at)
    ts = pd.Timestamp(day)
    row = s[pd.to_datetime(s["date"]) == ts]
    if row.empty:
        raise InputError(
            [
                Problem(
                    str(ledger.path),
                    f"vehicle {vehicle_id} has no strike on {ts.date()}: "
                    f"run `altsleeve strike --to {ts.date()}` first",
                )
            ]
        )
    r = row.iloc[-1]
    return float(r["net_assets"]), float(r["nav_per_unit"])


def inputs_from_ledger(
    ledger: Ledger, *, recorded_at: dt.datetime | None = None
) -> ValuationInputs:
    """Assemble inputs from a ledger: every version of every fact, optionally as recorded by a time.

    Holdings are taken as latest known; statements and cash flows keep all versions with their
    ``known_on`` dates so that the estimators can replay each day point in time. Synthetic truth is
    never read.
    """
    snap = ledger.as_known_on(FAR, recorded_at=recorded_at, tables=("holdings",))
    h = snap.holdings
    if h.empty:
        raise InputError([Problem(str(ledger.path), "the ledger has no holdings to value")])
    st = ledger.history("statements", recorded_at=recorded_at)
    cf = ledger.history("cashflows", recorded_at=recorded_at)
    # A cash flow is a fact of its date: keep its latest recorded version only.
    cf = cf.sort_values("version").groupby(["holding_id", "date", "kind"], as_index=False).last()
    prices = ledger.as_known_on(
        FAR,
        recorded_at=recorded_at,
        tables=("prices",),
        where={"series_id": sorted(set(h["proxy"]))},
    ).prices
    proxies: dict[str, pd.Series] = {}
    for sid in sorted(set(h["proxy"])):
        rows = prices[prices["series_id"] == sid]
        proxies[sid] = pd.Series(
            rows["level"].to_numpy(float), index=pd.DatetimeIndex(rows["date"]), name=sid
        )
    return make_inputs(h, st, cf, proxies)
