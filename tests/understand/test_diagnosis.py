"""Each deal's status and timing risk, as a seller would judge the timeline."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from factories import SELLER, conversation, eml, message_id_of, when, write_mbox
from tystnad.model import Diagnosis, Status
from tystnad.pipeline import scan


def _scan(tmp_path: Path, messages: list[bytes], now: str) -> list[Diagnosis]:
    box = write_mbox(tmp_path / "box.mbox", messages)
    result = scan([box], seller=SELLER, now=when(now), home_country="SE",
                  home_zone="Europe/Stockholm")
    return list(result.diagnoses)


def _status(tmp_path: Path, steps: list[tuple[str, str]], now: str) -> Status:
    (deal,) = _scan(tmp_path, conversation(steps=steps), now)
    return deal.timeline.status


# A customer who answers within a day, three times.
QUICK = [("seller", "2026-02-02 09:00"), ("customer", "2026-02-02 15:00"),
         ("seller", "2026-02-09 09:00"), ("customer", "2026-02-10 08:00"),
         ("seller", "2026-02-16 09:00"), ("customer", "2026-02-16 13:00")]


def test_customer_wrote_last_is_your_move(tmp_path: Path) -> None:
    assert _status(tmp_path, QUICK, "2026-02-20 09:00") is Status.YOUR_MOVE


def test_a_short_wait_within_the_rhythm_is_waiting(tmp_path: Path) -> None:
    steps = [*QUICK, ("seller", "2026-03-02 09:00")]
    assert _status(tmp_path, steps, "2026-03-03 09:00") is Status.WAITING


def test_a_long_wait_for_a_quick_customer_is_silent(tmp_path: Path) -> None:
    steps = [*QUICK, ("seller", "2026-03-02 09:00")]
    assert _status(tmp_path, steps, "2026-03-12 09:00") is Status.SILENT


def test_an_unanswered_follow_up_far_beyond_the_norm_is_ghosted(tmp_path: Path) -> None:
    steps = [*QUICK, ("seller", "2026-03-02 09:00"), ("seller", "2026-03-09 09:00")]
    (deal,) = _scan(tmp_path, conversation(steps=steps), "2026-03-20 09:00")
    assert deal.timeline.status is Status.GHOSTED
    kinds = {str(signal.kind) for signal in deal.signals}
    assert {"silence_beyond_norm", "seller_chasing"} <= kinds


def test_weekends_and_holidays_do_not_make_a_silence(tmp_path: Path) -> None:
    # Sent the Thursday before Easter; by Tuesday after only about two working days passed.
    steps = [*QUICK, ("seller", "2026-04-01 15:00")]
    assert _status(tmp_path, steps, "2026-04-07 16:00") is Status.WAITING


def test_risk_rises_with_the_silence(tmp_path: Path) -> None:
    steps = [*QUICK, ("seller", "2026-03-02 09:00")]
    risks = [_scan(tmp_path, conversation(steps=steps), now)[0].timeline.risk
             for now in ("2026-03-03 09:00", "2026-03-10 09:00", "2026-04-10 09:00")]
    assert risks == sorted(risks) and risks[0] < 0.5 < risks[-1]


def test_an_auto_reply_is_not_an_answer_and_its_return_date_is_waited_for(
    tmp_path: Path,
) -> None:
    items = conversation(steps=QUICK + [("seller", "2026-03-02 09:00")])
    ooo = eml(subject="Automatiskt svar: SV: Offert lagerautomation", date="2026-03-02 09:01",
              in_reply_to=message_id_of(items[-1]),
              headers={"Auto-Submitted": "auto-replied"},
              body="Hej,\n\nJag är på semester och tillbaka måndag den 23 mars.\n\nMvh Anna")
    (deal,) = _scan(tmp_path, [*items, ooo], "2026-03-12 09:00")
    assert deal.timeline.status is Status.WAITING
    assert deal.timeline.waiting_until == date(2026, 3, 23)
    assert deal.timeline.last_inbound == when("2026-02-16 13:00")
    assert any(str(s.kind) == "out_of_office" and "23 mars" in (s.evidence.quote if s.evidence
               else "") for s in deal.signals)


def test_mail_after_now_is_not_known_yet(tmp_path: Path) -> None:
    steps = [*QUICK, ("seller", "2026-03-02 09:00"), ("customer", "2026-03-25 09:00")]
    assert _status(tmp_path, steps, "2026-03-12 09:00") is Status.SILENT


def test_most_urgent_deal_first(tmp_path: Path) -> None:
    owed = conversation(customer="Bo <bo@lagerhuset.se>", steps=QUICK)
    waiting = conversation(customer="Lisa <lisa@fabriken.se>",
                           steps=[*QUICK, ("seller", "2026-03-11 09:00")])
    silent = conversation(steps=[*QUICK, ("seller", "2026-02-20 09:00")])
    deals = _scan(tmp_path, owed + waiting + silent, "2026-03-12 09:00")
    assert [d.timeline.status for d in deals] == [Status.YOUR_MOVE, Status.SILENT, Status.WAITING]


def test_a_mailbox_whose_customers_answer_within_minutes_still_judges_the_one_who_never_did(
        tmp_path: Path) -> None:
    """Twelve customers who answer in minutes make the mailbox's norm 0.0 business days; a customer
    with no reply of their own takes that norm as their pace, and their silence is still measured
    (a pace of zero once made it infinitely long: the scan stopped with a division by zero)."""
    messages = []
    for number in range(12):
        day = f"2026-02-{2 + number:02d}"
        messages += conversation(customer=f"Kund {number} <kund@firma{number}.se>", subject=f"Offert {number}",
                                 steps=[("seller", f"{day} 09:00"), ("customer", f"{day} 09:05"),
                                        ("seller", f"{day} 09:10"), ("customer", f"{day} 09:12")])
    messages += conversation(customer="Tyst Kund <tyst@tystnaden.se>", subject="Offert till er",
                             steps=[("seller", "2026-02-20 09:00"), ("seller", "2026-03-02 09:00")])
    result = scan([write_mbox(tmp_path / "box.mbox", messages)], seller=SELLER, now=when("2026-03-20 09:00"),
                  home_country="SE", home_zone="Europe/Stockholm")
    (quiet,) = [d for d in result.diagnoses if d.deal.organization == "tystnaden.se"]
    assert quiet.timeline.status in (Status.SILENT, Status.GHOSTED)
    assert len(result.diagnoses) == 13
