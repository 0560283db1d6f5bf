"""Which features moved a risk most: each one's effect in probability against a usual wait."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tystnad.model import RiskDriver
from tystnad.understand.risk.features import FEATURES, Waiting
from tystnad.understand.risk.model import RiskModel

__all__ = ["explain", "MAX_DRIVERS"]

MAX_DRIVERS = 5
# Effects smaller than this (half a percentage point) move nothing a seller would notice.
_NOTICEABLE = 0.005


def _days(value: float) -> str:
    return f"{value:.0f}" if value >= 1.5 else f"{value:.1f}"


_DETAILS: dict[str, Callable[[Waiting], str]] = {
    "silence": lambda w: f"{_days(w.since_latest)} business days silent since the seller's latest message",
    "silence_beyond_norm": lambda w: f"{_days(w.silence)} business days silent, rhythm {_days(w.rhythm)}",
    "seller_chasing": lambda w: f"{w.unanswered} messages from the seller without an answer",
    "reply_rate": lambda w: (f"answered {w.replied} of {w.spells} earlier waits within 14 days"
                             if w.spells else "no earlier waits on this customer to learn from"),
    "cold_thread": lambda w: ("no answer in this conversation yet" if not w.has_answer
                              else "the customer has answered in this conversation"),
    "customer_gone_quiet": lambda w: ("never heard from the customer" if w.quiet is None else
                                      f"last heard from the customer {_days(w.quiet)} business days ago"),
    "single_threaded": lambda w: f"{w.contacts} contact(s) on the customer's side",
    "slowing_replies": lambda w: f"latest reply took {w.slowing:.1f}× their earlier pace",
    "shrinking_replies": lambda w: f"latest answer {w.shrinking:.0%} shorter than their longest",
    "vague_deferral": lambda w: "their last answer deferred" if w.deferral else "no deferral in their last answer",
    "hesitation": lambda w: ("their last answer spoke of approval, budget, doubt or change" if w.concern
                             else "no concern in their last answer"),
    "named_later_moment": lambda w: (f"they named {w.named_later.isoformat()}, beyond two weeks"
                                     if w.named_later else "no later day named"),
    "promised_soon": lambda w: (f"they named {w.named_later.isoformat()}, within two weeks" if w.named_later
                                else "no day promised"),
    "unanswered_questions": lambda w: f"{w.left_open} question(s) their last answer passed over",
    "questions_asked": lambda w: f"{w.questions_asked} question(s) waiting for their answer",
    "proposal_unanswered": lambda w: ("a proposal is waiting for an answer" if w.has_proposal
                                      else "no proposal out"),
    "out_of_office": lambda w: "an auto-reply came during this wait" if w.is_away else "no auto-reply",
    "away_for_long": lambda w: (f"their auto-reply says they are back in {w.back_in} days" if w.back_in
                                else "not away"),
    "engaged_history": lambda w: f"{w.answers} answer(s) from the customer so far",
}


def explain(model: RiskModel, values: Sequence[float], waiting: Waiting) -> tuple[RiskDriver, ...]:
    """The features that moved this risk most, largest first: the risk minus the risk with that one
    feature at its reference value, in probability (0.12 is twelve percentage points)."""
    risk = model.probability(values)
    drivers = []
    for index, name in enumerate(FEATURES):
        if values[index] == model.reference[index] or model.coefficients[index] == 0:
            continue
        usual = list(values)
        usual[index] = model.reference[index]
        effect = risk - model.probability(usual)
        if abs(effect) >= _NOTICEABLE:
            drivers.append(RiskDriver(signal=name, effect=round(effect, 3), detail=_DETAILS[name](waiting)))
    drivers.sort(key=lambda driver: (-abs(driver.effect), driver.signal))
    return tuple(drivers[:MAX_DRIVERS])
