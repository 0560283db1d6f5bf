"""Examples -> DecisionModel: one head a decision, each fitted on the features the rules' reading gives
and the coach's labels (where a label accepts two answers, each gets half the target)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace

from tystnad.act.playbook import play_features, rule_play
from tystnad.model import MeddiccElement, PlayKind, Reason, ReasonScore, Status
from tystnad.train.examples import Example
from tystnad.understand.decide.features import element_features
from tystnad.understand.decide.heads import FitJob, Head, fit_head, fit_heads
from tystnad.understand.decide.model import DecisionModel

__all__ = ["fit_model", "L2", "REASON_L2_GRID"]

# The pull towards zero of every weight; fixed before any held-out figure was looked at.
L2 = 2.0
# The reason head learns six classes from the fewest labels (only deals with a reason), so how hard it
# is pulled towards zero is chosen from these by grouped cross-validation inside the training groups
# alone: a held-out group never takes part in choosing it.
REASON_L2_GRID = (2.0, 4.0, 8.0, 16.0, 32.0)


def _share(accepted: Sequence[str]) -> dict[str, float]:
    return {label: 1.0 / len(accepted) for label in accepted}


def _held_out_fit(examples: Sequence[dict[str, float]], targets: Sequence[dict[str, float]],
                  groups: Sequence[str], classes: Sequence[str], l2: float, heads: Mapping[tuple[float, str], Head]
                  ) -> float:
    """How often the held-out deal's likeliest reason is one its coach accepts, each group held out
    in turn and the head fitted on the rest (`heads`, by pull and held-out group): the first reason is
    what the seller acts on."""
    shares = []
    for i, group in enumerate(groups):
        probabilities = heads[(l2, group)].probabilities(examples[i])
        shares.append(float(max(probabilities, key=lambda c: probabilities[c]) in targets[i]))
    return sum(shares) / len(shares) if shares else 0.0


def _reason_l2(examples: Sequence[dict[str, float]], targets: Sequence[dict[str, float]], groups: Sequence[str],
               classes: Sequence[str]) -> float:
    if len(set(groups)) < 3:
        return L2  # too few groups to hold one out and still learn: the fixed pull
    folds = [(l2, held_out) for l2 in REASON_L2_GRID for held_out in sorted(set(groups))]
    jobs = []
    for l2, held_out in folds:
        train = [i for i, g in enumerate(groups) if g != held_out]
        jobs.append(FitJob(name="reason", examples=[examples[i] for i in train],
                           targets=[targets[i] for i in train], classes=classes, l2=l2))
    heads = dict(zip(folds, fit_heads(jobs, workers=os.cpu_count() or 1), strict=True))
    return max(REASON_L2_GRID, key=lambda l2: (_held_out_fit(examples, targets, groups, classes, l2, heads), -l2))


def fit_model(examples: Sequence[Example]) -> DecisionModel:
    usable = [e for e in examples if e.understood is not None]
    deals = [dict(e.understood.features) for e in usable if e.understood is not None]
    status = fit_head("status", deals, [_share(e.case.status) for e in usable], classes=[str(s) for s in Status],
                      l2=L2)
    with_reasons = [(dict(e.understood.features), e.case.reasons, e.case.group) for e in usable
                    if e.case.reasons and e.understood is not None]
    reason_examples = [f for f, _, _ in with_reasons]
    reason_targets = [_share(r) for _, r, _ in with_reasons]
    reason_classes = [str(r) for r in Reason]
    reason_l2 = _reason_l2(reason_examples, reason_targets, [g for _, _, g in with_reasons], reason_classes)
    reason = fit_head("reason", reason_examples, reason_targets, classes=reason_classes, l2=reason_l2)
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
                         trained_on={"groups": groups, "cases": len(usable), "l2": L2, "reason_l2": reason_l2})
