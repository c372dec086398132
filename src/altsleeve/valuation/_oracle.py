"""The ORACLE of the validation: the error no estimator can remove (reads the truth).

Owns :class:`OracleValuer`, which knows each fund's true value at its last known mark's as-of
date and its true alpha and beta, and rolls that value (and later flows) forward on the proxy,
point in time: what is left is the idiosyncratic move since the last mark. The truth and the true
parameters are passed in explicitly, as to the scoring functions; no estimator uses this.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from altsleeve.valuation._engine import (
    NO_MARK,
    Epochs,
    FloatArray,
    HoldingData,
    IntArray,
    Rolled,
    base_epochs,
)
from altsleeve.valuation._methods import Valuer


class OracleValuer(Valuer):
    """Rolls the TRUE value at the last known mark's date forward with the TRUE alpha and beta.

    Parameters
    ----------
    truth : DataFrame
        ``holding_id, date, value``: the true value per business day.
    fund_params : DataFrame
        ``holding_id, alpha, beta, idio_vol`` (true; annual decimals, log units).
    coverage : float
        Two-sided coverage of the interval ``idio_vol * sqrt(tau)`` (log units).
    """

    method = "oracle"

    def __init__(
        self, truth: pd.DataFrame, fund_params: pd.DataFrame, *, coverage: float = 0.90
    ) -> None:
        super().__init__(coverage=coverage)
        self.truth = truth
        self.fund_params = fund_params
        self._truth = {h: g.set_index("date")["value"] for h, g in truth.groupby("holding_id")}
        ids = fund_params["holding_id"].astype(str).tolist()
        self._alpha = dict(zip(ids, fund_params["alpha"].to_numpy(dtype=float), strict=True))
        self._beta = dict(zip(ids, fund_params["beta"].to_numpy(dtype=float), strict=True))
        self._vol = dict(zip(ids, fund_params["idio_vol"].to_numpy(dtype=float), strict=True))

    def _epochs(self, hd: HoldingData, starts: IntArray) -> Epochs:
        ep = base_epochs(hd, starts)
        t = self._truth[hd.holding_id]
        as_of = ep.as_of.astype("datetime64[D]").astype("datetime64[ns]")
        pos = np.searchsorted(t.index.values, as_of, side="right") - 1
        ok = (ep.as_of != NO_MARK) & (pos >= 0)
        ep.anchor = np.where(ok, t.to_numpy()[np.maximum(pos, 0)], ep.anchor)
        ep.alpha = np.full(len(starts), float(self._alpha[hd.holding_id]))
        ep.beta = np.full(len(starts), float(self._beta[hd.holding_id]))
        return ep

    def _log_sd(self, hd: HoldingData, ep: Epochs, r: Rolled) -> FloatArray:
        vol = float(self._vol[hd.holding_id])
        return np.asarray(vol * np.sqrt(np.maximum(r.tau, 1e-6)), dtype=float)
