"""Who a customer contact is in their organisation, from titles in their signature and text."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache

from tystnad.language import languages
from tystnad.read.phrases import fold

__all__ = ["Role", "role_of", "names_a_role", "capitalised_words"]


class Role(StrEnum):
    DECIDER = "decider"  # owns a budget or a decision
    EVALUATOR = "evaluator"  # evaluates and recommends
    UNKNOWN = "unknown"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    def pattern(titles: set[str]) -> re.Pattern[str]:
        words = "|".join(re.escape(fold(t)) for t in sorted(titles, key=len, reverse=True)) or "(?!)"
        return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])")

    return (pattern({t for lang in languages() for t in lang.deciders}),
            pattern({t for lang in languages() for t in lang.evaluators}))


def role_of(signature: str) -> tuple[Role, str]:
    """The role a signature shows, and the title as written ("Ekonomichef", "Head of Ops")."""
    deciders, evaluators = _patterns()
    for line in signature.splitlines()[:8]:
        # A signature laid out in columns or ruled ("Mike Rosa, CEO      -------   Voice: …") holds
        # several fields on a line: the title is the field that names it.
        for field in _FIELD_GAP.split(line):
            folded = fold(field)
            # "Hoofd Bedrijfsvoering / Head of Operations": any part may carry the title.
            if deciders.search(folded):
                return Role.DECIDER, field.strip()
            if evaluators.search(folded):
                return Role.EVALUATOR, field.strip()
    return Role.UNKNOWN, ""


# A word inside a sentence (not its first word), from its first letter.
_INNER_WORD = re.compile(r"(?<![.!?]\s)(?<!^)\b[^\W\d_]{2,}")


def capitalised_words(text: str) -> list[str]:
    """Words inside a sentence written with a capital and then lower case, the way names are
    ("fråga Åsa", "ask Émile", "prata med Camilla"), in any script with case."""
    return [word for word in _INNER_WORD.findall(text) if word[0].isupper() and word[1].islower()]


def names_a_role(text: str) -> bool:
    """Whether `text` names a title that decides or evaluates ("visa det för ekonomichefen", "our CFO")."""
    folded = fold(text)
    return any(pattern.search(folded) for pattern in _patterns())


_FIELD_GAP = re.compile(r"\s{3,}|\t|[-_=*~|]{4,}")
