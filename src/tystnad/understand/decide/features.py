"""Understanding -> named numbers for the decision heads: what the detectors found (signals, the rules'
own status, reasons and MEDDICC reading), timing against the customer's engaged pace, who owes the
next message, and which phrase families each side used where. Pure: the same deal, the same numbers."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence

from tystnad.model import MeddiccElement, MeddiccState, Reason, SignalKind, Status
from tystnad.read.reading import Reading
from tystnad.understand.signals.text import is_acknowledgement
from tystnad.understand.view import DealView

__all__ = ["deal_features", "element_features", "scaled", "FAMILIES"]

# Phrase families read from each side (the language files' [phrases]; see read/phrases.py).
FAMILIES = (
    "asks_next_step", "budget_pressure", "champion", "closed_lost", "closed_won", "competition",
    "contact_later", "courtesy", "criteria", "decision_power", "engaged", "event_deferral", "hesitation",
    "internal_change", "needs_approval", "next_step", "not_relevant", "pain", "pressure", "promise_verbs",
    "proposal", "vague_deferral", "customer_yes", "confirms_recap", "seller_promise", "checkin", "smaller_step",
    "recap", "events", "budget_frozen", "decision_steps",
)


def scaled(value: float) -> float:
    """How counts and durations enter the heads: log(1 + x), never below zero."""
    return math.log1p(max(value, 0.0))


def _families(prefix: str, readings: list[Reading]) -> dict[str, float]:
    present = {hit.family for reading in readings for hit in reading.hits if not hit.negated}
    return {f"{prefix}:{family}": float(family in present) for family in FAMILIES}


def _dated_promise(reading: Reading) -> bool:
    """"… och skickar det till dig i morgon förmiddag": a promise with its day, in one sentence."""
    return any(hit.family in ("seller_promise", "promise_verbs") and not hit.negated and reading.moments_in(hit)
               for hit in reading.hits)


def _engaged_pace(latencies: Sequence[float], usual: float) -> float:
    """The customer's pace while engaged: the median of the faster half of their replies, so a
    customer who slowed down does not set their own norm by slowing."""
    fastest = sorted(latencies)[: max(1, (len(latencies) + 1) // 2)]
    # Never below a quarter of a day: a mailbox whose customers answer within the hour has a norm
    # of 0.0 business days, and a pace of zero would make any silence infinitely long.
    return max(statistics.median(fastest) if latencies else usual, 0.25)


def deal_features(view: DealView, *, latencies: Sequence[float], status: Status, signals: frozenset[SignalKind],
                  reasons: dict[Reason, float], meddicc: dict[MeddiccElement, MeddiccState]) -> dict[str, float]:
    """`latencies`: the customer's reply latencies (timing.reply_latencies); `status`, `signals`,
    `reasons` and `meddicc` as the rules read the deal (before any decision)."""
    timeline = view.timeline
    answers = list(view.answers)
    last_answer = answers[-1:]
    since = [r for r in view.since_last_answer if not view.is_customer(r.message)]
    sellers = view.seller_messages()
    latest = view.readings[-1] if view.readings else None
    engaged = _engaged_pace(latencies, view.rhythm.median)
    features: dict[str, float] = {"bias": 1.0}
    features.update({f"rule_status:{s}": float(status is s) for s in Status})
    features.update({f"signal:{kind}": float(kind in signals) for kind in SignalKind})
    top = max(reasons, key=lambda reason: reasons[reason], default=None)
    for reason in Reason:
        features[f"rule_reason:{reason}"] = reasons.get(reason, 0.0)
        features[f"rule_top_reason:{reason}"] = float(reason is top)
    for element in MeddiccElement:
        state = meddicc.get(element, MeddiccState.MISSING)
        features[f"rule_meddicc:{element}:confirmed"] = float(state is MeddiccState.CONFIRMED)
        features[f"rule_meddicc:{element}:weak"] = float(state is MeddiccState.WEAK)
    features.update({
        "silence_days": scaled(timeline.silence),
        "silence_vs_rhythm": min(timeline.silence / max(view.rhythm.silence_threshold, 0.5), 6.0),
        "silence_vs_engaged_pace": min(scaled(timeline.silence / engaged), 4.0),
        "engaged_pace_days": scaled(engaged),
        "rhythm_days": scaled(view.rhythm.median),
        "unanswered": min(float(timeline.unanswered), 4.0),
        "customer_never_answered": float(not answers),
        "customer_wrote_last": float(latest is not None and view.is_customer(latest.message)
                                     and latest.message.is_answer),
        "waiting_until_named": float(timeline.waiting_until is not None),
        "customer_people": min(float(len({r.message.sender.email for r in answers})), 4.0),
        "messages": scaled(len(view.messages)),
        "last_answer_words": scaled(len(last_answer[0].text.split())) if last_answer else 0.0,
        "last_answer_questions": min(float(last_answer[0].text.count("?")), 3.0) if last_answer else 0.0,
        "last_answer_acknowledges": float(bool(last_answer) and is_acknowledgement(last_answer[0])),
        "seller_questions_since": min(float(sum(r.text.count("?") for r in since)), 4.0),
    })
    features.update(_families("customer_any", answers))
    # Auto-replies are never an answer, but they carry news: "har slutat", "on parental leave until …".
    features.update(_families("customer_auto", [r for r in view.readings
                                                if view.is_customer(r.message) and not r.message.is_answer]))
    features.update(_families("customer_last", last_answer))
    features.update(_families("seller_since", since))
    features.update(_families("seller_latest", since[-1:]))
    features["seller_latest:dated_promise"] = float(any(_dated_promise(r) for r in since[-1:]))
    features.update(_families("seller_any", sellers))
    return features


_CROSSED = ("customer_any:", "customer_last:", "seller_any:", "signal:")


def crossed(deal: Mapping[str, float]) -> list[tuple[str, float]]:
    """The deal's numbers each MEDDICC element weighs its own way (computed once a deal)."""
    return [(name, value) for name, value in deal.items() if value and name.startswith(_CROSSED)]


def element_features(element: MeddiccElement, deal: Mapping[str, float],
                     shared: list[tuple[str, float]] | None = None) -> dict[str, float]:
    """One MEDDICC element's own view: which element, how the rules read it, and the deal's numbers
    crossed with the element, so each element weighs the same evidence its own way."""
    features = {"bias": 1.0, f"element:{element}": 1.0}
    confirmed = deal[f"rule_meddicc:{element}:confirmed"]
    weak = deal[f"rule_meddicc:{element}:weak"]
    features["rule_confirmed"] = confirmed
    features["rule_weak"] = weak
    features[f"{element}:rule_confirmed"] = confirmed
    features[f"{element}:rule_weak"] = weak
    for name, value in crossed(deal) if shared is None else shared:
        features[f"{element}|{name}"] = value
    return features
