"""Play -> Draft: a short, honest mail in the customer's language, composed from the moves of the
template files beside this module and from what the mail supports: the customer's own words (only
from what the customer wrote), the thing under discussion as a noun phrase, the question they left
open, a day that respects their calendar. A phrasing that needs a fact the mail lacks is skipped."""

from __future__ import annotations

import hashlib
import re
import string
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

from tystnad.language import languages
from tystnad.model import Address, Diagnosis, Draft, MeddiccElement, PlayKind, Status
from tystnad.read.phrases import fold
from tystnad.read.quotes import sentences, without_greeting
from tystnad.read.reading import Reading
from tystnad.understand.view import DealView

__all__ = ["write_draft", "vary_drafts", "draft_sentences", "templates"]

# Months ahead for "Shall I get back to you in {month}?": a quarter, as sellers usually offer.
PAUSE_MONTHS = 3
# A customer sentence shorter than this ("Thanks.", "Ok!") is no words of theirs to build a mail on.
QUOTABLE_WORDS = 3
# Nor is one this long: quoted back whole it would be most of the mail.
QUOTABLE_MAX_WORDS = 30
# A proposed call this many business days ahead: time to answer, not so far that the moment passes.
PROPOSE_AFTER_DAYS = 3
# A later day the customer named is kept for the call if it is this close; a pause's date is not a call.
NAMED_DAY_REACH = timedelta(days=21)
# Fields that quote the customer.
_THEIRS = frozenset({"their_words", "their_pain", "their_question", "our_recap", "their_last"})
# The thing under discussion: at most this many words after "offerten på" / "the proposal for".
THING_WORDS = 4


@cache
def _templates(language: str) -> dict[str, Any] | None:
    files = resources.files(__package__).joinpath("templates")
    entry = files.joinpath(f"{language}.toml")
    if not entry.is_file():
        return None
    return tomllib.loads(entry.read_text("utf-8"))


def templates(language: str) -> dict[str, Any] | None:
    """The language's draft data (moves, noun phrases, the check's words), None if there is none."""
    return _templates(language)


def _names(language: str, table: str, number: int) -> str:
    """The longest (full) name of a month or weekday in `language`'s data."""
    for lang in languages():
        if lang.code == language:
            names = getattr(lang, table)
            return max((name for name, n in names.items() if n == number), key=len, default="")
    return ""


def _written(templates: dict[str, Any], language: str, table: str, number: int) -> str:
    """A weekday's or month's name as the language writes it in a sentence ("Tuesday", "tisdag")."""
    name = _names(language, table, number)
    return name.capitalize() if templates.get("capitalise_names") else name


def _day_text(templates: dict[str, Any], language: str, day: date) -> str:
    weekday = _written(templates, language, "weekdays", day.weekday())
    month = _written(templates, language, "months", day.month)
    return str(templates["day_format"]).format(weekday=weekday, day=day.day, month=month)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def draft_sentences(text: str) -> list[str]:
    """A draft's sentences as the variety rule compares them."""
    return [text[a:b].strip() for a, b in sentences(text) if text[a:b].strip()]


def write_draft(diagnosis: Diagnosis, *, view: DealView, kind: PlayKind) -> Draft | None:
    """None for plays that send nothing now (wait) and when no template speaks the language."""
    if kind is PlayKind.WAIT:
        return None
    language = diagnosis.language if _templates(diagnosis.language) else "en"
    templates = _templates(language)
    if templates is None:
        return None
    answers = view.customer_answers()
    sellers = view.seller_messages()
    recipient = _recipient(view, answers, sellers, is_their_move=diagnosis.timeline.status is not Status.YOUR_MOVE)
    if recipient is None:
        return None
    first_name = recipient.name.split()[0] if recipient.name and "@" not in recipient.name else ""
    signer = sellers[-1].message.sender.name.split()[0] if sellers and sellers[-1].message.sender.name else ""
    thread = diagnosis.threads[0].thread if diagnosis.threads else None
    values = _values(diagnosis, view, templates, language, first_name=first_name, signer=signer)
    play = templates["plays"].get(str(kind), {})
    seed = hashlib.sha1(f"{diagnosis.deal.organization}:{kind}".encode()).digest()
    moves: list[tuple[str, ...]] = []
    quoted = False
    for index, phrasings in enumerate(play.get("moves", [])):
        fitting = [p for p in phrasings if all(values.get(name) is not None for name in _fields(p))]
        # Their own words first: a phrasing that quotes the customer makes the mail theirs. Once is
        # enough: a second quote reads like a file being read back to them.
        own = [p.format(**values) for p in fitting if _fields(p) & _THEIRS]
        usable = [p.format(**values) for p in fitting if not _fields(p) & _THEIRS]
        if quoted and usable:
            own = []
        quoted = quoted or bool(own)
        if usable:
            start = seed[index % len(seed)] % len(usable)
            usable = usable[start:] + usable[:start]  # the deal's own choice first
        if own or usable:
            moves.append(tuple(own + usable))
    if not moves:
        return None
    greeting = (templates["greeting"] if first_name else templates["greeting_no_name"]).format(**values)
    sign_off = templates["sign_off"].format(**values).rstrip()
    subject = _reply_prefix(sellers, language, templates["subject_prefix"]) + (thread.subject if thread else "")
    last = thread.messages[-1] if thread and thread.messages else None
    chosen = [move[0] for move in moves]
    return Draft(language=language, to=(recipient.email,), cc=_copied(view, answers, recipient),
                 subject=subject, body=_body(greeting, chosen, sign_off),
                 sender=sellers[-1].message.sender.email if sellers else "",
                 in_reply_to=last.message_id if last else "",
                 references=tuple(dict.fromkeys((*last.references, last.message_id))) if last else (),
                 moves=tuple(moves))


