"""Decide: the rules' reading of a deal -> status, reasons and MEDDICC states chosen by heads learned
from labelled conversations. The detectors stay the evidence; hard facts stay rules (a clear no or
yes is closed; an auto-reply is never an answer, which the detectors already respect); every decision
keeps the features that drove it, and a reason or a confirmed element is only given with a quote."""

from __future__ import annotations

from dataclasses import replace

from tystnad.model import (
    Decision,
    Diagnosis,
    MeddiccItem,
    MeddiccState,
    Reason,
    ReasonScore,
    Status,
)
from tystnad.understand.decide.features import crossed, element_features, scaled
from tystnad.understand.decide.heads import Head
from tystnad.understand.decide.model import DecisionModel, shipped_model
from tystnad.understand.diagnosis import GHOSTED_FACTOR, Understanding
from tystnad.understand.meddicc import evidence_for as meddicc_evidence
from tystnad.understand.reasons import evidence_for as reason_evidence

__all__ = ["DecisionModel", "decide", "shipped_model"]

# Fewer business days of quiet than this is never called silent by the heads (the rules may).
MIN_SILENT_DAYS = 3


# A reason the heads rank this low is left out beyond the first two: the runner-up, with its quote, is
# what a coach would weigh next, however sure the head is of the first.
MIN_REASON = 0.15


def _decision(head: Head, name: str, values: dict[str, float], choice: str, probability: float) -> Decision:
    return Decision(head=name, choice=choice, probability=round(probability, 3),
                    drivers=tuple(head.drivers(values, choice)))


def _has(features: dict[str, float], *names: str) -> bool:
    return any(features.get(name, 0.0) for name in names)


def _owed_after_yes(features: dict[str, float]) -> bool:
    """SPEC: the customer said yes or asked for something, and the seller's own promise since then
    ("I'll send the contract tomorrow") is still open, whoever wrote last: the seller owes. A signed
    contract is closed: the seller's onboarding promises after it are not owed replies."""
    said_yes = _has(features, "customer_last:customer_yes") and not _has(features, "customer_last:closed_won")
    return said_yes and _has(features, "seller_latest:seller_promise", "seller_latest:dated_promise")


def _says_something(features: dict[str, float]) -> bool:
    """The customer's last word asks, or says something that wants an answer: not a bare
    acknowledgement, not a deferral of their own (then the deal waits for what they deferred to)."""
    if features.get("last_answer_questions"):
        return True
    deferred = _has(features, *(f"customer_last:{family}" for family in (
        "vague_deferral", "contact_later", "event_deferral", "next_step")))
    return not features.get("last_answer_acknowledges") and not deferred


def _possible(rule: Status, features: dict[str, float]) -> set[Status]:
    """The statuses the mail can support at all (SPEC's definitions), whatever the head prefers: closed
    needs the customer's no or yes, a pause a later moment or event they named, ghosted a follow-up
    gone unanswered; the seller's move needs the customer to have written last, or a yes or question
    the seller's own promise has not yet honoured; while the customer waits for an answer to their
    question, the seller is not waiting for them."""
    customer = ("customer_any:closed_lost", "customer_any:closed_won", "customer_any:customer_yes",
                "customer_any:not_relevant")
    possible = {rule, Status.WAITING}
    if rule in (Status.SILENT, Status.GHOSTED) or features.get("silence_days", 0.0) >= scaled(MIN_SILENT_DAYS):
        possible.add(Status.SILENT)  # a day or two of quiet is no warning, however quick they were
    if _has(features, *customer):
        possible.add(Status.CLOSED)
    if _has(features, "waiting_until_named", "customer_last:contact_later", "customer_last:event_deferral",
            "signal:event_deferral"):
        possible.add(Status.PAUSED)
    if features.get("unanswered", 0.0) >= 2:
        possible.add(Status.GHOSTED)
    if rule is Status.GHOSTED and features.get("silence_vs_rhythm", 0.0) > GHOSTED_FACTOR:
        possible -= {Status.WAITING, Status.SILENT}  # far beyond the norm with a follow-up unanswered
    # A promise of the seller's after a yes is owed; after a question it is owed unless the seller's
    # answer asked something back ("Ska jag lägga till den?"): then the customer has the next word.
    promised = _has(features, "seller_since:seller_promise", "seller_since:promise_verbs")
    owed = promised and (_has(features, "customer_last:customer_yes") or (
        _has(features, "last_answer_questions") and not features.get("seller_questions_since")))
    if features.get("customer_wrote_last") or owed:
        possible.add(Status.YOUR_MOVE)
    if features.get("customer_wrote_last") and _says_something(features):
        # They asked and wait for the answer. A last word without a question may be a bare
        # acknowledgement of an agreed step, which owes nothing: then the deal waits for that step.
        possible -= {Status.WAITING, Status.SILENT, Status.GHOSTED}
    return possible


