"""Play -> Draft: a short, honest reply in the customer's language, from the template files beside
this module. Only facts from the mail are used: a template that needs one the mail lacks is skipped."""

from __future__ import annotations

import hashlib
import string
import tomllib
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from tystnad.language import languages
from tystnad.model import Address, Diagnosis, Draft, PlayKind
from tystnad.read.reading import Reading
from tystnad.understand.view import DealView

__all__ = ["write_draft"]

# Months ahead for "Shall I get back to you in {month}?": a quarter, as sellers usually offer.
PAUSE_MONTHS = 3
# A customer sentence shorter than this ("Thanks.", "Ok!") is no words of theirs to build a mail on.
QUOTABLE_WORDS = 3


@cache
def _templates(language: str) -> dict[str, Any] | None:
    files = resources.files(__package__).joinpath("templates")
    entry = files.joinpath(f"{language}.toml")
    if not entry.is_file():
        return None
    return tomllib.loads(entry.read_text("utf-8"))


def _month_name(language: str, day: date) -> str:
    for lang in languages():
        if lang.code == language:
            names = [name for name, number in lang.months.items() if number == day.month]
            return max(names, key=len)
    return day.strftime("%B")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


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
    recipient = _recipient(view, answers, sellers, is_their_move=diagnosis.timeline.status.value != "your_move")
    if recipient is None:
        return None
    first_name = recipient.name.split()[0] if recipient.name and "@" not in recipient.name else ""
    signer = sellers[-1].message.sender.name.split()[0] if sellers and sellers[-1].message.sender.name else ""
    thread = diagnosis.threads[0].thread if diagnosis.threads else None
    customer_ids = {r.message.message_id for r in answers}
    # Their words worth quoting back: a sentence that says something, not a bare "Thanks."
    their_words = next((e.quote.rstrip(",.;: ") for r in diagnosis.reasons for e in r.evidence
                        if e.message_id in customer_ids and len(e.quote.split()) >= QUOTABLE_WORDS), "")
    month = view.today.replace(day=1)
    for _ in range(PAUSE_MONTHS):
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    values = {"first_name": first_name, "topic": _topic(thread.subject if thread else ""),
              "their_words": their_words, "month": _month_name(language, month), "signer": signer}
    variants = [t for t in templates["plays"].get(str(kind), [])
                if all(values.get(name) for name in _fields(t))]
    if not variants:
        return None
    digest = hashlib.sha1(f"{diagnosis.deal.organization}:{kind}".encode()).digest()
    text = variants[digest[0] % len(variants)].format(**values)
    greeting = (templates["greeting"] if first_name else templates["greeting_no_name"]).format(**values)
    sign_off = templates["sign_off"].format(**values).rstrip()
    subject = _reply_prefix(sellers, language, templates["subject_prefix"]) + (thread.subject if thread else "")
    last = thread.messages[-1] if thread and thread.messages else None
    return Draft(language=language, to=(recipient.email,), subject=subject,
                 body=f"{greeting}\n\n{text}\n\n{sign_off}\n",
                 sender=sellers[-1].message.sender.email if sellers else "",
                 in_reply_to=last.message_id if last else "",
                 references=tuple(dict.fromkeys((*last.references, last.message_id))) if last else ())


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


def _reply_prefix(sellers: list[Reading], language: str, default: str) -> str:
    """The prefix the seller's own client writes in the draft's language ("SV: " from Outlook,
    "Sv: " from Gmail; "RE: " or "Re: "), so the draft looks like their other replies."""
    known = {prefix for lang in languages() if lang.code == language for prefix in lang.reply_prefixes}
    for reading in reversed(sellers):
        head, colon, _ = reading.message.subject.partition(":")
        if colon and head.strip() in known:
            return head.strip() + ": "
    return default


def _topic(subject: str) -> str:
    """The thread's subject as words in a sentence: "offerten" rather than "Offert – Kvarnbyn"."""
    topic = subject.strip().rstrip(".!?")
    return topic[:1].lower() + topic[1:] if topic[:2].isalpha() and not topic[:2].isupper() else topic
