"""A decision head: a regularised multinomial logistic regression over named features, stored as plain
numbers (classes, feature names, weights), that says how likely each class is and which features
pulled the chosen class up. Fitting is deterministic, so retraining on the same examples gives the
same numbers."""

from __future__ import annotations

import hashlib
import multiprocessing
import pickle
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["FitJob", "Head", "fit_head", "fit_heads"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Head:
    name: str
    classes: tuple[str, ...]
    features: tuple[str, ...]
    weights: tuple[tuple[float, ...], ...]  # one row a class, one column a feature
    # Derived once, for speed: every deal of a scan asks each head.
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _matrix: NDArray[np.float64] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {name: i for i, name in enumerate(self.features)})
        object.__setattr__(self, "_matrix", np.array(self.weights, dtype=np.float64).reshape(
            len(self.classes), len(self.features)))

    def _vector(self, values: Mapping[str, float]) -> NDArray[np.float64]:
        vector = np.zeros(len(self.features))
        for name, value in values.items():
            column = self._index.get(name)
            if column is not None:
                vector[column] = value
        return vector

    def probabilities(self, values: Mapping[str, float]) -> dict[str, float]:
        return self.probabilities_of([values])[0]

    def probabilities_of(self, many: Sequence[Mapping[str, float]]) -> list[dict[str, float]]:
        """Several inputs at once (a deal's seven MEDDICC elements): one matrix product."""
        scores = np.stack([self._vector(values) for values in many]) @ self._matrix.T
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        shares = exp / exp.sum(axis=1, keepdims=True)
        return [dict(zip(self.classes, map(float, row), strict=True)) for row in shares]

    def drivers(self, values: Mapping[str, float], chosen: str, *, most: int = 5) -> list[tuple[str, float]]:
        """The features that pulled `chosen` above the other classes most, largest first."""
        weights = self._matrix
        row = self.classes.index(chosen)
        margin = weights[row] - weights.mean(axis=0)
        pulls = margin * self._vector(values)
        top = np.argpartition(-pulls, min(most + 1, len(pulls) - 1))[: most + 1] if len(pulls) > most + 1 \
            else np.arange(len(pulls))
        order = sorted(top, key=lambda i: -pulls[i])
        return [(self.features[i], round(float(pulls[i]), 3)) for i in order
                if pulls[i] > 0 and self.features[i] != "bias"][:most]

    def to_document(self) -> dict[str, Any]:
        return {"name": self.name, "classes": list(self.classes), "features": list(self.features),
                "weights": [[round(w, 6) for w in row] for row in self.weights]}

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Head:
        return cls(name=str(document["name"]), classes=tuple(document["classes"]),
                   features=tuple(document["features"]),
                   weights=tuple(tuple(float(w) for w in row) for row in document["weights"]))


# Fitting is deterministic, so a head once fitted on the same examples is remembered: grouped
# cross-validation fits one training set more than once (holding out B inside the fold that holds out
# A trains on what holding out A inside B's fold does), and each fit is thousands of steps.
_FITTED: OrderedDict[str, Head] = OrderedDict()
_REMEMBERED = 2048


@dataclass(frozen=True, slots=True, kw_only=True)
class FitJob:
    """One head to fit: what fit_head takes, so that many can be fitted at once (fit_heads)."""

    name: str
    examples: Sequence[Mapping[str, float]]
    targets: Sequence[Mapping[str, float]]
    classes: Sequence[str]
    l2: float = 1.0
    steps: int = 3000

    def key(self) -> str:
        return hashlib.sha1(pickle.dumps((self.name, tuple(self.classes), self.l2, self.steps,
                                          [sorted(values.items()) for values in self.examples],
                                          [sorted(target.items()) for target in self.targets]))).hexdigest()


def fit_head(name: str, examples: Sequence[Mapping[str, float]], targets: Sequence[Mapping[str, float]], *,
             classes: Sequence[str], l2: float = 1.0, steps: int = 3000, remember: bool = True) -> Head:
    """`targets`: for each example, the acceptable classes with their share of the target (a coach's
    'either is right' spreads it). Features seen in fewer than two examples are left out: one case's
    wording must not become a weight. `remember`: False fits anew even what was fitted before."""
    job = FitJob(name=name, examples=examples, targets=targets, classes=classes, l2=l2, steps=steps)
    if not remember:
        return _fit(job)
    return fit_heads([job], workers=1)[0]


def fit_heads(jobs: Sequence[FitJob], *, workers: int) -> list[Head]:
    """Several heads, those not fitted before in up to `workers` processes (fits are independent)."""
    keys = [job.key() for job in jobs]
    missing = list({key: job for key, job in zip(keys, jobs, strict=True) if key not in _FITTED}.items())
    if workers > 1 and len(missing) > 1:
        with multiprocessing.get_context("fork").Pool(min(workers, len(missing))) as pool:
            fitted = pool.map(_fit, [job for _, job in missing])
    else:
        fitted = [_fit(job) for _, job in missing]
    for (key, _), head in zip(missing, fitted, strict=True):
        _FITTED[key] = head
    heads = []
    for key in keys:
        _FITTED.move_to_end(key)
        heads.append(_FITTED[key])
    while len(_FITTED) > _REMEMBERED:
        _FITTED.popitem(last=False)
    return heads


def _fit(job: FitJob) -> Head:
    examples, targets, classes, l2 = job.examples, job.targets, job.classes, job.l2
    seen: dict[str, int] = {}
    for values in examples:
        for feature, value in values.items():
            if value:
                seen[feature] = seen.get(feature, 0) + 1
    features = tuple(sorted(f for f, count in seen.items() if count >= 2 or f == "bias"))
    x = np.array([[values.get(f, 0.0) for f in features] for values in examples], dtype=np.float64)
    y = np.array([[target.get(c, 0.0) for c in classes] for target in targets], dtype=np.float64)
    y /= np.maximum(y.sum(axis=1, keepdims=True), 1e-12)
    penalty = np.full(len(features), l2)
    if "bias" in features:
        penalty[features.index("bias")] = 0.0
    weights = np.zeros((len(classes), len(features)))
    velocity = np.zeros_like(weights)
    # Nesterov-accelerated gradient descent on a convex loss: deterministic, no solver dependency.
    step = 1.0 / (0.25 * float(np.square(x).sum(axis=1).max()) + l2 + 1e-9)
    n = len(examples)
    for _ in range(job.steps):
        ahead = weights + 0.9 * velocity
        scores = x @ ahead.T
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(axis=1, keepdims=True)
        gradient = (p - y).T @ x / n + ahead * penalty / n
        velocity = 0.9 * velocity - step * gradient
        weights = weights + velocity
    return Head(name=job.name, classes=tuple(classes), features=features,
                weights=tuple(tuple(float(w) for w in row) for row in weights))
