"""Fit the risk model on the seller's own backtest moments, store it per seller, load it for scans."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tystnad.backtest.replay import Backtest, Moments, measure
from tystnad.errors import StoreError
from tystnad.model import Seller
from tystnad.understand.risk.features import HORIZON_DAYS
from tystnad.understand.risk.model import RiskModel, prior_model

__all__ = ["Fit", "MIN_MOMENTS", "MIN_PER_CLASS", "fit", "fit_and_check", "load_model", "model_path",
           "save_model"]

# Below these, a fitted model follows the noise of a few conversations: keep the prior.
MIN_MOMENTS = 200
MIN_PER_CLASS = 20
# The later share of the moments, by cut time, held out to judge a fit honestly.
HELD_OUT = 0.3
# How firmly the fit is held to the prior: the weight of a Gaussian penalty on each coefficient's
# distance from its prior value, in standard deviations of its feature. Chosen on held-out later
# days (Enron people one by one, generated mailboxes): a free fit (0) did worse than the prior on
# half of them, since a mailbox has few answered waits; at 300 the fit beat the prior on most.
PRIOR_WEIGHT = 300.0
_NEWTON_STEPS = 50


def _log_loss(theta: NDArray[np.float64], design: NDArray[np.float64], labels: NDArray[np.float64],
              target: NDArray[np.float64], penalty: NDArray[np.float64]) -> float:
    odds = design @ theta
    return float((np.logaddexp(0, odds) - labels * odds).sum() + 0.5 * (penalty * (theta - target) ** 2).sum())


def fit(moments: Moments, *, fitted_at: datetime) -> RiskModel:
    """Logistic regression refined from the prior: the most likely coefficients given the moments
    and a Gaussian belief centred on prior.toml (maximum a posteriori, by Newton's method). The
    intercept is free: how often a mailbox's waits go unanswered differs from seller to seller."""
    prior = prior_model()
    labels = moments.labels.astype(np.float64)
    design = np.column_stack([np.ones(len(labels)), moments.features])
    target = np.asarray([prior.intercept, *prior.coefficients])
    spread = moments.features.std(axis=0)
    penalty = np.concatenate([[1e-6], PRIOR_WEIGHT * np.where(spread > 0, spread, 1.0) ** 2])
    theta = target.copy()
    loss = _log_loss(theta, design, labels, target, penalty)
    for _ in range(_NEWTON_STEPS):
        chance = 1 / (1 + np.exp(-(design @ theta)))
        gradient = design.T @ (chance - labels) + penalty * (theta - target)
        hessian = (design * (chance * (1 - chance))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        scale = 1.0
        while scale > 1e-4:  # halve the step until the loss falls: Newton can overshoot far from the optimum
            trial = theta - scale * step
            trial_loss = _log_loss(trial, design, labels, target, penalty)
            if trial_loss <= loss:
                break
            scale /= 2
        else:
            break
        theta, improvement, loss = trial, loss - trial_loss, trial_loss
        if improvement < 1e-8 * max(loss, 1.0):
            break
    return RiskModel(intercept=float(theta[0]), coefficients=tuple(float(c) for c in theta[1:]),
                     reference=prior.reference,
                     source=f"fitted on {len(moments)} moments ({fitted_at:%Y-%m-%d})")


def _why_not(moments: Moments) -> str | None:
    positives = int(moments.labels.sum())
    negatives = len(moments) - positives
    if len(moments) < MIN_MOMENTS:
        return f"only {len(moments)} moments where the seller waited (a fit needs {MIN_MOMENTS})"
    if min(positives, negatives) < MIN_PER_CLASS:
        return (f"only {min(positives, negatives)} moments {'with' if positives > negatives else 'without'} "
                f"a reply (a fit needs {MIN_PER_CLASS} of each)")
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Fit:
    model: RiskModel | None  # None: the prior stays, see `refused`
    refused: str | None
    in_sample: Backtest | None  # the model fitted on everything, measured on everything
    later_prior: Backtest | None  # the prior on the later 30 % of moments
    later_fitted: Backtest | None  # a model fitted on the earlier 70 %, on the later 30 %


def fit_and_check(moments: Moments, *, fitted_at: datetime) -> Fit:
    """Fit on everything for use; and, to say honestly how it does on days it never saw, fit on
    the earlier moments (those whose outcome was known before the later days began) and measure
    on the later ones beside the prior."""
    refused = _why_not(moments)
    if refused is not None:
        return Fit(model=None, refused=refused, in_sample=None, later_prior=None, later_fitted=None)
    model = fit(moments, fitted_at=fitted_at)
    split = float(np.quantile(moments.cuts, 1 - HELD_OUT))
    # A training moment's label looks a horizon ahead: only those whose horizon ended before the
    # split may teach, or the later days would be seen through their labels.
    horizon = HORIZON_DAYS * 86400
    earlier, later = moments.select(moments.cuts + horizon < split), moments.select(moments.cuts >= split)
    later_prior = later_fitted = None
    if _why_not(earlier) is None and len(later):
        later_prior = measure(later, prior_model())
        later_fitted = measure(later, fit(earlier, fitted_at=fitted_at))
    return Fit(model=model, refused=None, in_sample=measure(moments, model), later_prior=later_prior,
               later_fitted=later_fitted)


def model_path(home: Path, seller: Seller) -> Path:
    """One model per seller identity (--me), under the data directory."""
    key = ",".join(sorted(seller.domains | seller.addresses))
    return home / "risk" / (re.sub(r"[^a-z0-9.@+,-]", "_", key) + ".json")


def save_model(home: Path, seller: Seller, model: RiskModel, *, details: dict[str, Any]) -> Path:
    path = model_path(home, seller)
    document = model.to_document() | details
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(document, indent=2), encoding="utf-8")
        temporary.replace(path)  # a crash mid-write leaves the previous model whole
    except OSError as error:
        raise StoreError(f"{path}: cannot write the risk model ({error.strerror})") from error
    return path


def load_model(home: Path, seller: Seller) -> RiskModel:
    """The model fitted for this seller, else the prior."""
    path = model_path(home, seller)
    if not path.is_file():
        return prior_model()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise StoreError(f"{path}: not a readable risk model ({error}); run `tystnad backtest --fit` again") \
            from error
    return RiskModel.from_document(document, origin=str(path))
