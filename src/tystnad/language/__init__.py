"""The one reader of language and mail-system data files; adding a language is adding a file."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["Language", "MailSystems", "languages", "language", "mail_systems", "detect_language"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Language:
    code: str
    name: str
    country: str
    timezone: str
    top_level_domains: tuple[str, ...]
    detect_words: frozenset[str]
    reply_prefixes: tuple[str, ...]
    forward_prefixes: tuple[str, ...]
    auto_reply_subjects: tuple[str, ...]
    bounce_subjects: tuple[str, ...]
    attribution_verbs: tuple[str, ...]
    header_from: tuple[str, ...]
    header_sent: tuple[str, ...]
    header_to: tuple[str, ...]
    header_cc: tuple[str, ...]
    header_subject: tuple[str, ...]
    separators: tuple[str, ...]
    abbreviations: tuple[str, ...] = ()  # a stop after one ends no sentence ("Mr. Joshi", "t.ex. Anna")
    sign_offs: tuple[str, ...]
    mobile_footers: tuple[str, ...]
    footers: tuple[str, ...]  # a line holding one starts a disclaimer, list or marketing footer
    markings: tuple[str, ...]  # a line that is only one is a legal marking ("Privileged and Confidential")
    auto_reply_phrases: tuple[str, ...]
    return_on: tuple[str, ...]
    away_until: tuple[str, ...]
    months: dict[str, int]
    weekdays: dict[str, int]
    week_words: tuple[str, ...]  # before an ISO week number: "vecka 12", "week 12" (see dates.py)
    ordinals: tuple[str, ...]  # after a day's number: "16:e", "16th" (see dates.py)
    day_of_month: tuple[str, ...]  # between a day and its month: "16th of March"
    greetings: tuple[str, ...]  # a sentence opening with one greets (see quotes.py)
    phrases: dict[str, tuple[str, ...]]  # family -> patterns (see phrases.py)
    time_phrases: dict[str, tuple[str, ...]]  # calendar rule -> how it is said (see timewords.py)
    time_units: dict[str, int]  # unit word -> days
    time_numbers: dict[str, int]
    deciders: tuple[str, ...]  # titles that own a budget or a decision
    evaluators: tuple[str, ...]  # titles that evaluate and recommend
    partner_words: tuple[str, ...]  # in a third party's signature: a partner or reseller
    consultant_words: tuple[str, ...]  # in a third party's signature: a consultant or advisor
    question_words: dict[str, tuple[str, ...]]  # answer asked for -> question words (see signals/questions.py)
    metric_units: tuple[str, ...]  # after a number, a measure of the customer's situation (see meddicc.py)
    metric_numbers: tuple[str, ...]  # numbers said in words, before a unit ("tre personer")
    metric_time_units: tuple[str, ...]  # units that need digits: in words they are a deferral
    proposal_files: tuple[str, ...]  # in an attachment's name, an offer (see signals/trends.py)


@dataclass(frozen=True, slots=True, kw_only=True)
class MailSystems:
    free_mail_domains: frozenset[str]
    bounce_senders: tuple[str, ...]
    list_machinery: tuple[str, ...]
    automated_senders: frozenset[str]
    sent_folders: frozenset[str]
    affiliate_words: frozenset[str]
    other_subject_prefixes: tuple[str, ...]
    country_of_tld: dict[str, str]
    timezone_of_country: dict[str, str]


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(__package__).joinpath(name).read_text("utf-8"))


def _language(data: dict[str, Any]) -> Language:
    subject, quote, signature = data["subject"], data["quote"], data["signature"]
    return Language(
        code=data["code"],
        name=data["name"],
        country=data["country"],
        timezone=data["timezone"],
        top_level_domains=tuple(data["top_level_domains"]),
        detect_words=frozenset(data["detect"]["words"]),
        reply_prefixes=tuple(subject["reply_prefixes"]),
        forward_prefixes=tuple(subject["forward_prefixes"]),
        auto_reply_subjects=tuple(subject["auto_reply"]),
        bounce_subjects=tuple(subject["bounce"]),
        attribution_verbs=tuple(quote["attribution_verbs"]),
        header_from=tuple(quote["header_from"]),
        header_sent=tuple(quote["header_sent"]),
        header_to=tuple(quote["header_to"]),
        header_cc=tuple(quote["header_cc"]),
        header_subject=tuple(quote["header_subject"]),
        separators=tuple(quote["separators"]),
        abbreviations=tuple(quote.get("abbreviations", ())),
        sign_offs=tuple(signature["sign_offs"]),
        mobile_footers=tuple(signature["mobile"]),
        footers=tuple(signature.get("footers", ())),
        markings=tuple(signature.get("markings", ())),
        auto_reply_phrases=tuple(data["auto_reply"]["phrases"]),
        return_on=tuple(data["auto_reply"]["return_on"]),
        away_until=tuple(data["auto_reply"]["away_until"]),
        months=dict(data["dates"]["months"]),
        weekdays=dict(data["dates"]["weekdays"]),
        week_words=tuple(data["dates"].get("week", ())),
        ordinals=tuple(data["dates"].get("ordinals", ())),
        day_of_month=tuple(data["dates"].get("day_of_month", ())),
        greetings=tuple(data.get("greeting", {}).get("words", ())),
        phrases={
            family: tuple(patterns)
            for section in ("phrases", "seller")
            for family, patterns in data.get(section, {}).items()
        },
        time_phrases={
            rule: tuple(said) for rule, said in data.get("time", {}).items() if isinstance(said, list)
        },
        time_units=dict(data.get("time", {}).get("units", {})),
        time_numbers=dict(data.get("time", {}).get("numbers", {})),
        deciders=tuple(data.get("roles", {}).get("deciders", ())),
        evaluators=tuple(data.get("roles", {}).get("evaluators", ())),
        partner_words=tuple(data.get("parties", {}).get("partner", ())),
        consultant_words=tuple(data.get("parties", {}).get("consultant", ())),
        question_words={kind: tuple(words) for kind, words in data.get("questions", {}).items()},
        metric_units=tuple(data.get("metrics", {}).get("units", ())),
        metric_numbers=tuple(data.get("metrics", {}).get("numbers", ())),
        metric_time_units=tuple(data.get("metrics", {}).get("time_units", ())),
        proposal_files=tuple(data.get("attachments", {}).get("proposal", ())),
    )


@cache
def languages() -> tuple[Language, ...]:
    """Every language file beside this module, Swedish and English first."""
    names = sorted(
        entry.name
        for entry in resources.files(__package__).iterdir()
        if entry.name.endswith(".toml") and entry.name != "mailboxes.toml"
    )
    loaded = [_language(_read(name)) for name in names]
    order = {"sv": 0, "en": 1}
    return tuple(sorted(loaded, key=lambda lang: (order.get(lang.code, 2), lang.code)))


def language(code: str) -> Language:
    for candidate in languages():
        if candidate.code == code:
            return candidate
    raise KeyError(code)


@cache
def mail_systems() -> MailSystems:
    data = _read("mailboxes.toml")
    return MailSystems(
        free_mail_domains=frozenset(data["free_mail_domains"]),
        bounce_senders=tuple(data["bounce_senders"]),
        list_machinery=tuple(data["list_machinery"]),
        automated_senders=frozenset(data["automated_senders"]),
        sent_folders=frozenset(data["sent_folders"]),
        affiliate_words=frozenset(data["affiliate_words"]),
        other_subject_prefixes=tuple(data["other_subject_prefixes"]),
        country_of_tld=dict(data["country_of_tld"]),
        timezone_of_country=dict(data["timezone_of_country"]),
    )


_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str | None:
    """The language whose common words the text uses most; None when it shows none.
    Short function words decide: they are what a business mail cannot avoid."""
    counts: dict[str, int] = {}
    words = Counter(_WORD.findall(text.casefold()))
    if not words:
        return None
    for lang in languages():
        counts[lang.code] = sum(n for word, n in words.items() if word in lang.detect_words)
    best = max(counts, key=lambda code: counts[code])
    return best if counts[best] >= 2 else None
