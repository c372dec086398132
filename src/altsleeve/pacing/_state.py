"""The private book's state as known on a date, ready for a projection.

Owns the step from the ledger's tables (holdings, cash flows, GP statements) to one row per
holding in the stochastic projection's state format: paid-in capital, the NAV as known (the last
reported NAV rolled forward by the flows since), the age, and the Takahashi-Alexander parameters
(calibrated to the holding's own history when it has enough, otherwise the class default), with
the class's market link. Point in time: only rows dated and known on or before ``as_of`` are used.
Pure pandas; must not read files or the ledger (the caller passes frames) and must not import the
sample book.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.domain import VehicleType
from altsleeve.marketdata import LONG_HISTORY, PRIVATE_GROWTH_TYPE
from altsleeve.pacing._calibrate import calibrate, quarterly_history
from altsleeve.pacing._defaults import (
    MIN_QUARTERS_TO_CALIBRATE,
    class_defaults,
    redemption_terms,
)
from altsleeve.pacing._stochastic import STATE_COLUMNS, state_frame
from altsleeve.valuation import class_prior

DateLike = str | dt.date | pd.Timestamp

#: The proxy each class's growth is linked to in a projection: the long real history of the
#: equity market (``altsleeve.marketdata.LONG_HISTORY``: the Fama-French market total return,
#: monthly from 1926, so a bootstrap made in any year has a long history to draw on).
DEFAULT_PROXY = LONG_HISTORY[PRIVATE_GROWTH_TYPE].series_id

#: Extra columns :func:`book_state` adds after :data:`STATE_COLUMNS`.
STATE_EXTRA_COLUMNS: tuple[str, ...] = (
    "name",
    "params_source",
    "fit_rmse_calls",
    "fit_rmse_distributions",
    "quarters_of_history",
    "last_mark_date",
)


def _days(values: pd.Series) -> pd.Series:
    out: pd.Series = pd.to_datetime(values).dt.normalize()
    return out


def _known(frame: pd.DataFrame, date_col: str, day: pd.Timestamp) -> pd.DataFrame:
    """Rows dated and known on or before ``day`` (``known_on`` defaults to the date)."""
    if frame.empty:
        return frame
    dated = _days(frame[date_col])
    known = _days(frame["known_on"]) if "known_on" in frame.columns else dated
    return frame[(dated <= day) & (known <= day)]


def _model_fields(params: Any, prior: Any, proxy: str) -> dict[str, Any]:
    """A state row's Takahashi-Alexander parameters and market link (see :func:`book_state`)."""
    return {
        "rate_of_contribution": tuple(float(x) for x in params.rate_of_contribution),
        "life": float(params.life),
        "bow": float(params.bow),
        "growth": float(params.growth),
        "yield_": float(params.yield_),
        "beta": float(prior.beta),
        "idio_vol": float(prior.idio_vol),
        "proxy": proxy,
    }


