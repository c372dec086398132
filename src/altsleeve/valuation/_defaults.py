"""Documented per-asset-class defaults for the valuation estimators.

Owns the prior means and spreads used before a holding (or its asset class) has enough reported
history, and the naive interval widths of the baseline methods. Values come from the published
literature cited beside each table, never from the synthetic sample book's generator. Pure data;
must not import any estimator.
"""

from __future__ import annotations

from dataclasses import dataclass

from altsleeve.domain import AssetClass


@dataclass(frozen=True)
class ClassPrior:
    """Prior beliefs about one asset class (annual decimals unless stated).

    Attributes
    ----------
    smoothing_a : float
        Geltner partial-adjustment weight ``a`` on the current true return (``rho = 1 - a``);
        1 means no smoothing. Real estate about 0.4 (Geltner 1993, "Estimating market values
        from appraised values without assuming an efficient market", JRER); private equity about
        0.5 (Getmansky, Lo & Makarov 2004 smoothing profiles; Couts, Goncalves & Rossi 2020).
    beta : float
        Market beta on the class's public proxy. Buyout about 1.0 and venture about 1.4
        (Brown, Ghysels & Gredil, "Nowcasting Net Asset Values", RFS 2023); real assets and
        credit lower (Ang, Chen, Goetzmann & Phalippou 2018, "Estimating private equity returns
        from limited partner cash flows", JF, for the range across classes).
    alpha : float
        Excess log return a year over ``beta`` times the proxy; prior mean 0 (no skill assumed).
    idio_vol : float
        Idiosyncratic volatility a year of a fund's true value.
    appraisal_noise : float
        Standard deviation of the noise in one reported quarterly return (log).
    total_vol : float
        Total volatility a year used for the naive interval of the ``stale`` baseline.
    """

    smoothing_a: float
    beta: float
    alpha: float
    idio_vol: float
    appraisal_noise: float
    total_vol: float


#: Prior means per asset class (see :class:`ClassPrior` for the sources).
CLASS_PRIORS: dict[str, ClassPrior] = {
    AssetClass.BUYOUT.value: ClassPrior(0.5, 1.0, 0.0, 0.20, 0.02, 0.25),
    AssetClass.VENTURE.value: ClassPrior(0.5, 1.4, 0.0, 0.35, 0.03, 0.45),
    AssetClass.PRIVATE_CREDIT.value: ClassPrior(0.7, 0.4, 0.0, 0.06, 0.01, 0.08),
    AssetClass.REAL_ESTATE.value: ClassPrior(0.4, 0.6, 0.0, 0.12, 0.02, 0.15),
    AssetClass.INFRASTRUCTURE.value: ClassPrior(0.5, 0.6, 0.0, 0.10, 0.02, 0.12),
}

#: Prior spreads (standard deviations) on the transformed parameters of the nowcast's fit:
#: logit of the smoothing weight, alpha (a year), beta, log idio vol, log appraisal noise.
PRIOR_SD = {
    "logit_a": 0.75,
    "alpha": 0.04,
    "beta": 0.4,
    "log_idio_vol": 0.5,
    "log_appraisal_noise": 1.0,
}

#: Cross-fund dispersion of beta and alpha (a year) within a class that a pooled fit does not
#: capture; widens the nowcast's interval in proportion to the market move and the time since
#: the last mark.
BETA_DISPERSION = 0.15
ALPHA_DISPERSION = 0.02

#: Two-sided coverage of the stated interval, and its normal quantile.
DEFAULT_COVERAGE = 0.90


def class_prior(asset_class: str) -> ClassPrior:
    """The prior of an asset class (``ValueError`` for an unknown class)."""
    try:
        return CLASS_PRIORS[asset_class]
    except KeyError:
        raise ValueError(
            f"no valuation defaults for asset class {asset_class!r}; "
            f"known: {', '.join(CLASS_PRIORS)}"
        ) from None
