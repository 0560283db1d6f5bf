"""One message's new text read once: its phrase hits and time expressions, for every detector."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tystnad.model import Message
from tystnad.phrases import Hit, find_phrases
from tystnad.timewords import Moment, find_moments

__all__ = ["Reading", "read_message"]


@dataclass(frozen=True, slots=True)
class Reading:
    message: Message
    text: str
    hits: tuple[Hit, ...]
    moments: tuple[Moment, ...]

    def found(self, family: str, *, negated: bool = False) -> list[Hit]:
        """Hits of a family; negated ones ("budgeten är inte fryst") only when asked for."""
        return [hit for hit in self.hits if hit.family == family and hit.negated == negated]

    def sentence(self, hit: Hit) -> str:
        return self.text[hit.sentence_start : hit.sentence_end]

    def moments_in(self, hit: Hit) -> list[Moment]:
        return [m for m in self.moments if hit.sentence_start <= m.start < hit.sentence_end]

    def has(self, family: str) -> bool:
        return any(hit.family == family and not hit.negated for hit in self.hits)


def read_message(message: Message, *, local_day: date) -> Reading:
    text = message.new_text
    return Reading(message=message, text=text, hits=tuple(find_phrases(text)),
                   moments=tuple(find_moments(text, sent=local_day)))
