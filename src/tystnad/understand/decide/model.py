"""The decision model: the heads fitted on labelled conversations (status, reason, play, and whether
a MEDDICC element is confirmed), shipped as decide/model.json and retrained by `tystnad train`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from tystnad.errors import ConfigError
from tystnad.understand.decide.heads import Head

__all__ = ["DecisionModel", "shipped_model", "SHIPPED"]

SHIPPED = "model.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionModel:
    status: Head
    reason: Head
    play: Head
    meddicc: Head  # two classes: "confirmed" and "not"
    trained_on: Mapping[str, Any] = field(default_factory=dict)  # groups, counts, settings

    def to_document(self) -> dict[str, Any]:
        return {"trained_on": dict(self.trained_on),
                "heads": {head.name: head.to_document() for head in (self.status, self.reason, self.play,
                                                                     self.meddicc)}}

    @classmethod
    def from_document(cls, document: Mapping[str, Any], *, origin: str) -> DecisionModel:
        try:
            heads = {name: Head.from_document(head) for name, head in document["heads"].items()}
            return cls(status=heads["status"], reason=heads["reason"], play=heads["play"],
                       meddicc=heads["meddicc"], trained_on=dict(document.get("trained_on", {})))
        except (KeyError, TypeError, ValueError) as error:
            raise ConfigError(f"{origin}: not a decision model ({type(error).__name__}: {error})") from error

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_document(), indent=1, sort_keys=True) + "\n", encoding="utf-8")


@cache
def shipped_model() -> DecisionModel | None:
    """The model fitted on the labelled corpora and shipped beside this module; None before the first
    `tystnad train` (the rules then decide alone)."""
    entry = resources.files(__package__).joinpath(SHIPPED)
    if not entry.is_file():
        return None
    return DecisionModel.from_document(json.loads(entry.read_text("utf-8")), origin=str(entry))