def book_state(
    holdings: pd.DataFrame,
    cashflows: pd.DataFrame,
    statements: pd.DataFrame,
    as_of: DateLike,
    *,
    proxy: str = DEFAULT_PROXY,
    min_quarters: int = MIN_QUARTERS_TO_CALIBRATE,
    redemption_rate: float = 0.0,
) -> pd.DataFrame:
    """One state row per live holding as known on ``as_of`` (point in time).

    For each holding known by ``as_of``:

    * ``paid_in``: the calls dated and known by then (dollars);
    * ``nav``: the latest GP-reported NAV known by then, plus calls and minus distributions dated
      after that NAV's date (the "adjusted stale" NAV; dollars); with no mark yet, paid-in minus
      distributions;
    * ``age_quarters``: complete calendar quarters since the quarter of the first call (0 for a
      commitment not yet called);
    * parameters: :func:`~altsleeve.pacing.calibrate` on the holding's own quarterly history when
      it has at least ``min_quarters`` quarters (drawdown funds only), otherwise the class
      default (:data:`~altsleeve.pacing.CLASS_DEFAULTS`);
    * market link: ``beta`` and ``idio_vol`` from the class prior of the valuation package
      (:func:`altsleeve.valuation.class_prior`), growth linked to ``proxy``.

    A drawdown fund past its life with nothing left (NAV and unfunded both zero) is dropped, and
    so is a holding of a vintage after ``as_of``'s year with no call known yet (not committed).
    Perpetual vehicles get the redemption gate of their type and ``redemption_rate``.

    Parameters
    ----------
    holdings : pandas.DataFrame
        Ledger holdings: ``holding_id``, ``asset_class``, ``vehicle_type``, ``commitment``
        (dollars), optionally ``name`` and ``known_on``.
    cashflows : pandas.DataFrame
        ``holding_id``, ``date``, ``kind`` (call / distribution / fee), ``amount`` (dollars,
        positive), optionally ``known_on``.
    statements : pandas.DataFrame
        ``holding_id``, ``as_of``, ``nav`` (dollars), ``known_on``, optionally ``version``.
    as_of : date-like
        The day the state is taken as known.
    proxy : str, default "FF_MKT_TR"
        Scenario column every holding's growth is linked to.
    min_quarters : int, default 8
        Quarters of history needed before a holding's own parameters are fitted.
    redemption_rate : float, default 0.0
        Annual decimal of NAV the sleeve asks back from each perpetual vehicle.

    Returns
    -------
    pandas.DataFrame
        :data:`STATE_COLUMNS` then :data:`STATE_EXTRA_COLUMNS`, one row per live holding, sorted
        by ``holding_id``; ``attrs["as_of"]`` holds the day and ``attrs["not_yet_committed"]``
        the ids of the later vintages left out.

    """
    day = pd.Timestamp(as_of).normalize()
    h = holdings.copy()
    if "known_on" in h.columns:
        h = h[_days(h["known_on"]) <= day]
    cf = _known(cashflows, "date", day)
    if "vintage" in h.columns:
        # A holding whose vintage year is after the day and with no call known yet is not a
        # commitment on that day (the sample book records all its funds as known from the
        # start; without this, later vintages would count as unfunded commitments).
        called = set(cf.loc[cf["kind"].astype(str) == "call", "holding_id"].astype(str))
        vintage = pd.to_numeric(h["vintage"], errors="coerce")
        future = ((vintage > day.year) & ~h["holding_id"].astype(str).isin(called)).to_numpy()
        not_yet = sorted(str(x) for x in h.loc[future, "holding_id"])
        h = h[~future]
    else:
        not_yet = []
    st = _known(statements, "as_of", day)
    rows: list[dict[str, Any]] = []
    for hold in h.sort_values("holding_id").itertuples(index=False):
        hid = str(hold.holding_id)
        asset_class = str(hold.asset_class)
        vtype = str(hold.vehicle_type)
        commitment = float(hold.commitment)  # type: ignore[arg-type]
        hcf = cf[cf["holding_id"] == hid]
        hst = st[st["holding_id"] == hid]
        amount = hcf["amount"].astype(float).abs()
        kind = hcf["kind"].astype(str)
        paid_in = float(amount[kind == "call"].sum())
        calls = hcf.loc[kind == "call", "date"]
        first_call = pd.Timestamp(_days(calls).min()) if len(calls) else None

        last_mark: pd.Timestamp | None = None
        if len(hst):
            order = ["as_of", "version"] if "version" in hst.columns else ["as_of"]
            mark = hst.sort_values([*order, "known_on"], kind="stable").iloc[-1]
            last_mark = pd.Timestamp(mark["as_of"]).normalize()
            after = _days(hcf["date"]) > last_mark
            signed = np.where(kind == "call", 1.0, np.where(kind == "distribution", -1.0, 0.0))
            nav = float(mark["nav"]) + float((signed * amount.to_numpy())[after.to_numpy()].sum())
        else:
            nav = paid_in - float(amount[kind == "distribution"].sum())
        nav = max(nav, 0.0)

        defaults = class_defaults(asset_class)
        params = defaults
        source = "class default"
        rmse_c = rmse_d = math.nan
        n_hist = 0
        age = 0
        if first_call is not None:
            age = (day.year * 4 + day.quarter) - (first_call.year * 4 + first_call.quarter) + 1
            if pd.Period(day, freq="Q").end_time.normalize() > day:
                age -= 1
            age = max(age, 0)
        is_drawdown = vtype == VehicleType.DRAWDOWN.value
        if is_drawdown and first_call is not None and age >= min_quarters:
            hist = quarterly_history(
                hcf.drop(columns="holding_id"), hst.drop(columns="holding_id"), day
            )
            n_hist = len(hist)
            if n_hist >= min_quarters:
                prior = defaults
                fit = calibrate(hist, commitment, prior=prior)
                params = fit.params
                source = "calibrated"
                rmse_c, rmse_d = fit.fit_rmse_calls, fit.fit_rmse_distributions
        if is_drawdown and age / 4.0 >= params.life and nav <= 0.0:
            continue  # liquidated
        if not is_drawdown and nav <= 0.0 and paid_in <= 0.0:
            continue
        terms = redemption_terms(vtype)
        prior_v = class_prior(asset_class)
        rows.append(
            {
                "holding_id": hid,
                "asset_class": asset_class,
                "vehicle_type": vtype,
                "commitment": commitment if is_drawdown else 0.0,
                "paid_in": paid_in,
                "nav": nav,
                "age_quarters": int(age),
                "start_quarter": 0,
                **_model_fields(params, prior_v, proxy),
                "redemption_rate": 0.0 if terms is None else float(redemption_rate),
                "gate_per_quarter": 0.0 if terms is None else float(terms.gate_per_quarter),
                "name": str(getattr(hold, "name", hid)),
                "params_source": source,
                "fit_rmse_calls": rmse_c,
                "fit_rmse_distributions": rmse_d,
                "quarters_of_history": int(n_hist),
                "last_mark_date": last_mark,
            }
        )
    if rows:
        core = state_frame([{k: r[k] for k in STATE_COLUMNS} for r in rows])
        extra = pd.DataFrame([{k: r[k] for k in STATE_EXTRA_COLUMNS} for r in rows])
        out = pd.concat([core.reset_index(drop=True), extra], axis=1)
    else:
        out = pd.DataFrame(columns=[*STATE_COLUMNS, *STATE_EXTRA_COLUMNS])
    out.attrs["as_of"] = day
    out.attrs["not_yet_committed"] = not_yet
    return out


