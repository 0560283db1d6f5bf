"""The play a coach would choose once the seller has already chased: never one more next-step mail."""

from __future__ import annotations

from pathlib import Path

from factories import SELLER, conversation, when, write_mbox
from tystnad.act.check import check_draft
from tystnad.model import Diagnosis, PlayKind, Status
from tystnad.pipeline import scan

CUSTOMER = "Priya Shah <priya.shah@brookfield-clinics.co.uk>"
# She asked what the next steps are; the seller answered "whenever you're ready", then asked again.
STEPS = [
    ("seller", "2026-01-12 09:00", "Hi Priya,\n\nAttached is the proposal for the booking reminders across "
                                   "your 14 clinics.\n\nBest,\nErik"),
    ("customer", "2026-01-12 14:00", "Hi Erik,\n\nThanks, this is useful. Missed appointments cost each clinic "
                                     "about ten hours a week. What would the next steps be from here?\n\nPriya"),
    ("seller", "2026-01-13 09:00", "Hi Priya,\n\nGlad it helps. Whenever you're ready, just let me know and "
                                   "we'll take it from there.\n\nErik"),
    ("seller", "2026-01-27 09:00", "Hi Priya,\n\nAny news on your side about the next steps?\n\nErik"),
    ("seller", "2026-02-10 09:00", "Hi Priya,\n\nShall we agree the next steps for the 14 clinics?\n\nErik"),
]


def _deal(tmp_path: Path, steps: list[tuple[str, str, str]]) -> Diagnosis:
    box = write_mbox(tmp_path / "box.mbox", conversation(customer=CUSTOMER, subject="Booking reminders",
                                                          steps=steps))
    (deal,) = scan([box], seller=SELLER, now=when("2026-03-20 09:00"), home_country="GB",
                   home_zone="Europe/London").diagnoses
    return deal


def test_one_unanswered_follow_up_still_leaves_room_for_a_next_step(tmp_path: Path) -> None:
    deal = _deal(tmp_path, STEPS[:4])
    assert deal.timeline.status is Status.GHOSTED and deal.play is not None
    assert deal.play.kind is PlayKind.PROPOSE_NEXT_STEP


def test_after_unanswered_chasers_the_play_is_an_honest_check_in(tmp_path: Path) -> None:
    deal = _deal(tmp_path, STEPS)
    assert deal.timeline.status is Status.GHOSTED and deal.play is not None
    assert deal.play.kind is PlayKind.HONEST_CHECKIN
    assert "2 follow-ups went unanswered" in deal.play.why
    draft = deal.play.draft
    assert draft is not None and draft.to == ("priya.shah@brookfield-clinics.co.uk",)
    today = when("2026-03-20 09:00").date()
    assert all(finding.is_ok for finding in check_draft(draft.body, deal=deal, today=today))
