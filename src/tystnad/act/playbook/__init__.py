"""Diagnosis -> Play: the honest next step, chosen from status, reasons and what was already tried."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta

from tystnad.act.playbook.drafts import vary_drafts, write_draft
from tystnad.model import Decision, Diagnosis, Play, PlayKind, Reason, SignalKind, Status
from tystnad.understand.decide.heads import Head
from tystnad.understand.signals.text import closing_words
from tystnad.understand.view import DealView

__all__ = ["play_features", "recommend", "rule_play", "vary"]

# For a silence, the reason decides the play; the seller's own history can overrule it below.
_BY_REASON = {
    Reason.NO_MANDATE: PlayKind.FIND_DECISION_OWNER,
    Reason.INTERNAL_CHANGE: PlayKind.FIND_DECISION_OWNER,
    Reason.BUDGET_GONE: PlayKind.REDUCE_SCOPE,
    Reason.DECISION_FEAR: PlayKind.ASK_WHAT_IT_TAKES,
    Reason.UNCLEAR_NEXT_STEP: PlayKind.PROPOSE_NEXT_STEP,
    Reason.LOW_RELEVANCE: PlayKind.REBUILD_RELEVANCE,
}


def _open_promise(view: DealView) -> str | None:
    """The seller's own promise since the customer last answered ("I'll send the contract tomorrow"),
    when the seller wrote last: what they owe is the reason to write now."""
    since = [r for r in view.after_last_answer() if not view.is_customer(r.message)]
    hits = since[-1].found("seller_promise") if since else []
    return since[-1].sentence(hits[0]) if hits else None


def _seller_tried(view: DealView, family: str) -> bool:
    """The seller already wrote this kind of mail since the customer last answered."""
    return any(r.has(family) for r in view.after_last_answer() if not view.is_customer(r.message))


# The plays that fit where the deal stands: the learned head chooses among these only. The seller's
# own move is always answered; a wait is only a wait while the customer has time left or said when.
_FITTING = {
    Status.SILENT: frozenset(PlayKind) - {PlayKind.REPLY_NOW, PlayKind.WAIT},
    Status.GHOSTED: frozenset(PlayKind) - {PlayKind.REPLY_NOW, PlayKind.WAIT},
    Status.CLOSED: frozenset({PlayKind.LET_GO, PlayKind.WAIT}),
}


# What the seller already tried since the customer last answered decides by the playbook's own
# logic, not by the head: a second honest check-in is chasing, a second smaller step is pressure.
_TRIED = ("checkin", "smaller_step")


def _learned(diagnosis: Diagnosis, view: DealView, head: Head,
             features: Mapping[str, float]) -> tuple[PlayKind, Decision] | None:
    fitting = _FITTING.get(diagnosis.timeline.status)
    if fitting is None or any(_seller_tried(view, family) for family in _TRIED):
        return None
    values = play_features(diagnosis, features, rule_play(diagnosis, view))
    probabilities = {kind: p for kind, p in head.probabilities(values).items() if PlayKind(kind) in fitting}
    if not probabilities:
        return None
    kind = max(probabilities, key=lambda k: probabilities[k])
    return PlayKind(kind), Decision(head="play", choice=kind, probability=round(probabilities[kind], 3),
                                    drivers=tuple(head.drivers(values, kind)))


def rule_play(diagnosis: Diagnosis, view: DealView) -> PlayKind:
    """The play the playbook's own logic gives (status, reason, what the seller tried), for the head to
    weigh beside everything else."""
    status = diagnosis.timeline.status
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    top = diagnosis.reasons[0].reason if diagnosis.reasons else None
    next_day = view.calendar.next_business_day(view.today + timedelta(days=1))
    return _for_silence(diagnosis, view, top, {s.kind for s in diagnosis.signals}, next_day).kind


_BY_STATUS = {Status.YOUR_MOVE: PlayKind.REPLY_NOW, Status.WAITING: PlayKind.WAIT, Status.PAUSED: PlayKind.WAIT,
              Status.CLOSED: PlayKind.LET_GO}


def play_features(diagnosis: Diagnosis, features: Mapping[str, float], rule: PlayKind) -> dict[str, float]:
    """What the play head reads: the deal's numbers, where it stands after the decisions, and the
    playbook's own choice."""
    values = dict(features)
    values.update({f"rule_play:{kind}": float(kind is rule) for kind in PlayKind})
    values.update({f"status:{s}": float(diagnosis.timeline.status is s) for s in Status})
    top = diagnosis.reasons[0].reason if diagnosis.reasons else None
    values.update({f"reason:{r}": float(top is r) for r in Reason})
    return values