def _status(diagnosis: Diagnosis, model: DecisionModel, features: dict[str, float]) -> tuple[Status, Decision]:
    probabilities = model.status.probabilities(features)
    rule = diagnosis.timeline.status
    if _owed_after_yes(features):
        choice = Status.YOUR_MOVE  # the customer said yes and the seller's promise is still open
    elif rule is Status.CLOSED:
        choice = Status.CLOSED  # a clear no or yes in the customer's words is a fact, not a guess
    else:
        possible = _possible(rule, features)
        choice = max(possible, key=lambda s: (probabilities.get(str(s), 0.0), s is rule))
    return choice, _decision(model.status, "status", features, str(choice), probabilities.get(str(choice), 0.0))


def _reasons(understood: Understanding, model: DecisionModel,
             features: dict[str, float]) -> tuple[tuple[ReasonScore, ...], Decision | None]:
    diagnosis = understood.diagnosis
    probabilities = model.reason.probabilities(features)
    by_rule = {item.reason: item.evidence for item in diagnosis.reasons}
    hints = understood.hints
    ranked: list[ReasonScore] = []
    for name in sorted(probabilities, key=lambda r: -probabilities[r]):
        reason = Reason(name)
        evidence = by_rule.get(reason) or reason_evidence(reason, diagnosis.signals, hints)
        if not evidence or (len(ranked) >= 2 and probabilities[name] < MIN_REASON):
            continue  # a reason without a quote is not given
        ranked.append(ReasonScore(reason=reason, score=round(probabilities[name], 2), evidence=evidence))
    if not ranked:
        return (), None
    frozen = next((r for r in ranked if r.reason is Reason.BUDGET_GONE), None)
    if frozen is not None and features.get("customer_any:budget_frozen") and ranked[0] is not frozen:
        # The customer said the money is frozen or gone: a fact, whatever else the mail suggests.
        ranked = [frozen, *(r for r in ranked if r is not frozen)]
    top = str(ranked[0].reason)
    return tuple(ranked), _decision(model.reason, "reason", features, top, probabilities[top])


def _meddicc(understood: Understanding, model: DecisionModel,
             features: dict[str, float]) -> tuple[tuple[MeddiccItem, ...], tuple[Decision, ...]]:
    items, decisions = [], []
    shared = crossed(features)
    inputs = [element_features(item.element, features, shared) for item in understood.diagnosis.meddicc]
    beliefs = model.meddicc.probabilities_of(inputs)
    for item, values, belief in zip(understood.diagnosis.meddicc, inputs, beliefs, strict=True):
        confirmed = belief.get("confirmed", 0.0)
        state, evidence = item.state, item.evidence
        if confirmed >= 0.5 and state is not MeddiccState.CONFIRMED:
            # Confirmed only with the sentence that shows it; without one the rules' reading stands.
            evidence = meddicc_evidence(understood.view, item.element)
            state = MeddiccState.CONFIRMED if evidence is not None else item.state
        elif confirmed < 0.5 and state is MeddiccState.CONFIRMED:
            state, evidence = MeddiccState.WEAK, None
        items.append(MeddiccItem(element=item.element, state=state, evidence=evidence))
        if state is not item.state:
            choice = "confirmed" if confirmed >= 0.5 else "not"
            decisions.append(_decision(model.meddicc, f"meddicc:{item.element}", values, choice,
                                       confirmed if choice == "confirmed" else 1 - confirmed))
    return tuple(items), tuple(decisions)


def decide(understood: Understanding, model: DecisionModel) -> Understanding:
    diagnosis = understood.diagnosis
    features = dict(understood.features)
    status, status_decision = _status(diagnosis, model, features)
    reasons, reason_decision = _reasons(understood, model, features)
    meddicc, meddicc_decisions = _meddicc(understood, model, features)
    timeline = diagnosis.timeline
    if status is not timeline.status:
        timeline = replace(timeline, status=status)
    decisions = (status_decision, *((reason_decision,) if reason_decision else ()), *meddicc_decisions)
    decided = replace(diagnosis, timeline=timeline, reasons=reasons, meddicc=meddicc, decisions=decisions)
    return replace(understood, diagnosis=decided, view=replace(understood.view, timeline=timeline))

