"""RiskModel: a logistic model over the named features, and the documented prior it starts from."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tystnad.errors import ConfigError
from tystnad.understand.risk.features import FEATURES

__all__ = ["RiskModel", "prior_model"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskModel:
    """risk = logistic(intercept + coefficients · features); `reference` is a usual wait, from which
    a driver's effect is measured."""

    intercept: float
    coefficients: tuple[float, ...]  # in FEATURES order
    reference: tuple[float, ...]
    source: str  # "prior", or "fitted on N moments (DATE)"

    def log_odds(self, values: Sequence[float]) -> float:
        return self.intercept + sum(c * v for c, v in zip(self.coefficients, values, strict=True))

    def probability(self, values: Sequence[float]) -> float:
        # The logistic written so neither branch can overflow, whatever a stored model's weights.
        odds = self.log_odds(values)
        if odds >= 0:
            return 1 / (1 + math.exp(-odds))
        lifted = math.exp(odds)
        return lifted / (1 + lifted)

    def probabilities(self, matrix: NDArray[np.float64]) -> NDArray[np.float64]:
        odds = self.intercept + matrix @ np.asarray(self.coefficients)
        result: NDArray[np.float64] = np.exp(-np.logaddexp(0.0, -odds))  # 1/(1+e^-x), overflow-free
        return result

    def to_document(self) -> dict[str, Any]:
        return {"source": self.source, "intercept": self.intercept,
                "features": list(FEATURES), "coefficients": list(self.coefficients),
                "reference": list(self.reference)}

    @classmethod
    def from_document(cls, document: dict[str, Any], *, origin: str) -> RiskModel:
        try:
            names = tuple(document["features"])
            by_name = dict(zip(names, document["coefficients"], strict=True))
            reference = dict(zip(names, document["reference"], strict=True))
            return cls(intercept=float(document["intercept"]),
                       coefficients=tuple(float(by_name[name]) for name in FEATURES),
                       reference=tuple(float(reference[name]) for name in FEATURES),
                       source=str(document["source"]))
        except (KeyError, TypeError, ValueError) as error:
            # A model from another version of tystnad names other features: refit, do not guess.
            raise ConfigError(f"{origin}: not a risk model for these features ({error!r}); "
                              f"run `tystnad backtest --fit` again") from error


@cache
def prior_model() -> RiskModel:
    """The prior of risk/prior.toml: judgement written down, used until the seller's own history is fitted."""
    text = resources.files("tystnad.understand.risk").joinpath("prior.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    features = table["features"]
    return RiskModel(intercept=float(table["intercept"]),
                     coefficients=tuple(float(features[name]["coefficient"]) for name in FEATURES),
                     reference=tuple(float(features[name]["reference"]) for name in FEATURES),
                     source="prior")
