"""A seller's own draft, judged before sending as a coach would, knowing which play it serves: no
pressure, the ask the play needs (a dated step for a next-step mail; an honest question for a
check-in; nothing for an exit), personal (about them), relevant (tied to what the customer said
matters, a recap they confirmed included), and no offer sent before a step is agreed. The words of
each finding come from the language files beside the drafts (act/playbook/templates)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tystnad.act.playbook.drafts import templates
from tystnad.language import detect_language
from tystnad.model import Diagnosis, MeddiccElement, PlayKind, SignalKind
from tystnad.read.phrases import find_phrases, fold
from tystnad.read.quotes import sentences, without_greeting
from tystnad.read.timewords import find_moments

__all__ = ["Finding", "check_draft", "verdict_is_fix"]

_WORD = re.compile(r"[^\W\d_]{6,}")
# Long words compared by this many first letters, so inflection does not hide a shared word.
_STEM = 6
# This many words of a customer's sentence in a row, in the draft, quote them.
_QUOTE_RUN = 6
_QUOTED = re.compile(r"[\u201c\u201d\"][^\u201c\u201d\"]*[\u201d\"]")
# Plays whose mail must propose a step with a day; an exit asks nothing; the rest ask a question.
_DATED = frozenset({PlayKind.PROPOSE_NEXT_STEP})
_ASKS_NOTHING = frozenset({PlayKind.LET_GO})
# A reply answers what they asked (an offer they asked for included); a question is welcome, not owed.
_ANSWERS = frozenset({PlayKind.REPLY_NOW})
# Time words that name no day ("snarast", "soon"): a step with one of these has no time at all.
_DAYS = frozenset({"date", "tomorrow", "next_week", "end_of_week", "relative"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    aspect: str  # "pressure", "asks", "personal", "relevant", "proposal"
    is_ok: bool
    detail: str


def verdict_is_fix(findings: list[Finding]) -> bool:
    return not all(f.is_ok for f in findings)


def _says(language: str, key: str, **values: str) -> str:
    texts = (templates(language) or templates("en") or {}).get("check", {})
    return str(texts.get(key, key)).format(**values)


def check_draft(text: str, *, deal: Diagnosis | None, today: date, play: PlayKind | None = None,
                language: str | None = None) -> list[Finding]:
    """Findings for one draft; `deal` is the scanned deal it answers, when known (its quotes are the
    customer's own words, its play what the mail should do unless `play` says otherwise)."""
    if play is None and deal is not None and deal.play is not None:
        play = deal.play.kind
    lang = language or (deal.language if deal is not None else None) or detect_language(text) or "en"
    hits = find_phrases(text)
    families = {hit.family for hit in hits if not hit.negated}
    findings: list[Finding] = []

    # The customer's words quoted back are theirs, not the seller's pressure.
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    pressing = [text[h.sentence_start:h.sentence_end].strip() for h in hits
                if h.family in ("pressure", "urgency") and not h.negated
                and not any(a <= h.start and h.end <= b for a, b in quoted)]
    findings.append(Finding(aspect="pressure", is_ok=not pressing, detail=(
        _says(lang, "presses", quote=pressing[0]) if pressing else _says(lang, "no_pressure"))))
    findings.append(_asks(text, play, lang, today))

    if deal is None:
        return findings
    theirs = _customer_ids(deal)
    quotes = _customer_quotes(deal, theirs)
    customer_words = {fold(w) for quote in quotes for w in _WORD.findall(quote)}
    draft_stems = {_stem(w) for w in _WORD.findall(text)}
    shared = draft_stems & {_stem(w) for w in customer_words}
    # Their words or their company's name; a first name in the greeting is not personal. A customer
    # who has written nothing worth quoting leaves nothing of theirs to name.
    organization = re.sub(r"[^a-z]", "", fold(deal.deal.organization.split(".")[0]))
    personal = (bool(shared) or organization in re.sub(r"[^a-z]", "", fold(text))
                or any(_quotes(text, quote) for quote in quotes))
    detail = "personal" if personal else "not_personal" if customer_words else "nothing_of_theirs"
    if play not in _ASKS_NOTHING:  # an honest exit is a courtesy, not a pitch that must be about them
        findings.append(Finding(aspect="personal", is_ok=personal or not customer_words,
                                detail=_says(lang, detail)))
        # Their pain, the consequence they named (a figure alone, a price or a user count, is none).
        pains = [item.evidence.quote for item in deal.meddicc
                 if item.evidence is not None and item.element is MeddiccElement.IDENTIFY_PAIN]
        pain_stems = {_stem(w) for quote in pains for w in _WORD.findall(quote)}
        # Quoting the customer's own figure of their situation ties the mail to it as well.
        figures = [item.evidence.quote for item in deal.meddicc if item.evidence is not None
                   and item.element is MeddiccElement.METRICS and theirs is not None
                   and item.evidence.message_id in theirs]
        relevant = (bool(draft_stems & pain_stems) or not pains
                    or any(_quotes(text, p) for p in (*pains, *figures)))
        detail = (_says(lang, "relevant") if relevant and pains else _says(lang, "no_pain_yet") if relevant else
                  _says(lang, "not_relevant", quotes="; ".join(f"\u201c{p}\u201d" for p in pains[:2])))
        findings.append(Finding(aspect="relevant", is_ok=relevant, detail=detail))
    agreed = any(signal.kind is SignalKind.NEXT_STEP_AGREED for signal in deal.signals)
    if "sends_offer" in families and not agreed and play not in _ANSWERS:
        findings.append(Finding(aspect="proposal", is_ok=False, detail=_says(lang, "offer_first")))
    return findings


def _asks(text: str, play: PlayKind | None, lang: str, today: date) -> Finding:
    """What the play asks of the mail: a step with a day, an honest question, or nothing."""
    if play in _ASKS_NOTHING:
        return Finding(aspect="asks", is_ok=True, detail=_says(lang, "exit_asks_nothing"))
    if play in _ANSWERS:
        return Finding(aspect="asks", is_ok=True, detail=_says(lang, "reply_answers"))
    has_question = "?" in text
    if play is not None and play not in _DATED:
        return Finding(aspect="asks", is_ok=has_question,
                       detail=_says(lang, "asks_question" if has_question else "no_question"))
    dated = any(m.rule in _DAYS and not m.is_vague_period for m in find_moments(text, sent=today))
    steps = has_question and dated
    return Finding(aspect="asks", is_ok=steps, detail=_says(lang, "dated_step" if steps else "no_dated_step"))


def _stem(word: str) -> str:
    """A long word's first letters: "dubbelbokningar" and "dubbelbokningarna" are one word here."""
    return fold(word)[:_STEM]


def _customer_ids(deal: Diagnosis) -> set[str] | None:
    """The messages the customer's people wrote; None where the scan did not keep the messages."""
    messages = [m for thread in deal.deal.threads for m in thread.messages]
    if not messages:
        return None
    people = {contact.email for contact in deal.deal.contacts}
    return {m.message_id for m in messages if m.sender.email in people}


def _quotes(text: str, sentence: str) -> bool:
    """The draft quotes `sentence` or a run of its words long enough to be theirs (short words and all);
    a greeting opening it ("Hej, 42 bilar …") is no part of what they said."""
    sentence = without_greeting(sentence.strip())
    words = sentence.split()
    if len(words) < _QUOTE_RUN:
        return bool(sentence.strip()) and sentence.strip().rstrip(",.;:!") in text
    return any(" ".join(words[i:i + _QUOTE_RUN]) in text for i in range(len(words) - _QUOTE_RUN + 1))


def _customer_quotes(deal: Diagnosis, theirs: set[str] | None) -> list[str]:
    """The customer's own sentences: those the scan quoted from their mail (signals, reasons, MEDDICC,
    a recap they confirmed included) and, where the scan kept the messages (`theirs`), all they wrote."""
    found = [s.evidence for s in deal.signals if s.evidence is not None]
    found += [e for reason in deal.reasons for e in reason.evidence]
    quotes = [e.quote for e in found if e.quote and (theirs is None or e.message_id in theirs)]
    quotes += [item.evidence.quote for item in deal.meddicc if item.evidence is not None and (
        theirs is None or item.evidence.message_id in theirs or item.element is MeddiccElement.IDENTIFY_PAIN)]
    people = {contact.email for contact in deal.deal.contacts}
    for thread in deal.deal.threads:
        for message in thread.messages:
            if message.sender.email in people and message.is_answer:
                quotes += [message.new_text[a:b].strip() for a, b in sentences(message.new_text)]
    return quotes
