"""How well scores rank and how honest probabilities are: AUC, precision among the riskiest, calibration."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["CalibrationBin", "auc", "calibration", "precision_top"]


def auc(scores: NDArray[np.float64], labels: NDArray[np.bool_]) -> float | None:
    """The chance that a random positive scores above a random negative, ties counting half
    (Mann–Whitney U from average ranks). None when either class is absent."""
    positives = int(labels.sum())
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return None
    order = np.argsort(scores, kind="mergesort")
    ordered = scores[order]
    ranks = np.empty(len(scores), dtype=np.float64)
    # Average rank over each run of equal scores.
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(ordered)]
    for start, end in zip(starts, ends, strict=True):
        ranks[order[start:end]] = (start + end + 1) / 2
    u = ranks[labels].sum() - positives * (positives + 1) / 2
    return float(u / (positives * negatives))


def precision_top(scores: NDArray[np.float64], labels: NDArray[np.bool_], share: float = 0.1) -> float | None:
    """Share of positives among the `share` highest scores (ties broken by order of appearance)."""
    if len(scores) == 0:
        return None
    count = max(1, math.ceil(share * len(scores)))
    top = np.argsort(-scores, kind="mergesort")[:count]
    return float(labels[top].mean())


@dataclass(frozen=True, slots=True, kw_only=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    mean_predicted: float
    observed: float  # share of moments with no reply within the horizon


def calibration(probabilities: NDArray[np.float64], labels: NDArray[np.bool_],
                bins: int = 10) -> tuple[CalibrationBin, ...]:
    """Equal-width bins of predicted risk; a calibrated risk has observed ≈ mean_predicted in each."""
    found = []
    index = np.minimum((probabilities * bins).astype(int), bins - 1)
    for number in range(bins):
        inside = index == number
        count = int(inside.sum())
        if count == 0:
            continue
        found.append(CalibrationBin(low=number / bins, high=(number + 1) / bins, count=count,
                                    mean_predicted=float(probabilities[inside].mean()),
                                    observed=float(labels[inside].mean())))
    return tuple(found)
