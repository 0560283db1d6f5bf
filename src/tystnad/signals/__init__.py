"""Signal detectors: each reads a DealView and returns Signals with verbatim evidence; registry here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tystnad.model import Deal, Message, Rhythm, Seller, Signal, Timeline
from tystnad.timing import BusinessCalendar

__all__ = ["DealView", "SignalDetector", "DETECTORS", "detect_signals"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DealView:
    """What a detector may look at: the deal's messages up to `now`, in order, and its timing."""

    deal: Deal
    messages: tuple[Message, ...]
    seller: Seller
    calendar: BusinessCalendar
    rhythm: Rhythm
    timeline: Timeline
    now: datetime

    def is_customer(self, message: Message) -> bool:
        return not self.seller.owns(message.sender)


SignalDetector = Callable[[DealView], list[Signal]]


def _registry() -> tuple[SignalDetector, ...]:
    from tystnad.signals import timing

    return (timing.detect_silence, timing.detect_chasing, timing.detect_out_of_office)


DETECTORS: tuple[SignalDetector, ...] = _registry()


def detect_signals(view: DealView) -> tuple[Signal, ...]:
    found: list[Signal] = []
    for detector in DETECTORS:
        found.extend(detector(view))
    return tuple(found)
