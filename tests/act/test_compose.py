"""Drafts composed from what the mail supports: the customer's words only where the customer wrote
them, the thing under discussion as a noun phrase, colleagues they copied in on copy, no sentence
twice in one Monday list, and tystnad's own check passing what tystnad writes."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from factories import SELLER, conversation, eml, run_tystnad, when, write_mbox
from tystnad.act.check import check_draft, verdict_is_fix
from tystnad.act.playbook.drafts import draft_sentences
from tystnad.model import Diagnosis, PlayKind
from tystnad.pipeline import scan

NOW = "2026-03-20 09:00"
# A draft quoting the customer says so; a quote of the seller's own recap says whose it is.
_THEIRS = re.compile(r"(?:wrote|asked|Du skrev|skrev du|frågade|skrev)[^“”\n]{0,40}[“”]([^“”]+)[”“]")
_RECAP = re.compile(r"(?:summary|sammanfattning)[^“”\n]{0,20}[“”]([^“”]+)[”“]")


def _scan(tmp_path: Path, messages: list[bytes]) -> tuple[Diagnosis, ...]:
    box = write_mbox(tmp_path / "box.mbox", messages)
    return scan([box], seller=SELLER, now=when(NOW), home_country="SE", home_zone="Europe/Stockholm").diagnoses


def test_the_thing_is_named_from_the_sellers_offer_and_copied_colleagues_get_the_mail(tmp_path: Path) -> None:
    steps = [("seller", "2026-02-02 09:00", "Hej Anna,\n\nHär är offerten på plockautomationen för "
                                           "lagret.\n\nMvh\nErik"),
             ("customer", "2026-02-03 10:00", "Hej Erik,\n\nVi tappar två timmar om dagen på manuell plockning. "
                                             "Jag återkommer.\n\nAnna"),
             ("seller", "2026-02-17 09:00", "Hej Anna,\n\nHar du hunnit titta?\n\nErik")]
    messages = conversation(steps=steps)
    # The customer's reply copied in a colleague: the draft goes to Anna, with Per on copy.
    messages[1] = messages[1].replace(b"To: Erik Lund <erik.lund@saljare.se>",
                                      b"To: Erik Lund <erik.lund@saljare.se>\r\nCc: Per Ek <per.ek@kvarnbyn.se>")
    (diagnosis,) = _scan(tmp_path, messages)
    assert diagnosis.play is not None and diagnosis.play.draft is not None
    draft = diagnosis.play.draft
    assert draft.to == ("anna.berg@kvarnbyn.se",) and draft.cc == ("per.ek@kvarnbyn.se",)
    body = draft.body
    assert "Offert lagerautomation" not in body  # the subject line is no noun phrase
    if "offerten" in body:
        assert "offerten på plockautomationen" in body
    said = "Vi tappar två timmar om dagen på manuell plockning. Jag återkommer."
    for words in _THEIRS.findall(body):
        assert words.removesuffix(" \u2026") in said
    verdict = check_draft(body, deal=diagnosis, today=date(2026, 3, 20))
    assert not verdict_is_fix(verdict), verdict


def test_no_sentence_repeats_across_one_list_and_every_draft_passes_its_own_check(tmp_path: Path) -> None:
    box = tmp_path / "mailbox.mbox"
    subprocess.run([sys.executable, "-m", "tystnad", "generate", str(box), "--deals", "40", "--messages", "400",
                    "--seed", "7", "--now", NOW], check=True, capture_output=True, timeout=300,
                   env={"TYSTNAD_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"})
    result = scan([box], seller=SELLER.__class__(domains=frozenset({"norrsken.se"})), now=when(NOW),
                  home_country="SE", home_zone="Europe/Stockholm")
    said: dict[str, str] = {}
    kinds = set()
    for diagnosis in result.diagnoses:
        draft = diagnosis.play.draft if diagnosis.play is not None else None
        if draft is None:
            continue
        kinds.add(diagnosis.play.kind)  # type: ignore[union-attr]
        text = "\n\n".join(draft.body.strip().split("\n\n")[1:-1])  # greeting and sign-off aside
        for sentence in draft_sentences(text):
            assert said.setdefault(sentence, diagnosis.deal.organization) == diagnosis.deal.organization, sentence
        assert not verdict_is_fix(check_draft(draft.body, deal=diagnosis, today=date(2026, 3, 20))), draft.body
    assert len(kinds) >= 5


@pytest.mark.parametrize("language,steps", [
    ("en", [("seller", "2026-02-02 09:00", "Hi Sam,\n\nHere is our proposal for the route planning.\n\nErik"),
            ("customer", "2026-02-03 10:00", "Hi Erik,\n\nThanks, we have decided to go with another "
                                            "supplier this time.\n\nSam")]),
    ("sv", [("seller", "2026-02-02 09:00", "Hej Anna,\n\nHär är offerten på plockautomationen.\n\nErik"),
            ("customer", "2026-02-03 10:00", "Hej Erik,\n\nTack, men vi har valt en annan leverantör den här "
                                            "gången.\n\nAnna")]),
])
def test_a_customer_who_said_no_gets_an_honest_exit_that_asks_nothing(
        language: str, steps: list[tuple[str, str, str]], tmp_path: Path) -> None:
    customer = "Sam Reed <sam.reed@hartley.co.uk>" if language == "en" else "Anna Berg <anna.berg@kvarnbyn.se>"
    (diagnosis,) = _scan(tmp_path, conversation(steps=steps, customer=customer))
    assert diagnosis.play is not None and diagnosis.play.kind is PlayKind.LET_GO
    draft = diagnosis.play.draft
    assert draft is not None and draft.language == language
    text = "\n\n".join(draft.body.strip().split("\n\n")[1:-1])
    assert "?" not in text  # an exit asks for nothing
    assert not verdict_is_fix(check_draft(draft.body, deal=diagnosis, today=date(2026, 3, 20)))


def test_the_why_never_calls_the_sellers_words_the_customers(tmp_path: Path) -> None:
    steps = [("seller", "2026-01-12 09:00", "Hi Sam,\n\nI wanted to introduce our platform. Many companies "
                                           "like yours use it.\n\nErik"),
             ("seller", "2026-01-26 09:00", "Hi Sam,\n\nJust following up on my last mail.\n\nErik"),
             ("seller", "2026-02-09 09:00", "Hi Sam,\n\nAny thoughts?\n\nErik")]
    messages = conversation(steps=steps, customer="Sam Reed <sam.reed@hartley.co.uk>")
    messages.append(eml(sender="Sam Reed <sam.reed@hartley.co.uk>", to="Erik Lund <erik.lund@saljare.se>",
                        subject="Re: Offert lagerautomation", date="2026-01-13 10:00",
                        body="Hi Erik,\n\nThanks, send me something on pricing.\n\nSam"))
    (diagnosis,) = _scan(tmp_path, messages)
    assert diagnosis.play is not None
    seller_text = " ".join(s[2] for s in steps)
    for quote in re.findall(r"The customer wrote: “([^”]+)”", diagnosis.play.why):
        assert quote not in seller_text


def test_check_reads_standard_input_and_speaks_the_drafts_language(tmp_path: Path) -> None:
    pushy = "Hej Anna,\n\nÅterkom snarast om offerten!\n\nErik\n"
    done = subprocess.run([sys.executable, "-m", "tystnad", "check", "-"], input=pushy, capture_output=True,
                          text=True, timeout=120, env={"TYSTNAD_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1
    assert "fix  pressure" in done.stdout and "snarast" in done.stdout
    assert "fix  asks" in done.stdout and "inget nästa steg med en dag" in done.stdout
    calm = "Hi Sam,\n\nI notice it has gone quiet. Has something changed on your side?\n\nErik\n"
    calm_file = _write(tmp_path / "calm.txt", calm)
    done = run_tystnad("check", str(calm_file), "--play", "honest_checkin", home=tmp_path)
    assert done.returncode == 0 and "asks them an honest question" in done.stdout, done.stdout


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


_ATTRIBUTED = re.compile(r"\b(?:wrote|asked|told me|words|skrev|frågade|berättade|ord)\b"
                         r"[^“”\n]{0,40}[“”]([^“”]+)[”]")


def _drafts_over(roots: list[str]) -> list[tuple[str, Diagnosis, str]]:
    """(case, judged deal, what the customer's people wrote) for every drafted deal of the corpora."""
    from tystnad import session
    from tystnad.train.evaluate import judge_with
    from tystnad.train.examples import collect
    from tystnad.understand.decide import shipped_model
    model = shipped_model()
    found = []
    for example in collect(session.labelled_cases(roots)):
        diagnosis = judge_with(example, model)
        draft = diagnosis.play.draft if diagnosis is not None and diagnosis.play is not None else None
        if diagnosis is None or example.understood is None or draft is None:
            continue
        customer = " ".join(r.text for r in example.understood.view.customer_answers())
        found.append((example.case.id, diagnosis, customer))
    return found


def _judged(drafts: list[tuple[str, Diagnosis, str]]) -> tuple[list[str], list[str]]:
    misquoted, failing = [], []
    for case, diagnosis, customer in drafts:
        assert diagnosis.play is not None and diagnosis.play.draft is not None
        body = diagnosis.play.draft.body
        misquoted += [f"{case}: {q}" for q in _ATTRIBUTED.findall(body)
                      if q.removesuffix(" \u2026") not in customer]
        today = max(m.date for t in diagnosis.deal.threads for m in t.messages).date()
        if verdict_is_fix(check_draft(body, deal=diagnosis, today=today)):
            failing.append(case)
        if not 40 <= len(body.split()) <= 120:
            failing.append(f"{case}: {len(body.split())} words")
    return misquoted, failing


def test_over_our_own_corpus_no_draft_misquotes_the_customer_and_every_draft_passes_check() -> None:
    drafts = _drafts_over([str(Path(__file__).parents[1] / "corpus") + ":own"])
    misquoted, failing = _judged(drafts)
    assert len(drafts) > 20 and misquoted == [] and failing == []


def test_over_every_corpus_no_draft_misquotes_and_every_sending_play_has_a_draft() -> None:
    shared = Path(__file__).parents[3] / "shared"
    if not (shared / "corpus").is_dir():
        pytest.skip("needs ../shared beside the checkout")
    root = Path(__file__).parents[2]
    drafts = _drafts_over([str(shared / "corpus"), f"{shared / 'cases'}:cases",
                           *sorted(str(p) for p in (root / "corpus").glob("w*"))])
    misquoted, failing = _judged(drafts)
    assert misquoted == []
    assert {d.play.kind for _, d, _ in drafts if d.play is not None} == set(PlayKind) - {PlayKind.WAIT}
    assert failing == []
