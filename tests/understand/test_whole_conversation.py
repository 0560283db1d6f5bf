"""Where a deal stands is read from the whole conversation, not its last line: a yes or a no that
later mail does not take back, a pause agreed a few mails ago, a recap the customer confirmed."""

from __future__ import annotations

from pathlib import Path

from test_signals import EN_OFFER, OFFER, diagnose_one, kinds

from tystnad.model import MeddiccElement, MeddiccState, PlayKind, Reason, SignalKind, Status

MOVING = ("Hej Erik,\n\nVi flyttar hela lagret i vår och får inte binda upp oss förrän det är klart. "
          "Kan du ringa mig första veckan i maj?\n\nAnna")
LIVE_QUESTIONS = ("Hej Erik,\n\nBudgetarbetet i höst styr en del, men vi vill testa nu i vår. "
                  "Hör av dig om upplägget. Vad kostar en pilot på ett lager?\n\nAnna")
RECAP = ("Hej Anna,\n\nTack för mötet. Som du beskrev tar felanmälningarna i dag ungefär en halv tjänst, "
         "och hyresgästerna klagar på att de inte får besked.\n\nErik")
SAM = {"customer": "Sam Reed <sam.reed@hartley.co.uk>", "subject": "Route planning for the Leeds depot"}


def _state(diagnosis: object, element: MeddiccElement) -> MeddiccState:
    return next(item.state for item in diagnosis.meddicc if item.element is element)  # type: ignore[attr-defined]


