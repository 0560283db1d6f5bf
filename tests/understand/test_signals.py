"""What the customer's words mean, end to end: signals with verbatim quotes, status, reasons, play."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from factories import SELLER, conversation, eml, when, write_mbox
from tystnad.model import Diagnosis, PlayKind, Reason, SignalKind, Status
from tystnad.pipeline import scan

OFFER = "Hej Anna,\n\nHär kommer offerten för lagerautomationen i Eskilstuna, 14 robotar.\n\nMvh\nErik"
SAM = "Sam Reed <sam@hartley.co.uk>"
EN_OFFER = "Hi Sam,\n\nHere is the proposal for the route planning, 38 vehicles.\n\nBest,\nErik"


def diagnose_one(tmp_path: Path, steps: list[tuple[str, str, str]], now: str, **people: str) -> Diagnosis:
    box = write_mbox(tmp_path / "box.mbox", conversation(steps=steps, **people))
    result = scan([box], seller=SELLER, now=when(now), home_country="SE", home_zone="Europe/Stockholm")
    (diagnosis,) = result.diagnoses
    return diagnosis


def kinds(diagnosis: Diagnosis) -> set[SignalKind]:
    return {signal.kind for signal in diagnosis.signals}


def test_every_quote_is_verbatim_from_its_own_message(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", OFFER),
             ("customer", "2026-02-03 10:00", "Hej!\n\nBudgeten är fryst just nu. Jag återkommer.\n\nMvh Anna"),
             ("seller", "2026-02-16 09:00", "Hej Anna,\n\nHar du hunnit titta?\n\nMvh Erik"),
             ("seller", "2026-02-27 09:00", "Hej Anna,\n\nHar något förändrats?\n\nMvh Erik")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-20 09:00")
    texts = {m.message_id: m.new_text for t in diagnosis.deal.threads for m in t.messages}
    assert diagnosis.signals
    for signal in diagnosis.signals:
        assert signal.evidence is not None
        assert signal.evidence.quote in texts[signal.evidence.message_id], signal


def test_a_vague_deferral_in_swedish(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", OFFER),
             ("customer", "2026-02-02 15:00", "Tack! Vi har mycket nu, jag hör av mig.\n\n/Anna"),
             ("seller", "2026-02-20 09:00", "Hej Anna, hur går det med offerten?")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-10 09:00")
    assert SignalKind.VAGUE_DEFERRAL in kinds(diagnosis)
    assert diagnosis.timeline.status in (Status.SILENT, Status.GHOSTED)


def test_a_promise_with_a_day_is_waited_for_then_broken(tmp_path: Path) -> None:
    steps = [("seller", "2026-03-02 09:00", EN_OFFER),
             ("customer", "2026-03-04 10:00", "Thanks. I'll get back to you on Friday with our decision.\n\nSam")]
    before = diagnose_one(tmp_path, steps, "2026-03-05 09:00", customer=SAM)
    assert SignalKind.BROKEN_PROMISE not in kinds(before)
    after = diagnose_one(tmp_path, steps, "2026-03-12 09:00", customer=SAM)
    broken = [s for s in after.signals if s.kind is SignalKind.BROKEN_PROMISE]
    assert broken and "Friday" in broken[0].evidence.quote  # type: ignore[union-attr]
    assert SignalKind.VAGUE_DEFERRAL not in kinds(after)


def test_a_named_later_moment_pauses_the_deal(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", OFFER),
             ("customer", "2026-02-03 10:00", "Hej Erik,\n\nIntressant, men vi hinner inte nu. Hör av dig efter "
                                             "sommaren så tar vi det då.\n\nAnna")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-20 09:00")
    assert diagnosis.timeline.status is Status.PAUSED
    assert diagnosis.timeline.waiting_until == date(2026, 8, 15)
    assert diagnosis.play is not None and diagnosis.play.kind is PlayKind.WAIT


def test_another_vendor_chosen_closes_the_deal(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", EN_OFFER),
             ("customer", "2026-02-10 10:00", "Hi Erik,\n\nThank you, but we have decided to go with another "
                                             "supplier this time.\n\nSam")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-20 09:00", customer=SAM)
    assert diagnosis.timeline.status is Status.CLOSED


def test_an_event_with_no_date_is_an_event_deferral(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", EN_OFFER),
             ("customer", "2026-02-03 10:00",
              "Hi Erik,\n\nWe'll pick this up again after the board meeting.\n\nSam")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-20 09:00", customer=SAM)
    assert SignalKind.EVENT_DEFERRAL in kinds(diagnosis)


def test_budget_words_make_the_reason_and_a_play_for_a_vanished_budget_follows(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", OFFER),
             ("customer", "2026-02-03 10:00", "Hej Erik,\n\nTyvärr har ledningen skurit i budgeten för i år, så "
                                             "vi får vänta.\n\nMvh Anna"),
             ("seller", "2026-02-04 09:00", "Hej Anna,\n\nTråkigt att höra. Säg till när läget ändras.\n\nErik")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-20 09:00")
    assert diagnosis.timeline.status in (Status.SILENT, Status.GHOSTED)
    assert diagnosis.reasons and diagnosis.reasons[0].reason is Reason.BUDGET_GONE
    assert any("budgeten" in e.quote for e in diagnosis.reasons[0].evidence)
    # The plays coaches accept when a budget went away: an honest check-in, a smaller part, a pause,
    # or letting it rest; never a hunt for another decider or a new pitch.
    assert diagnosis.play is not None
    assert diagnosis.play.kind in (PlayKind.HONEST_CHECKIN, PlayKind.REDUCE_SCOPE, PlayKind.OFFER_PAUSE,
                                   PlayKind.LET_GO)


def test_a_smaller_step_already_offered_turns_into_a_pause(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", OFFER),
             ("customer", "2026-02-03 10:00", "Hej Erik,\n\nBudgeten är fryst tills vidare.\n\nMvh Anna"),
             ("seller", "2026-02-04 09:00", "Hej Anna,\n\nVi kan börja med en mindre pilot på ett lager om det "
                                           "hjälper?\n\nMvh Erik")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-20 09:00")
    assert diagnosis.play is not None and diagnosis.play.kind is PlayKind.OFFER_PAUSE


def test_an_ignored_honest_checkin_means_letting_go(tmp_path: Path) -> None:
    steps = [("seller", "2026-01-12 09:00", EN_OFFER),
             ("customer", "2026-01-12 15:00", "Thanks Erik, we'll have a look and come back to you.\n\nSam"),
             ("seller", "2026-02-02 09:00", "Hi Sam,\n\nAny thoughts on the proposal?\n\nErik"),
             ("seller", "2026-02-16 09:00", "Hi Sam,\n\nI notice it has gone quiet. Has something changed? It's "
                                           "completely fine to say so.\n\nErik")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-20 09:00", customer=SAM)
    assert diagnosis.timeline.status is Status.GHOSTED
    assert diagnosis.play is not None and diagnosis.play.kind is PlayKind.LET_GO


def test_an_unanswered_question_is_quoted(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", "Hej Anna,\n\nVem mer behöver vara med när ni fattar beslutet om "
                                           "robotarna?\n\nMvh Erik"),
             ("customer", "2026-02-02 15:00", "Tack, det ser bra ut.\n\nAnna")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-20 09:00")
    open_questions = [s for s in diagnosis.signals if s.kind is SignalKind.UNANSWERED_QUESTIONS]
    assert open_questions and open_questions[0].evidence is not None
    assert open_questions[0].evidence.quote.startswith("Vem mer behöver vara med")


def test_negation_keeps_a_healthy_deal_healthy(tmp_path: Path) -> None:
    steps = [("seller", "2026-03-16 09:00", EN_OFFER),
             ("customer", "2026-03-17 10:00", "Hi Erik,\n\nBudget isn't the issue and there is no need to wait "
                                             "for the board. Could you send the contract?\n\nSam")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-18 09:00", customer=SAM)
    assert diagnosis.timeline.status is Status.YOUR_MOVE
    assert SignalKind.BUDGET_PRESSURE not in kinds(diagnosis)
    assert diagnosis.play is not None and diagnosis.play.kind is PlayKind.REPLY_NOW


def test_quotes_are_verbatim_across_a_generated_mailbox(tmp_path: Path) -> None:
    from tystnad_sample import generate_mailbox

    made = generate_mailbox(tmp_path / "box.mbox", deals=30, messages=300, seed=5, now=when("2026-03-20 09:00"))
    result = scan([made.path], seller=SELLER.__class__(domains=frozenset({made.seller_domain})),
                  now=when("2026-03-20 09:00"), home_country="SE", home_zone="Europe/Stockholm")
    checked = 0
    for diagnosis in result.diagnoses:
        texts = {m.message_id: m.new_text for t in diagnosis.deal.threads for m in t.messages}
        for signal in diagnosis.signals:
            assert signal.evidence is not None
            assert signal.evidence.quote in texts[signal.evidence.message_id], signal
            checked += 1
        for reason in diagnosis.reasons:
            assert reason.evidence, reason  # a reason without evidence is never given
        for item in diagnosis.meddicc:
            if item.evidence is not None:
                message = next(m for t in diagnosis.deal.threads for m in t.messages
                               if m.message_id == item.evidence.message_id)
                assert item.evidence.quote in message.new_text + "\n" + message.signature + message.sender.name
    assert checked > 50


def _with_home_address(cc: str | None) -> list[bytes]:
    """Anna answers once from work and once from her private address; `cc` a colleague she copies in."""
    seller, work, home = "Erik Lund <erik.lund@saljare.se>", "Anna Berg <anna.berg@kvarnbyn.se>", \
        "Anna Berg <anna.berg.privat@gmail.com>"
    steps = [(seller, work, "2026-02-02 09:00", OFFER),
             (work, seller, "2026-02-03 10:00", "Hej Erik,\n\nTack, vi läser den i veckan.\n\nMvh Anna"),
             (seller, work, "2026-02-05 09:00", "Hej Anna,\n\nSäg till om något är oklart.\n\nMvh Erik"),
             (home, seller, "2026-02-06 20:00", "Hej,\n\nSkriver hemifrån: vi vill ses nästa vecka.\n\nAnna")]
    messages, chain = [], []
    for index, (sender, to, moment, body) in enumerate(steps):
        message_id = f"<home{index}@mail.example>"
        headers = {"Cc": cc} if cc and index == 3 else None
        messages.append(eml(sender=sender, to=to, subject=("SV: " if index else "") + "Offert", date=moment,
                            message_id=message_id, in_reply_to=chain[-1] if chain else None,
                            references=tuple(chain), body=body, headers=headers))
        chain.append(message_id)
    return messages


def test_one_buyer_on_two_addresses_is_still_single_threaded_and_a_colleague_copied_in_is_not(
        tmp_path: Path) -> None:
    def scanned(cc: str | None) -> Diagnosis:
        box = write_mbox(tmp_path / "box.mbox", _with_home_address(cc))
        (diagnosis,) = scan([box], seller=SELLER, now=when("2026-02-09 09:00"), home_country="SE",
                            home_zone="Europe/Stockholm").diagnoses
        return diagnosis

    alone = scanned(None)
    assert {c.email for c in alone.deal.contacts} == {"anna.berg@kvarnbyn.se", "anna.berg.privat@gmail.com"}
    assert SignalKind.SINGLE_THREADED in kinds(alone)
    assert SignalKind.SINGLE_THREADED not in kinds(scanned("Olle Ek <olle.ek@kvarnbyn.se>"))


def test_turning_to_a_named_colleague_or_a_title_needs_approval_but_talking_to_the_seller_does_not(
        tmp_path: Path) -> None:
    def answer(text: str) -> Diagnosis:
        steps = [("seller", "2026-02-02 09:00", OFFER), ("customer", "2026-02-03 10:00", text)]
        return diagnose_one(tmp_path, steps, "2026-02-05 09:00")

    assert SignalKind.NEEDS_APPROVAL in kinds(answer("Hej Erik,\n\nSnyggt. Jag visar den för Bengt i "
                                                     "morgon.\n\nMvh Anna"))
    assert SignalKind.NEEDS_APPROVAL in kinds(answer("Hej,\n\nJag behöver stämma av det med vår ekonomichef "
                                                     "först.\n\nAnna"))
    assert SignalKind.NEEDS_APPROVAL not in kinds(answer("Hej Erik,\n\nKan vi prata med dig på torsdag om "
                                                         "robotarna?\n\nAnna"))
    assert SignalKind.NEEDS_APPROVAL not in kinds(answer("Hej Erik,\n\nJag frågar i Mars igen.\n\nAnna"))


def test_an_offer_only_received_is_still_unanswered_but_one_asked_about_is_not(tmp_path: Path) -> None:
    received = [("seller", "2026-02-02 09:00", EN_OFFER),
                ("customer", "2026-02-02 11:00", "Thanks, got it. I'll pass it on.\n\nSam"),
                ("seller", "2026-02-16 09:00", "Hi Sam,\n\nDid the proposal reach the right people?\n\nErik")]
    got = diagnose_one(tmp_path, received, "2026-03-10 09:00", customer=SAM)
    assert SignalKind.PROPOSAL_UNANSWERED in kinds(got)
    asked = [("seller", "2026-02-02 09:00", EN_OFFER),
             ("customer", "2026-02-02 11:00", "Thanks. Does the price include the depot in Leeds, and can we "
                                              "start with ten vehicles?\n\nSam"),
             ("seller", "2026-02-03 09:00", "Hi Sam,\n\nYes to both.\n\nErik")]
    answered = diagnose_one(tmp_path, asked, "2026-03-10 09:00", customer=SAM)
    assert SignalKind.PROPOSAL_UNANSWERED not in kinds(answered)


def test_a_tight_budget_in_either_word_order_and_a_will_to_look_with_no_time(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", OFFER),
             ("customer", "2026-02-03 10:00", "Hej,\n\nBudgeten är rätt stram i år. Vi får gå igenom det "
                                              "internt.\n\nAnna")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-02-05 09:00")
    assert {SignalKind.BUDGET_PRESSURE, SignalKind.VAGUE_DEFERRAL} <= kinds(diagnosis)
    dated = [("seller", "2026-03-02 09:00", EN_OFFER),
             ("customer", "2026-03-02 10:00", "Thanks Erik, I'll review it on Thursday.\n\nSam")]
    assert SignalKind.VAGUE_DEFERRAL not in kinds(
        diagnose_one(tmp_path, dated, "2026-03-03 09:00", customer=SAM))


def test_an_auto_reply_saying_the_contact_left_is_an_internal_change(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", EN_OFFER),
             ("customer", "2026-02-03 10:00", "Hi Erik,\n\nThanks, looks good. I'll review it with our CFO.\n\n"
                                             "Sam"),
             ("seller", "2026-02-24 09:00", "Hi Sam,\n\nHow did the review with your CFO go?\n\nErik")]
    messages = conversation(steps=steps, customer=SAM)
    messages.append(eml(sender="Sam Reed <sam@hartley.co.uk>", to="Erik Lund <erik.lund@saljare.se>",
                        subject="Automatic reply: Offert lagerautomation", date="2026-02-24 09:01",
                        headers={"Auto-Submitted": "auto-replied"},
                        body="Thank you for your email. Sam Reed no longer works at Hartley. "
                             "Please write to office@hartley.co.uk instead."))
    box = write_mbox(tmp_path / "box.mbox", messages)
    (diagnosis,) = scan([box], seller=SELLER, now=when("2026-03-10 09:00"), home_country="SE",
                        home_zone="Europe/Stockholm").diagnoses
    change = [s for s in diagnosis.signals if s.kind is SignalKind.INTERNAL_CHANGE]
    assert change and "no longer works" in change[0].evidence.quote  # type: ignore[union-attr]
    assert Reason.INTERNAL_CHANGE in [r.reason for r in diagnosis.reasons]


def test_a_change_the_customer_looks_back_on_is_a_fear_not_news(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", EN_OFFER),
             ("customer", "2026-02-03 10:00", "Hi Erik,\n\nTo be frank, our previous system migration went "
                                             "badly and the warehouse paid for it. I am worried about doing it "
                                             "again.\n\nSam")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-02 09:00", customer=SAM)
    assert SignalKind.INTERNAL_CHANGE not in kinds(diagnosis)
    assert SignalKind.HESITATION in kinds(diagnosis)
    # The same words about this year's migration are news of a change.
    steps[1] = ("customer", "2026-02-03 10:00", "Hi Erik,\n\nWe are in the middle of a system migration "
                                               "this spring, so this has to wait.\n\nSam")
    now = diagnose_one(tmp_path, steps, "2026-03-02 09:00", customer=SAM)
    assert SignalKind.INTERNAL_CHANGE in kinds(now)


def test_saving_time_is_not_money_being_tight(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", OFFER),
             ("customer", "2026-02-03 10:00", "Hej Erik,\n\nDet här skulle spara oss mycket tid i planeringen. "
                                             "Jag återkommer.\n\nAnna")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-10 09:00")
    assert SignalKind.BUDGET_PRESSURE not in kinds(diagnosis)


def test_a_courteous_reply_is_not_generic_outreach_but_a_later_chaser_can_be(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", EN_OFFER),
             ("customer", "2026-02-03 10:00", "Hi Erik,\n\nI need a few weeks to go through it with the team."
                                             "\n\nSam"),
             ("seller", "2026-02-03 11:00", "Of course, no rush at all.\n\nErik")]
    replied = diagnose_one(tmp_path, steps, "2026-03-16 09:00", customer=SAM)
    assert SignalKind.GENERIC_OUTREACH not in kinds(replied)
    steps.append(("seller", "2026-03-02 09:00", "Hi,\n\nJust checking in! Let me know if you have any "
                                                "questions.\n\nErik"))
    chased = diagnose_one(tmp_path, steps, "2026-03-16 09:00", customer=SAM)
    assert SignalKind.GENERIC_OUTREACH in kinds(chased)


def test_someone_else_deciding_said_as_a_cleft_needs_approval_but_not_of_oneself(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", OFFER),
             ("customer", "2026-02-03 10:00", "Hej Erik,\n\nSer bra ut. Det är vår inköpsavdelning i Malmö som "
                                             "bestämmer om sådant, så jag skickar det vidare.\n\nAnna")]
    other = diagnose_one(tmp_path, steps, "2026-03-10 09:00")
    assert SignalKind.NEEDS_APPROVAL in kinds(other)
    steps[1] = ("customer", "2026-02-03 10:00", "Hej Erik,\n\nSer bra ut. Det är jag som bestämmer om sådant, "
                                               "så jag återkommer.\n\nAnna")
    own = diagnose_one(tmp_path, steps, "2026-03-10 09:00")
    assert SignalKind.NEEDS_APPROVAL not in kinds(own)
