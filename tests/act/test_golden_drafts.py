"""Golden drafts: every play in Swedish and English, as a customer would read them.

`pytest tests/test_golden_drafts.py --update-golden` rewrites tests/golden/drafts/ after a
change to the templates; read the diff as the customer would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from factories import SELLER, conversation, when, write_mbox
from tystnad.act.playbook.drafts import write_draft
from tystnad.model import PlayKind
from tystnad.pipeline import scan
from tystnad.understand.timing import calendar_for
from tystnad.understand.view import DealView

GOLDEN = Path(__file__).parents[1] / "golden" / "drafts"
NOW = "2026-03-20 09:00"
SCENES = {
    "sv": dict(customer="Anna Berg <anna.berg@kvarnbyn.se>", subject="Plockautomation för lagret i Eskilstuna",
               steps=[("seller", "2026-02-02 09:00", "Hej Anna,\n\nHär är offerten på plockautomationen för "
                                                     "lagret i Eskilstuna.\n\nMvh\nErik Lund"),
                      ("customer", "2026-02-02 15:00", "Tack! Plocket tar i dag dubbelt så lång tid som det "
                                                       "borde. Budgeten är fryst tills vidare, tyvärr.\n\nAnna"),
                      ("seller", "2026-02-16 09:00", "Hej Anna, hur går det?\n\nErik Lund")]),
    "en": dict(customer="Sam Reed <sam.reed@hartley.co.uk>", subject="Route planning for the Leeds depot",
               steps=[("seller", "2026-02-02 09:00", "Hi Sam,\n\nHere is our proposal for the route planning at "
                                                     "the Leeds depot.\n\nBest,\nErik Lund"),
                      ("customer", "2026-02-02 15:00", "Thanks. Late deliveries are costing us two customers a "
                                                       "quarter. Our budget is frozen for now, sadly.\n\nSam"),
                      ("seller", "2026-02-16 09:00", "Hi Sam, any news?\n\nErik Lund")]),
}
PLAYS = [kind for kind in PlayKind if kind is not PlayKind.WAIT]


@pytest.mark.parametrize("language", sorted(SCENES))
def test_every_play_has_a_golden_draft(language: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    box = write_mbox(tmp_path / "box.mbox", conversation(seller="Erik Lund <erik.lund@saljare.se>",
                                                          **SCENES[language]))  # type: ignore[arg-type]
    (diagnosis,) = scan([box], seller=SELLER, now=when(NOW), home_country="SE",
                        home_zone="Europe/Stockholm").diagnoses
    calendar = calendar_for(diagnosis.country, "Europe/Stockholm")
    messages = tuple(m for t in diagnosis.deal.threads for m in t.messages)
    view = DealView.build(deal=diagnosis.deal, messages=messages, seller=SELLER, calendar=calendar,
                          rhythm=diagnosis.rhythm, timeline=diagnosis.timeline, now=when(NOW))
    GOLDEN.mkdir(parents=True, exist_ok=True)
    changed = []
    for kind in PLAYS:
        draft = write_draft(diagnosis, view=view, kind=kind)
        assert draft is not None and draft.language == language
        assert len(draft.body.split()) < 120 and "{" not in draft.body
        assert draft.subject.endswith(SCENES[language]["subject"])  # type: ignore[arg-type]
        text = f"To: {', '.join(draft.to)}\nSubject: {draft.subject}\n\n{draft.body}"
        path = GOLDEN / f"{language}-{kind}.txt"
        if request.config.getoption("--update-golden") or not path.exists():
            path.write_text(text, encoding="utf-8")
        elif path.read_text(encoding="utf-8") != text:
            changed.append(path.name)
    assert not changed, f"drafts changed: {changed}; rerun with --update-golden if intended"