def _body(greeting: str, moves: Sequence[str], sign_off: str) -> str:
    """The moves as a mail: the last one, the ask or the way out, a paragraph of its own."""
    text = " ".join(moves[:-1]) + "\n\n" + moves[-1] if len(moves) > 1 else moves[0]
    return f"{greeting}\n\n{text}\n\n{sign_off}\n"


def vary_drafts(drafts: Iterable[Draft | None]) -> list[Draft | None]:
    """One list of drafts (a scan, most urgent first) where no sentence repeats across deals: a move
    whose sentence another deal's draft already says takes its next phrasing that none has said."""
    said: set[str] = set()
    varied: list[Draft | None] = []
    for draft in drafts:
        if draft is None or not draft.moves:
            varied.append(draft)
            continue
        body = draft.body
        for move in draft.moves:
            current = move[0]
            if any(s in said for s in draft_sentences(current)):
                fresh = next((m for m in move if not any(s in said for s in draft_sentences(m))), None)
                if fresh is not None and fresh != current:
                    body = body.replace(current, fresh, 1)
                    current = fresh
            said.update(draft_sentences(current))
        varied.append(replace(draft, body=body))
    return varied


def _values(diagnosis: Diagnosis, view: DealView, templates: dict[str, Any], language: str, *,
            first_name: str, signer: str) -> dict[str, Any]:
    """What the moves may say, each only when the mail supports it (None: not known)."""
    answers = view.customer_answers()
    customer_ids = {r.message.message_id for r in answers}
    # Their words worth quoting back: a sentence of theirs that says something, never the seller's.
    their_words = next((_clause(e.quote).rstrip(",.;: ") for r in diagnosis.reasons for e in r.evidence
                        if e.message_id in customer_ids and _quotable(_clause(e.quote))), None)
    # Else a sentence of theirs that says something: a mail naming none of their words could go to anyone.
    their_words = their_words or _their_last(answers, None)
    month = view.today.replace(day=1)
    for _ in range(PAUSE_MONTHS):
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    closed = diagnosis.timeline.status is Status.CLOSED
    # Their pain in their own sentence (a recap they confirmed is the seller's words: not quoted).
    pains = [_clause(item.evidence.quote).rstrip(",.;: ")
             for element in (MeddiccElement.IDENTIFY_PAIN,)  # a count alone ("42 bilar") is no pain
             for item in diagnosis.meddicc if item.element is element and item.evidence is not None
             and item.evidence.message_id in customer_ids and _quotable(_clause(item.evidence.quote))]
    their_pain = pains[0] if pains else None
    # Or the seller's own recap of it that the customer confirmed: quoted as the seller's summary.
    recaps = [_clause(item.evidence.quote.lstrip("-• ")).rstrip(",.;: ") for item in diagnosis.meddicc
              if item.element is MeddiccElement.IDENTIFY_PAIN and item.evidence is not None
              and item.evidence.message_id not in customer_ids
              and _quotable(_clause(item.evidence.quote.lstrip("-• ")))]
    return {
        "first_name": first_name, "signer": signer,
        "thing": _thing(view, templates),
        "their_words": their_words if their_words != their_pain else None,
        "their_pain": their_pain,
        "our_recap": recaps[0] if recaps and their_pain is None else None,
        "their_question": _their_question(answers[-1:]),
        "their_last": _their_last(answers, their_pain),
        "month": _written(templates, language, "months", month.month) or month.strftime("%B"),
        "day": _day_text(templates, language, _proposed_day(diagnosis, view)),
        "if_closed": "" if closed else None,
        "if_silent": None if closed else "",
        "if_promise": "" if _owes_promise(view) else None,
    }


def _quotable(sentence: str) -> bool:
    """A sentence worth quoting back whole: says something, short enough, on one line."""
    return QUOTABLE_WORDS <= len(sentence.split()) <= QUOTABLE_MAX_WORDS and "\n" not in sentence.strip()


