"""Labelled conversations on disk -> LabelledCase: a corpus is a folder with labels.json and
mail/<case>/*.eml (the format of ../shared/corpus); each case belongs to an author group, the fold a
grouped cross-validation holds out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tystnad.errors import ConfigError

__all__ = ["LabelledCase", "load_corpus"]


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelledCase:
    id: str
    group: str  # the author group: written by the same people, held out together
    mail: Path
    language: str
    customer_domain: str
    now: str
    status: tuple[str, ...]
    reasons: tuple[str, ...]
    signals_present: tuple[str, ...]
    signals_absent: tuple[str, ...]
    meddicc_missing: tuple[str, ...]
    meddicc_confirmed: tuple[str, ...]
    plays: tuple[str, ...]


def load_corpus(root: Path, *, group: str | None = None) -> list[LabelledCase]:
    """`group` names every case's author group; without it, a case's group is its id's prefix
    ("w1-07" -> "w1"), as in ../shared/corpus."""
    try:
        labels = json.loads((root / "labels.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"{root / 'labels.json'}: cannot read the labels ({error})") from error
    cases = []
    for label in labels:
        try:
            cases.append(LabelledCase(
                id=label["id"], group=group or label["id"].split("-", 1)[0], mail=root / "mail" / label["id"],
                language=label["language"], customer_domain=label["customer_domain"].lower(), now=label["now"],
                status=tuple(label["status"]), reasons=tuple(label["reasons"]),
                signals_present=tuple(label.get("signals_present", ())),
                signals_absent=tuple(label.get("signals_absent", ())),
                meddicc_missing=tuple(label.get("meddicc_missing", ())),
                meddicc_confirmed=tuple(label.get("meddicc_confirmed", ())), plays=tuple(label["plays"])))
        except (KeyError, TypeError) as error:
            raise ConfigError(f"{root / 'labels.json'}: case {label.get('id', '?')} lacks {error}") from error
    return cases
