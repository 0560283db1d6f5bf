"""Message -> Message with its phrase hits and time expressions; and Reading, the view detectors use.

Reading is the costliest per-message work and needs nothing but the message, so the pipeline
runs it only on the messages that belong to a customer's deal. Time expressions resolve against
the day the writer sent the message in their own zone ("på fredag" is the writer's Friday)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from tystnad.model import Hit, Message, Moment
from tystnad.read.phrases import find_phrases, fold
from tystnad.read.timewords import find_moments

__all__ = ["Reading", "read", "trim"]


def trim(message: Message) -> Message:
    """The full body and quoted history dropped: no later stage reads them, and a large mailbox
    must fit in memory. What was quoted is kept as a count of lines."""
    if not message.body and not message.quoted:
        return message
    quoted_lines = message.quoted.count("\n") + 1 if message.quoted.strip() else 0
    return replace(message, body="", quoted="", quoted_lines=quoted_lines)


def read(message: Message) -> Message:
    """Hits and moments of the new text, the message trimmed."""
    message = trim(message)
    text = message.new_text
    if not text:
        return message
    folded = fold(text)
    return replace(message, phrases=tuple(find_phrases(text, folded=folded)),
                   moments=tuple(find_moments(text, sent=message.date.date(), folded=folded)))


@dataclass(frozen=True, slots=True)
class Reading:
    """A message as the detectors see it: its new text, hits and moments."""

    message: Message

    @property
    def text(self) -> str:
        return self.message.new_text

    @property
    def hits(self) -> tuple[Hit, ...]:
        return self.message.phrases

    @property
    def moments(self) -> tuple[Moment, ...]:
        return self.message.moments

    def found(self, family: str, *, negated: bool = False) -> list[Hit]:
        """Hits of a family; negated ones ("budgeten är inte fryst") only when asked for."""
        return [hit for hit in self.hits if hit.family == family and hit.negated == negated]

    def sentence(self, hit: Hit) -> str:
        return self.text[hit.sentence_start : hit.sentence_end]

    def asks(self, hit: Hit) -> bool:
        """The hit's sentence is a question ("Stämmer det att ni …?" asks; it does not confirm)."""
        return self.sentence(hit).rstrip().endswith("?")

    def moments_in(self, hit: Hit) -> list[Moment]:
        return [m for m in self.moments if hit.sentence_start <= m.start < hit.sentence_end]

    def has(self, family: str) -> bool:
        return any(hit.family == family and not hit.negated for hit in self.hits)
