"""Signals -> the six reasons a customer goes quiet, ranked, each with the quotes that support it.

Weights say how strongly a signal points to a reason; a reason is given only when a signal
that is evidence for it was found (a weak hint alone never makes a reason)."""

from __future__ import annotations

from collections import defaultdict

from tystnad.model import (
    Evidence,
    MeddiccElement,
    MeddiccItem,
    MeddiccState,
    Reason,
    ReasonScore,
    Signal,
    SignalKind,
)

__all__ = ["evidence_for", "rank_reasons"]

# (signal, reason, weight, is_primary): only primary signals can make a reason on their own.
_WEIGHTS: tuple[tuple[SignalKind, Reason, float, bool], ...] = (
    (SignalKind.NEEDS_APPROVAL, Reason.NO_MANDATE, 0.5, True),
    (SignalKind.SINGLE_THREADED, Reason.NO_MANDATE, 0.12, False),
    (SignalKind.VAGUE_DEFERRAL, Reason.NO_MANDATE, 0.08, False),
    (SignalKind.UNANSWERED_QUESTIONS, Reason.NO_MANDATE, 0.12, False),
    (SignalKind.BROKEN_PROMISE, Reason.NO_MANDATE, 0.1, False),
    (SignalKind.BUDGET_PRESSURE, Reason.BUDGET_GONE, 0.9, True),
    (SignalKind.EVENT_DEFERRAL, Reason.BUDGET_GONE, 0.05, False),
    (SignalKind.HESITATION, Reason.DECISION_FEAR, 0.6, True),
    (SignalKind.VAGUE_DEFERRAL, Reason.DECISION_FEAR, 0.1, False),
    (SignalKind.UNANSWERED_QUESTIONS, Reason.DECISION_FEAR, 0.08, False),
    (SignalKind.INTERNAL_CHANGE, Reason.INTERNAL_CHANGE, 0.9, True),
    (SignalKind.NO_NEXT_STEP, Reason.UNCLEAR_NEXT_STEP, 0.35, True),
    (SignalKind.UNANSWERED_QUESTIONS, Reason.UNCLEAR_NEXT_STEP, 0.2, True),
    (SignalKind.VAGUE_DEFERRAL, Reason.UNCLEAR_NEXT_STEP, 0.2, True),
    (SignalKind.EVENT_DEFERRAL, Reason.UNCLEAR_NEXT_STEP, 0.1, False),
    (SignalKind.GENERIC_OUTREACH, Reason.LOW_RELEVANCE, 0.35, True),
    (SignalKind.PROPOSAL_UNANSWERED, Reason.LOW_RELEVANCE, 0.2, True),
    (SignalKind.SHRINKING_REPLIES, Reason.LOW_RELEVANCE, 0.1, False),
    (SignalKind.SLOWING_REPLIES, Reason.LOW_RELEVANCE, 0.05, False),
)
# A customer who asks, brings colleagues and gives numbers is not losing interest.
_DAMPERS = {SignalKind.ENGAGED: (Reason.LOW_RELEVANCE, 0.5)}
MIN_SCORE = 0.2


# Customer words that point to a reason without being a signal of their own ("no need for a call").
HINTS: dict[str, tuple[Reason, float]] = {"not_relevant": (Reason.LOW_RELEVANCE, 0.45)}


def rank_reasons(
    signals: tuple[Signal, ...], meddicc: tuple[MeddiccItem, ...] = (),
    hints: tuple[tuple[str, Evidence], ...] = (),
) -> tuple[ReasonScore, ...]:
    kinds = {signal.kind: signal for signal in signals}
    scores: dict[Reason, float] = defaultdict(float)
    primary: set[Reason] = set()
    for kind, reason, weight, is_primary in _WEIGHTS:
        if kind not in kinds:
            continue
        scores[reason] += weight
        if is_primary:
            primary.add(reason)
    evidence = {reason: evidence_for(reason, signals) for reason in Reason}
    for family, quote in hints:
        reason, weight = HINTS[family]
        if quote not in evidence[reason]:
            scores[reason] += weight
            primary.add(reason)
            evidence[reason] += (quote,)
    for kind, (reason, factor) in _DAMPERS.items():
        if kind in kinds:
            scores[reason] *= factor
    # A customer who put their pain or numbers in their own words found it relevant once.
    confirmed = {item.element for item in meddicc if item.state is MeddiccState.CONFIRMED}
    if confirmed & {MeddiccElement.IDENTIFY_PAIN, MeddiccElement.METRICS}:
        scores[Reason.LOW_RELEVANCE] *= 0.5
    ranked = sorted(
        (ReasonScore(reason=reason, score=round(min(score, 1.0), 2), evidence=tuple(evidence[reason]))
         for reason, score in scores.items()
         if reason in primary and score >= MIN_SCORE and evidence[reason]),
        key=lambda item: (-item.score, list(Reason).index(item.reason)),
    )
    return tuple(ranked)



def evidence_for(reason: Reason, signals: tuple[Signal, ...],
                 hints: tuple[tuple[str, Evidence], ...] = ()) -> tuple[Evidence, ...]:
    """The quotes that speak for `reason`: each weighed signal's (the latest of its kind), then the
    customer's own hints; rank_reasons and the learned reason head both quote these."""
    kinds = {signal.kind: signal for signal in signals}
    found: list[Evidence] = []
    for kind, weighed, _, _ in _WEIGHTS:
        signal = kinds.get(kind)
        if weighed is reason and signal is not None and signal.evidence is not None \
                and signal.evidence not in found:
            found.append(signal.evidence)
    for family, quote in hints:
        if HINTS[family][0] is reason and quote not in found:
            found.append(quote)
    return tuple(found)
