"""Grouped cross-validation: each author group held out in turn, the heads fitted on the others, and
the held-out group's deals judged as a scan judges them, scored the way ../shared/bin/score reads
labels (a status or play among the accepted; the first or first two reasons; signals found and not
falsely found; MEDDICC elements a coach called missing or confirmed)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from tystnad.act.playbook import recommend
from tystnad.model import Diagnosis, MeddiccState
from tystnad.train.examples import Example
from tystnad.train.fit import fit_model
from tystnad.understand.decide import DecisionModel, decide

__all__ = ["Tally", "METRICS", "cross_validate", "judge_with", "score"]

METRICS = ("status", "reason_top1", "reason_top2", "play", "meddicc_missing", "meddicc_confirmed",
           "signal_recall", "signal_false_alarm", "found")


@dataclass(slots=True)
class Tally:
    hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    totals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failures: list[str] = field(default_factory=list)  # "case: what went wrong"

    def count(self, metric: str, ok: bool) -> None:
        self.hits[metric] += int(ok)
        self.totals[metric] += 1

    def add(self, other: Tally) -> None:
        for metric, total in other.totals.items():
            self.totals[metric] += total
            self.hits[metric] += other.hits[metric]
        self.failures.extend(other.failures)

    def figure(self, metric: str) -> float | None:
        total = self.totals.get(metric, 0)
        return self.hits.get(metric, 0) / total if total else None


def judge_with(example: Example, model: DecisionModel | None) -> Diagnosis | None:
    """The example's deal as a scan with `model` (None: the rules alone) would judge it."""
    understood = example.understood
    if understood is None:
        return None
    if model is None:
        return recommend(understood.diagnosis, view=understood.view)
    understood = decide(understood, model)
    return recommend(understood.diagnosis, view=understood.view, play_head=model.play,
                     features=understood.features)


def score(example: Example, diagnosis: Diagnosis | None, tally: Tally) -> None:
    case = example.case
    tally.count("found", diagnosis is not None)
    if diagnosis is None:
        tally.failures.append(f"{case.id}: no deal found for {case.customer_domain}")
        return
    status = str(diagnosis.timeline.status)
    tally.count("status", status in case.status)
    reasons = [str(r.reason) for r in diagnosis.reasons]
    if case.reasons:
        tally.count("reason_top1", bool(reasons) and reasons[0] in case.reasons)
        tally.count("reason_top2", bool(set(reasons[:2]) & set(case.reasons)))
    kinds = {str(s.kind) for s in diagnosis.signals}
    for kind in case.signals_present:
        tally.count("signal_recall", kind in kinds)
    for kind in case.signals_absent:
        tally.count("signal_false_alarm", kind in kinds)
    states = {str(item.element): item.state for item in diagnosis.meddicc}
    for element in case.meddicc_missing:
        tally.count("meddicc_missing", states.get(element) in (MeddiccState.MISSING, MeddiccState.WEAK))
    for element in case.meddicc_confirmed:
        tally.count("meddicc_confirmed", states.get(element) is MeddiccState.CONFIRMED)
    play = str(diagnosis.play.kind) if diagnosis.play else None
    tally.count("play", play in case.plays)
    wrong = [f"status {status} (want {'/'.join(case.status)})" if status not in case.status else "",
             f"reason {reasons[:1]} (want {'/'.join(case.reasons)})" if case.reasons and reasons[:1] != [] and
             reasons[0] not in case.reasons else "",
             f"play {play} (want {'/'.join(case.plays)})" if play not in case.plays else ""]
    if any(wrong):
        tally.failures.append(f"{case.id}: " + "; ".join(w for w in wrong if w))


def cross_validate(examples: Sequence[Example], *, fit: Callable[[Sequence[Example]], DecisionModel] = fit_model,
                   groups: Iterable[str] | None = None) -> dict[str, tuple[Tally, Tally]]:
    """For each group: (rules alone, heads fitted without that group) on that group's cases."""
    names = sorted(groups if groups is not None else {e.case.group for e in examples})
    results: dict[str, tuple[Tally, Tally]] = {}
    for held_out in names:
        model = fit([e for e in examples if e.case.group != held_out])
        rules, learned = Tally(), Tally()
        for example in (e for e in examples if e.case.group == held_out):
            score(example, judge_with(example, None), rules)
            score(example, judge_with(example, model), learned)
        results[held_out] = (rules, learned)
    return results
