"""tystnad's drafts against mails a coach wrote for the same conversations (corpus/references/{sv,en},
written by authors who never saw tystnad's drafts): per play, does tystnad choose the coach's play,
use the customer's words, name the thing under discussion, write a similar length, and pass check?

    .venv/bin/python bench/draft_references.py
"""

from __future__ import annotations

import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

from tystnad import session
from tystnad.act.check import check_draft, verdict_is_fix
from tystnad.model import Diagnosis, PlayKind
from tystnad.read.phrases import fold
from tystnad.train.evaluate import judge_with
from tystnad.train.examples import collect
from tystnad.understand.decide import shipped_model

ROOT = Path(__file__).resolve().parents[1]
REFERENCES = ROOT / "corpus" / "references"
CORPORA = [str(ROOT / "tests" / "corpus") + ":own", *sorted(str(p) for p in (ROOT / "corpus").glob("w*"))]
_LONG = re.compile(r"[^\W\d_]{7,}")


def _reference(path: Path) -> tuple[str, str]:
    """(play, body text between greeting and sign-off) of one reference file."""
    head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    play = next(line.split(":", 1)[1].strip() for line in head.splitlines() if line.startswith("play:"))
    return play, body.strip()


def _inner(body: str) -> str:
    parts = body.strip().split("\n\n")
    return "\n\n".join(parts[1:-1]) if len(parts) > 2 else body


def _names_thing(text: str, diagnosis: Diagnosis, customer: str) -> bool:
    """A long word of the offer or of the customer's own mail ("plockautomationen", "overtime"),
    not of the seller's greeting: the mail is about their thing, not "our solution"."""
    seller = " ".join(m.new_text for t in diagnosis.deal.threads for m in t.messages
                      if m.sender.email not in {c.email for c in diagnosis.deal.contacts})
    theirs = {fold(w) for w in _LONG.findall(customer)} | {fold(w) for w in _LONG.findall(seller)
                                                          if fold(w) in fold(customer)}
    offer = {fold(w) for t in diagnosis.threads for w in _LONG.findall(t.thread.subject)}
    return bool({fold(w) for w in _LONG.findall(text)} & (theirs | offer))


def main() -> int:
    files = sorted(REFERENCES.glob("*/*.txt"))
    if not files:
        print("no references in corpus/references")
        return 1
    wanted = {path.stem: path for path in files}
    cases = [c for c in session.labelled_cases(CORPORA) if c.id in wanted]
    model = shipped_model()
    rows: dict[str, list[dict[str, float]]] = defaultdict(list)
    for example in collect(cases):
        diagnosis = judge_with(example, model)
        if diagnosis is None or example.understood is None:
            continue
        play, reference = _reference(wanted[example.case.id])
        today = example.understood.view.today
        customer = " ".join(r.text for r in example.understood.view.customer_answers())
        ours = diagnosis.play.draft.body if diagnosis.play is not None and diagnosis.play.draft else ""
        theirs_ok = not verdict_is_fix(check_draft(reference, deal=diagnosis, today=today, play=PlayKind(play)))
        our_check = check_draft(ours, deal=diagnosis, today=today) if ours else []
        personal = next((f.is_ok for f in our_check if f.aspect == "personal"), True)
        rows[play].append({
            "same_play": float(diagnosis.play is not None and str(diagnosis.play.kind) == play),
            "drafted": float(bool(ours)),
            "ours_personal": float(bool(ours) and personal),
            "ours_thing": float(bool(ours) and _names_thing(_inner(ours), diagnosis, customer)),
            "ref_thing": float(_names_thing(_inner(reference), diagnosis, customer)),
            "ours_words": float(len(_inner(ours).split())) if ours else 0.0,
            "ref_words": float(len(_inner(reference).split())),
            "ours_check": float(bool(ours) and not verdict_is_fix(our_check)),
            "ref_check": float(theirs_ok),
        })
    print("play                  n  same play  drafted  ours: own words  thing  check  words"
          " | coach: thing  check  words")
    total: list[dict[str, float]] = []
    for play in sorted(rows):
        print(_line(play, rows[play]))
        total += rows[play]
    print(_line("all", total))
    return 0


def _line(name: str, rows: list[dict[str, float]]) -> str:
    def share(key: str) -> str:
        return f"{sum(r[key] for r in rows) / len(rows):.2f}"

    def median(key: str) -> str:
        values = [r[key] for r in rows if r[key]]
        return f"{statistics.median(values):.0f}" if values else "-"

    return (f"{name:20s} {len(rows):2d}  {share('same_play'):>9s}  {share('drafted'):>7s}  "
            f"{share('ours_personal'):>15s}  {share('ours_thing'):>5s}  {share('ours_check'):>5s}  "
            f"{median('ours_words'):>5s} | {share('ref_thing'):>12s}  {share('ref_check'):>5s}  "
            f"{median('ref_words'):>5s}")


if __name__ == "__main__":
    sys.exit(main())
