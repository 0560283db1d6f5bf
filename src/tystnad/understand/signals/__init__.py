"""Signal detectors: each reads a DealView and returns Signals with verbatim evidence; registry here."""

from __future__ import annotations

from collections.abc import Callable

from tystnad.model import Signal
from tystnad.understand.signals import questions, text, timing, trends
from tystnad.understand.view import DealView

__all__ = ["SignalDetector", "DETECTORS", "detect_signals"]


SignalDetector = Callable[[DealView], list[Signal]]

DETECTORS: tuple[SignalDetector, ...] = (
    timing.detect_silence, timing.detect_chasing, timing.detect_out_of_office,
    text.detect_deferrals, text.detect_concerns, text.detect_next_step, text.detect_engaged,
    trends.detect_slowing, trends.detect_shrinking, trends.detect_single_threaded,
    trends.detect_proposal_unanswered, trends.detect_no_next_step, trends.detect_generic_outreach,
    questions.detect_unanswered_questions,
)


def detect_signals(view: DealView) -> tuple[Signal, ...]:
    found: list[Signal] = []
    for detector in DETECTORS:
        found.extend(detector(view))
    return tuple(found)
