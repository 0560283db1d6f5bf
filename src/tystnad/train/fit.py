"""Examples -> DecisionModel: one head a decision, each fitted on the features the rules' reading gives
and the coach's labels (where a label accepts two answers, each gets half the target)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tystnad.act.playbook import play_features, rule_play
from tystnad.model import MeddiccElement, PlayKind, Reason, ReasonScore, Status
from tystnad.train.examples import Example
from tystnad.understand.decide.features import element_features
from tystnad.understand.decide.heads import fit_head
from tystnad.understand.decide.model import DecisionModel

__all__ = ["fit_model", "L2"]

# The pull towards zero of every weight; fixed before any held-out figure was looked at.
L2 = 2.0


def _share(accepted: Sequence[str]) -> dict[str, float]:
    return {label: 1.0 / len(accepted) for label in accepted}


def fit_model(examples: Sequence[Example]) -> DecisionModel:
    usable = [e for e in examples if e.understood is not None]
    deals = [dict(e.understood.features) for e in usable if e.understood is not None]
    status = fit_head("status", deals, [_share(e.case.status) for e in usable], classes=[str(s) for s in Status],
                      l2=L2)
    with_reasons = [(dict(e.understood.features), e.case.reasons) for e in usable
                    if e.case.reasons and e.understood is not None]
    reason = fit_head("reason", [f for f, _ in with_reasons], [_share(r) for _, r in with_reasons],
                      classes=[str(r) for r in Reason], l2=L2)
    plays, play_targets = [], []
    for example in usable:
        assert example.understood is not None
        diagnosis = example.understood.diagnosis
        # The play as the coach would choose it where the deal truly stands.
        reasons = tuple(ReasonScore(reason=Reason(r), score=1.0, evidence=()) for r in example.case.reasons[:1])
        labelled = replace(diagnosis, timeline=replace(diagnosis.timeline, status=Status(example.case.status[0])),
                           reasons=reasons)
        plays.append(play_features(labelled, example.understood.features,
                                   rule_play(labelled, example.understood.view)))
        play_targets.append(_share(example.case.plays))
    play = fit_head("play", plays, play_targets, classes=[str(p) for p in PlayKind], l2=L2)
    elements, element_targets = [], []
    for example in usable:
        assert example.understood is not None
        for name, target in ((n, "confirmed") for n in example.case.meddicc_confirmed):
            elements.append(element_features(MeddiccElement(name), dict(example.understood.features)))
            element_targets.append({target: 1.0})
        for name in example.case.meddicc_missing:
            elements.append(element_features(MeddiccElement(name), dict(example.understood.features)))
            element_targets.append({"not": 1.0})
    meddicc = fit_head("meddicc", elements, element_targets, classes=["confirmed", "not"], l2=L2)
    groups = sorted({e.case.group for e in usable})
    return DecisionModel(status=status, reason=reason, play=play, meddicc=meddicc,
                         trained_on={"groups": groups, "cases": len(usable), "l2": L2})
