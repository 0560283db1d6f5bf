"""The dashboard's interface language: its words come from interface.toml, one table a language."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["Words", "languages", "pick_language", "words_for"]

DEFAULT = "en"


@cache
def _tables() -> dict[str, dict[str, Any]]:
    text = resources.files(__package__).joinpath("interface.toml").read_text("utf-8")
    return tomllib.loads(text)


def languages() -> dict[str, str]:
    """Code -> the language's own name, for the switcher."""
    return {code: str(table["name"]) for code, table in _tables().items()}


class Words:
    """Interface words for one language; a missing word falls back to English, then to its key,
    so a half-translated table never breaks a page."""

    def __init__(self, code: str) -> None:
        self.code = code
        self._own = _tables()[code]
        self._fallback = _tables()[DEFAULT]

    def __getitem__(self, key: str) -> str:
        return str(self._own.get(key, self._fallback.get(key, key)))

    def term(self, vocabulary: str, key: str) -> str:
        """A vocabulary item: SPEC's ("status", "play", "reason", "signal", "meddicc"), the recorded
        outcomes ("outcome_kind") or the risk model's features ("driver")."""
        own = self._own.get(vocabulary, {})
        fallback = self._fallback.get(vocabulary, {})
        return str(own.get(key, fallback.get(key, key.replace("_", " "))))


def words_for(code: str) -> Words:
    return Words(code if code in _tables() else DEFAULT)


def pick_language(chosen: str | None, accept_language: str | None) -> str:
    """The user's explicit choice wins; else the browser's first language we have."""
    known = _tables()
    if chosen in known:
        return str(chosen)
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:  # q=0 means "not this language"
            ranked.append((-quality, index, tag.strip().lower().split("-")[0]))
    for _, _, code in sorted(ranked):
        if code in known:
            return code
    return DEFAULT