def recommend(diagnosis: Diagnosis, *, view: DealView, play_head: Head | None = None,
              features: Mapping[str, float] | None = None, tried: frozenset[PlayKind] = frozenset()) -> Diagnosis:
    """The play from the status, the most likely reason and what the seller already tried; with a
    `play_head`, the learned head chooses among the plays that fit the status. `tried`: the plays the
    seller recorded a sent mail for: a silence after one moves on to the next honest play."""
    learned = _learned(diagnosis, view, play_head, features or {}) if play_head is not None else None
    if learned is not None:
        diagnosis = replace(diagnosis, decisions=(*diagnosis.decisions, learned[1]))
    calendar, timeline = view.calendar, diagnosis.timeline
    today = view.today
    next_day = calendar.next_business_day(today + timedelta(days=1))
    status = timeline.status
    top = diagnosis.reasons[0] if diagnosis.reasons else None
    kinds = {signal.kind for signal in diagnosis.signals}
    if status is Status.YOUR_MOVE:
        promised = _open_promise(view)
        why = (f"You wrote \u201c{promised}\u201d and the customer is waiting for it; the next message is yours."
               if promised else "The customer wrote last; the next message is yours.")
        play = Play(kind=PlayKind.REPLY_NOW, send_on=calendar.next_business_day(today), why=why)
    elif status in (Status.WAITING, Status.PAUSED):
        look_again = _look_again(diagnosis, view)
        if timeline.waiting_until is not None and status is Status.PAUSED:
            why = f"The customer named a later moment; pick it up again on {look_again.isoformat()}."
        elif timeline.waiting_until is not None:
            why = f"Waiting for a day the customer named ({timeline.waiting_until.isoformat()})."
        else:
            why = (f"Still within this customer's usual pace ({diagnosis.rhythm.median:.1f} "
                   f"business days); look again on {look_again.isoformat()}.")
        play = Play(kind=PlayKind.WAIT, send_on=max(look_again, next_day), why=why)
    elif status is Status.CLOSED and _closed_as(view, learned) == "won":
        play = Play(kind=PlayKind.WAIT, send_on=None,
                    why="The customer has decided; nothing to chase, wait for the next step they set.")
    elif status is Status.CLOSED:
        play = Play(kind=PlayKind.LET_GO, send_on=None,
                    why="The customer has closed this; leave the door open and stop chasing.")
    else:
        play = _for_silence(diagnosis, view, top.reason if top else None, kinds, next_day,
                            learned=learned[0] if learned is not None else None)
        play = _beyond_tried(play, tried, top.reason if top else None)
        play = _not_again(play, _follow_ups(diagnosis, view))
    # Every play that sends gets its mail, the honest exit to a customer who said no included.
    play = replace(play, draft=write_draft(diagnosis, view=view, kind=play.kind))
    return replace(diagnosis, play=play)


def vary(diagnoses: Sequence[Diagnosis]) -> list[Diagnosis]:
    """The deals of one scan, most urgent first, their drafts varied so that no sentence repeats
    across deals in one list (greeting and sign-off aside)."""
    drafts = vary_drafts(d.play.draft if d.play is not None else None for d in diagnoses)
    return [d if d.play is None or draft is d.play.draft else replace(d, play=replace(d.play, draft=draft))
            for d, draft in zip(diagnoses, drafts, strict=True)]


# What comes after a play the seller already sent into the same silence: never the same mail again,
# and never back to asking for a step; towards a pause or an honest exit.
_AFTER = {
    PlayKind.PROPOSE_NEXT_STEP: PlayKind.HONEST_CHECKIN,
    PlayKind.FIND_DECISION_OWNER: PlayKind.HONEST_CHECKIN,
    PlayKind.ASK_WHAT_IT_TAKES: PlayKind.HONEST_CHECKIN,
    PlayKind.REBUILD_RELEVANCE: PlayKind.HONEST_CHECKIN,
    PlayKind.REDUCE_SCOPE: PlayKind.OFFER_PAUSE,
    PlayKind.HONEST_CHECKIN: PlayKind.LET_GO,
    PlayKind.OFFER_PAUSE: PlayKind.LET_GO,
}