def test_a_signed_contract_stays_won_through_the_kickoff_mail_after_it(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-16 10:00", OFFER),
             ("customer", "2026-03-02 09:00", "Hej Erik,\n\nHär kommer påskrivet avtal. "
                                             "Vi ser fram emot starten!\n\nAnna"),
             ("seller", "2026-03-02 11:00", "Hej Anna,\n\nTack! Jag skickar en agenda inför uppstarten veckan "
                                           "innan.\n\nErik"),
             ("customer", "2026-03-03 08:00", "Toppen, tack.\n\nAnna")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-20 09:00")
    assert diagnosis.timeline.status is Status.CLOSED
    assert diagnosis.play is not None and diagnosis.play.kind is PlayKind.WAIT  # won: nothing to chase


def test_a_no_followed_by_a_thank_you_for_the_feedback_stays_lost(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", EN_OFFER),
             ("customer", "2026-02-20 16:00", "Hi Erik,\n\nThe board met on Tuesday and I have to say no to this "
                                             "one for 2026.\n\nSam"),
             ("seller", "2026-02-20 17:00", "Hi Sam,\n\nThanks for letting me know. What tipped it?\n\nErik"),
             ("customer", "2026-02-23 09:00", "Mostly the timing, and the integration work on our side.\n\nSam")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-20 09:00", **SAM)
    assert diagnosis.timeline.status is Status.CLOSED
    assert diagnosis.play is not None and diagnosis.play.kind is PlayKind.LET_GO


def test_a_bare_thumbs_up_keeps_the_pause_agreed_before_it(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", OFFER),
             ("customer", "2026-02-12 14:00", MOVING),
             ("seller", "2026-02-12 14:40", "Hej Anna,\n\nAbsolut, jag ringer måndag 4 maj kl 10.\n\nErik"),
             ("customer", "2026-02-12 15:02", "Perfekt 👍")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-20 09:00")
    assert diagnosis.timeline.status is Status.PAUSED
    assert diagnosis.play is not None and diagnosis.play.kind is PlayKind.WAIT


def test_a_substantive_last_word_from_the_customer_is_the_sellers_move(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", OFFER),
             ("customer", "2026-03-18 10:00", "Hej Erik,\n\nVi har gått igenom offerten med IT och lagerchefen. "
                                             "Robotarna i plock två passar inte vår hyllhöjd.\n\nAnna")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-20 09:00")
    assert diagnosis.timeline.status is Status.YOUR_MOVE


def test_a_deferral_to_the_board_meeting_is_an_event_deferral_even_with_its_date(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", EN_OFFER),
             ("customer", "2026-02-04 09:00", "Hi Erik,\n\nThanks. I will present it to the board on 10 March and "
                                             "come back to you after.\n\nSam")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-02-20 09:00", **SAM)
    assert SignalKind.EVENT_DEFERRAL in kinds(diagnosis)


def test_a_season_named_beside_live_questions_is_no_deferral(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", OFFER),
             ("customer", "2026-02-04 09:00", LIVE_QUESTIONS)]
    diagnosis = diagnose_one(tmp_path, steps, "2026-02-05 09:00")
    assert SignalKind.EVENT_DEFERRAL not in kinds(diagnosis)
    assert diagnosis.timeline.status is Status.YOUR_MOVE


def test_a_recap_the_customer_confirmed_shows_their_pain_and_metrics(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", RECAP),
             ("customer", "2026-02-03 09:00", "Hej Erik,\n\nBra sammanfattat. Skicka gärna ett förslag.\n\nAnna")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-02-05 09:00")
    assert _state(diagnosis, MeddiccElement.IDENTIFY_PAIN) is MeddiccState.CONFIRMED
    assert _state(diagnosis, MeddiccElement.METRICS) is MeddiccState.CONFIRMED


def test_a_recap_nobody_confirmed_is_not_the_customers_pain(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", "Hej Anna,\n\nMånga fastighetsbolag har problem med "
                                           "felanmälningar som tar tid.\n\nErik"),
             ("customer", "2026-02-03 09:00", "Hej Erik,\n\nStämmer det att ni har en app för hyresgästerna?\n\n"
                                             "Anna")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-02-05 09:00")
    assert _state(diagnosis, MeddiccElement.IDENTIFY_PAIN) is not MeddiccState.CONFIRMED


def test_a_frozen_budget_in_the_customers_words_comes_first_among_reasons(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", EN_OFFER),
             ("customer", "2026-02-03 15:00", "Thanks. Our budget is frozen for now, sadly.\n\nSam"),
             ("seller", "2026-02-16 09:00", "Hi Sam, any news?\n\nErik")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-03-20 09:00", **SAM)
    assert diagnosis.reasons and diagnosis.reasons[0].reason is Reason.BUDGET_GONE


def test_a_customer_who_never_wrote_gets_the_mailboxs_language_not_a_fixed_default(tmp_path: Path) -> None:
    from factories import SELLER, conversation, when, write_mbox
    from tystnad.pipeline import scan

    talkers = [conversation(customer=f"Pat {n} <pat@customer{n}.com>", subject=f"Proposal {n}", steps=[
        ("seller", "2026-03-02 09:00", EN_OFFER),
        ("customer", "2026-03-03 09:00", "Hi Erik,\n\nThanks, we will look at it with the team and get back "
                                         "to you next week.\n\nPat")]) for n in range(3)]
    silent = conversation(customer="Kim Lee <kim@quietcorp.com>", subject="Route planning", steps=[
        ("seller", "2026-02-02 09:00", EN_OFFER), ("seller", "2026-02-16 09:00", "Hi Kim, any news?\n\nErik")])
    box = write_mbox(tmp_path / "box.mbox", [m for c in (*talkers, silent) for m in c])
    result = scan([box], seller=SELLER, now=when("2026-03-20 09:00"), home_country="SE",
                  home_zone="Europe/Stockholm")
    quiet = next(d for d in result.diagnoses if d.deal.organization == "quietcorp.com")
    assert quiet.language == "en"  # the seller is Swedish, but this mailbox's customers write English


def test_a_confirmed_recap_of_figures_without_problem_words_shows_the_pain(tmp_path: Path) -> None:
    recap = ("Hi Sam,\n\nThanks for the walk round the depot. My notes:\n\n- 62 drivers on 48 routes, planned "
             "every morning on a whiteboard\n- about 1 in 8 deliveries arrives outside its window\n\nErik")
    steps = [("seller", "2026-02-02 09:00", recap),
             ("customer", "2026-02-03 09:00", "Hi Erik,\n\nSpot on. Please send a proposal.\n\nSam")]
    diagnosis = diagnose_one(tmp_path, steps, "2026-02-05 09:00", customer=SAM["customer"])
    pain = next(item for item in diagnosis.meddicc if item.element is MeddiccElement.IDENTIFY_PAIN)
    assert pain.state is MeddiccState.CONFIRMED
    assert pain.evidence is not None and "62 drivers" in pain.evidence.quote