def new_commitment_rows(
    commitments: dict[str, float],
    start_quarter: int,
    *,
    proxy: str = DEFAULT_PROXY,
    prefix: str = "PLAN",
) -> list[dict[str, Any]]:
    """State rows for commitments not yet made: class defaults, starting after ``start_quarter``.

    Parameters
    ----------
    commitments : dict of str to float
        Dollars to commit per asset class (zero or negative amounts are skipped).
    start_quarter : int
        Projection quarter after which the commitments start calling (0 = the next quarter).
    proxy : str
        Scenario column the growth is linked to.
    prefix : str
        Holding-id prefix; ids are ``f"{prefix}-{asset_class}-{start_quarter}"``.

    Returns
    -------
    list of dict
        Rows in :data:`STATE_COLUMNS` order.

    """
    rows: list[dict[str, Any]] = []
    for asset_class, amount in commitments.items():
        if not amount > 0.0:
            continue
        params = class_defaults(asset_class)
        prior_v = class_prior(asset_class)
        rows.append(
            {
                "holding_id": f"{prefix}-{asset_class}-{start_quarter}",
                "asset_class": asset_class,
                "vehicle_type": VehicleType.DRAWDOWN.value,
                "commitment": float(amount),
                "paid_in": 0.0,
                "nav": 0.0,
                "age_quarters": 0,
                "start_quarter": int(start_quarter),
                **_model_fields(params, prior_v, proxy),
                "redemption_rate": 0.0,
                "gate_per_quarter": 0.0,
            }
        )
    return rows