def _beyond_tried(play: Play, tried: frozenset[PlayKind], reason: Reason | None) -> Play:
    kind, passed = play.kind, []
    while kind in tried and kind in _AFTER:
        passed.append(kind)
        kind = _AFTER[kind]
        if kind is PlayKind.LET_GO and reason is Reason.BUDGET_GONE and PlayKind.OFFER_PAUSE not in tried:
            kind = PlayKind.OFFER_PAUSE  # money gone is a pause with a date before it is an exit
    if not passed:
        return play
    done = ", ".join(str(k).replace("_", " ") for k in passed)
    return replace(play, kind=kind, why=f"{play.why} Already sent: {done}.")


# Follow-ups after the seller's own unanswered mail before a ghosted deal has been chased: one more
# mail asking for a next step is then another chaser, whatever its words.
_CHASERS = 2
_ONE_STEP = " Not another reminder: one concrete step, with a day."


def _follow_ups(diagnosis: Diagnosis, view: DealView) -> int:
    if diagnosis.timeline.status is not Status.GHOSTED:
        return 0
    return max(0, sum(1 for r in view.after_last_answer() if not view.is_customer(r.message)) - 1)


def _not_again(play: Play, follow_ups: int) -> Play:
    if play.kind is not PlayKind.PROPOSE_NEXT_STEP or follow_ups < _CHASERS:
        return play
    return replace(play, kind=_AFTER[PlayKind.PROPOSE_NEXT_STEP],
                   why=f"{play.why.removesuffix(_ONE_STEP)} {follow_ups} follow-ups "
                       "went unanswered; another request for a next step is one more, so ask honestly "
                       "whether anything changed.")


def _closed_as(view: DealView, learned: tuple[PlayKind, Decision] | None) -> str:
    """"won" or "lost" as the customer's words say; where they say neither (the heads closed it),
    the learned play's reading: waiting for the step they set, or letting go."""
    closing = closing_words(view)
    if closing is not None:
        return closing[0]
    return "won" if learned is not None and learned[0] is PlayKind.WAIT else "lost"


def _for_silence(diagnosis: Diagnosis, view: DealView, reason: Reason | None,
                 kinds: set[SignalKind], send_on: date, *, learned: PlayKind | None = None) -> Play:
    timeline = diagnosis.timeline
    silence = (f"{timeline.silence:.0f} business days of silence against a usual "
               f"{diagnosis.rhythm.median:.1f}")
    if learned is not None:
        return _explained(learned, diagnosis, view, silence, kinds, send_on)
    if _seller_tried(view, "checkin") and timeline.status is Status.GHOSTED:
        if reason is Reason.BUDGET_GONE:
            return Play(kind=PlayKind.OFFER_PAUSE, send_on=send_on,
                        why=f"{silence}, after an honest check-in; offer a pause instead of chasing.")
        return Play(kind=PlayKind.LET_GO, send_on=send_on,
                    why=f"{silence}, and the honest check-in went unanswered; stop chasing, leave the door open.")
    kind = _BY_REASON.get(reason, PlayKind.HONEST_CHECKIN) if reason else PlayKind.HONEST_CHECKIN
    if kind is PlayKind.REDUCE_SCOPE and _seller_tried(view, "smaller_step"):
        kind = PlayKind.OFFER_PAUSE
    return _explained(kind, diagnosis, view, silence, kinds, send_on)


def _explained(kind: PlayKind, diagnosis: Diagnosis, view: DealView, silence: str, kinds: set[SignalKind],
               send_on: date) -> Play:
    top = diagnosis.reasons[0] if diagnosis.reasons else None
    # Only what the customer wrote is "the customer wrote": a reason's evidence may be the seller's
    # own unanswered mail (a generic follow-up, an offer sent into silence).
    theirs = [e.quote for e in (top.evidence if top is not None else ()) if view.is_customer_id(e.message_id)]
    evidence = theirs[0] if theirs else ""
    why = f"{silence}."
    if evidence:
        why += f" The customer wrote: \u201c{evidence}\u201d"
    if SignalKind.SELLER_CHASING in kinds and kind is PlayKind.PROPOSE_NEXT_STEP:
        why += _ONE_STEP
    elif SignalKind.SELLER_CHASING in kinds and kind is not PlayKind.LET_GO:
        why += " More follow-ups will not help."
    return Play(kind=kind, send_on=send_on, why=why)


def _look_again(diagnosis: Diagnosis, view: DealView) -> date:
    timeline = diagnosis.timeline
    if timeline.waiting_until is not None:
        return view.calendar.next_business_day(max(timeline.waiting_until, view.today))
    start = timeline.last_outbound or view.now
    return view.calendar.add_business_days(start, diagnosis.rhythm.silence_threshold).date()
