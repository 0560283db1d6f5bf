"""Diagnosis -> Play: the honest next step, chosen from status, reasons and what was already tried."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from tystnad.act.playbook.drafts import write_draft
from tystnad.model import Diagnosis, Play, PlayKind, Reason, SignalKind, Status
from tystnad.understand.view import DealView

__all__ = ["recommend"]

# For a silence, the reason decides the play; the seller's own history can overrule it below.
_BY_REASON = {
    Reason.NO_MANDATE: PlayKind.FIND_DECISION_OWNER,
    Reason.INTERNAL_CHANGE: PlayKind.FIND_DECISION_OWNER,
    Reason.BUDGET_GONE: PlayKind.REDUCE_SCOPE,
    Reason.DECISION_FEAR: PlayKind.ASK_WHAT_IT_TAKES,
    Reason.UNCLEAR_NEXT_STEP: PlayKind.PROPOSE_NEXT_STEP,
    Reason.LOW_RELEVANCE: PlayKind.REBUILD_RELEVANCE,
}


def _seller_tried(view: DealView, family: str) -> bool:
    """The seller already wrote this kind of mail since the customer last answered."""
    return any(r.has(family) for r in view.after_last_answer() if not view.is_customer(r.message))


def recommend(diagnosis: Diagnosis, *, view: DealView) -> Diagnosis:
    calendar, timeline = view.calendar, diagnosis.timeline
    today = view.today
    next_day = calendar.next_business_day(today + timedelta(days=1))
    status = timeline.status
    top = diagnosis.reasons[0] if diagnosis.reasons else None
    kinds = {signal.kind for signal in diagnosis.signals}
    if status is Status.YOUR_MOVE:
        play = Play(kind=PlayKind.REPLY_NOW, send_on=calendar.next_business_day(today),
                    why="The customer wrote last; the next message is yours.")
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
    elif status is Status.CLOSED:
        play = Play(kind=PlayKind.LET_GO, send_on=None,
                    why="The customer has closed this; leave the door open and stop chasing.")
    else:
        play = _for_silence(diagnosis, view, top.reason if top else None, kinds, next_day)
    if status is not Status.CLOSED:
        play = replace(play, draft=write_draft(diagnosis, view=view, kind=play.kind))
    return replace(diagnosis, play=play)


def _for_silence(diagnosis: Diagnosis, view: DealView, reason: Reason | None,
                 kinds: set[SignalKind], send_on: date) -> Play:
    timeline = diagnosis.timeline
    silence = (f"{timeline.silence:.0f} business days of silence against a usual "
               f"{diagnosis.rhythm.median:.1f}")
    if _seller_tried(view, "checkin") and timeline.status is Status.GHOSTED:
        if reason is Reason.BUDGET_GONE:
            return Play(kind=PlayKind.OFFER_PAUSE, send_on=send_on,
                        why=f"{silence}, after an honest check-in; offer a pause instead of chasing.")
        return Play(kind=PlayKind.LET_GO, send_on=send_on,
                    why=f"{silence}, and the honest check-in went unanswered; stop chasing, leave the door open.")
    kind = _BY_REASON.get(reason, PlayKind.HONEST_CHECKIN) if reason else PlayKind.HONEST_CHECKIN
    if kind is PlayKind.REDUCE_SCOPE and _seller_tried(view, "smaller_step"):
        kind = PlayKind.OFFER_PAUSE
    evidence = diagnosis.reasons[0].evidence[0].quote if diagnosis.reasons else ""
    why = f"{silence}."
    if evidence:
        why += f" The customer wrote: \u201c{evidence}\u201d"
    if SignalKind.SELLER_CHASING in kinds and kind is not PlayKind.LET_GO:
        why += " More follow-ups will not help."
    return Play(kind=kind, send_on=send_on, why=why)


def _look_again(diagnosis: Diagnosis, view: DealView) -> date:
    timeline = diagnosis.timeline
    if timeline.waiting_until is not None:
        return view.calendar.next_business_day(max(timeline.waiting_until, view.today))
    start = timeline.last_outbound or view.now
    return view.calendar.add_business_days(start, diagnosis.rhythm.silence_threshold).date()