def _clause(sentence: str) -> str:
    """A long sentence cut after its first clause that says enough ("Rota-wise, we currently use a
    mix of spreadsheets and the rota module, …"): still the customer's words, verbatim from the start."""
    sentence = sentence.strip()
    if "\n" in sentence:
        # Wrapped by the customer's client: its first line, if it says enough, is theirs verbatim.
        first = sentence.split("\n", 1)[0].rstrip(" ,;:-–")
        return first + " \u2026" if len(first.split()) >= QUOTABLE_WORDS * 2 else sentence
    if len(sentence.split()) <= QUOTABLE_MAX_WORDS:
        return sentence
    cuts = [m.start() for m in re.finditer(r",\s|\s[–-]\s|;\s", sentence)
            if QUOTABLE_WORDS * 2 <= len(sentence[:m.start()].split()) <= QUOTABLE_MAX_WORDS]
    return sentence[:cuts[-1]] + " …" if cuts else sentence


def _proposed_day(diagnosis: Diagnosis, view: DealView) -> date:
    """A business day a few days ahead, or the later day the customer named themselves."""
    start = view.calendar.add_business_days(view.now, PROPOSE_AFTER_DAYS).date()
    named = diagnosis.timeline.waiting_until
    day = named if named is not None and start < named <= start + NAMED_DAY_REACH else start
    return view.calendar.next_business_day(day)


def _thing(view: DealView, templates: dict[str, Any]) -> str | None:
    """What the deal is about, as a noun phrase for a sentence: "offerten på schemaverktyget", "the
    proposal for the route planning", from the seller's own words where they sent it; else the bare
    offer ("offerten"); None when the mail names no offer (the moves then say it without one)."""
    nouns: dict[str, str] = {fold(word): noun for word, noun in templates["thing"]["nouns"].items()}
    prepositions = {fold(word) for word in templates["thing"]["prepositions"]}
    stops = {fold(word) for word in templates["thing"]["stops"]}
    no_end = {fold(word) for word in templates["thing"]["no_end"]}
    bare = ""
    for reading in view.seller_messages():
        for hit in reading.found("proposal"):
            words = re.findall(r"[\w'-]+|[^\w\s]", reading.text[hit.start:hit.sentence_end])
            noun = nouns.get(fold(words[0])) if words else None
            if noun is None:
                continue
            bare = bare or noun
            if len(words) > 2 and fold(words[1]) in prepositions:
                tail = []
                for word in words[2:2 + THING_WORDS]:
                    if not word.isalpha() or fold(word) in prepositions or fold(word) in stops:
                        break
                    tail.append(word)
                while tail and fold(tail[-1]) in no_end:
                    tail.pop()
                if tail:
                    return f"{noun} {words[1]} {' '.join(tail)}"
    return bare or None


def _their_question(last: list[Reading]) -> str | None:
    """The customer's last question, when their last mail asked one."""
    for reading in last:
        said = (reading.text[a:b].strip() for a, b in sentences(reading.text))
        asked = [sentence for sentence in said if sentence.endswith("?") and _quotable(sentence)]
        if asked:
            return asked[0]
    return None


def _their_last(answers: list[Reading], their_pain: str | None) -> str | None:
    """A sentence the customer wrote worth quoting back, when their pain is not: from their latest
    mail that has one ("Tack. Ska kolla." says nothing; the mail before it may)."""
    if their_pain is not None:
        return None
    for reading in reversed(answers):
        said = [without_greeting(reading.text[a:b].strip()).rstrip(",.;: ") for a, b in sentences(reading.text)]
        fitting = [s for s in said if _quotable(s) and not s.endswith("?") and s in reading.text]
        if fitting:
            return max(fitting, key=len)  # the longest says the most
    return None


def _owes_promise(view: DealView) -> bool:
    """The seller's own promise since the customer last answered is still open."""
    return any(r.found("seller_promise") for r in view.after_last_answer() if not view.is_customer(r.message))


def _recipient(view: DealView, answers: list[Reading], sellers: list[Reading], *,
               is_their_move: bool) -> Address | None:
    """Who the mail goes to: whoever wrote last when it is the seller's move; during a silence,
    the customer people the seller last wrote to (the contact may have left, as the mail showed)."""
    if is_their_move and sellers:
        addressed = [a for a in sellers[-1].message.to if view.is_customer_address(a)]
        if addressed:
            return addressed[0]
    if answers:
        return answers[-1].message.sender
    return view.deal.contacts[0] if view.deal.contacts else None


def _copied(view: DealView, answers: list[Reading], recipient: Address) -> tuple[str, ...]:
    """The customer's colleagues they copied in on their latest mail (an IT lead, the CFO)."""
    if not answers:
        return ()
    message = answers[-1].message
    people = [a.email for a in (*message.to, *message.cc, message.sender)
              if view.is_customer_address(a) and a.email != recipient.email]
    return tuple(dict.fromkeys(people))


def _reply_prefix(sellers: list[Reading], language: str, default: str) -> str:
    """The prefix the seller's own client writes in the draft's language ("SV: " from Outlook,
    "Sv: " from Gmail; "RE: " or "Re: "), so the draft looks like their other replies."""
    known = {prefix for lang in languages() if lang.code == language for prefix in lang.reply_prefixes}
    for reading in reversed(sellers):
        head, colon, _ = reading.message.subject.partition(":")
        if colon and head.strip() in known:
            return head.strip() + ": "
    return default

