"""When a customer says something will happen: "på fredag", "nästa vecka", "efter sommaren",
"in Q3", "om tre månader", "i maj", "16 mars" — resolved to a day against the message's date.
The words are data (language files, [time]); the calendar rules are here."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from tystnad.language import languages
from tystnad.model import Moment
from tystnad.read.dates import find_dates
from tystnad.read.phrases import fold
from tystnad.read.spans import Claimed

__all__ = ["Moment", "find_moments"]

_LETTERS = re.compile(r"[^\W\d_]+")


def _friday_of(day: date) -> date:
    return day + timedelta(days=(4 - day.weekday()) % 7)


def _month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _easter(year: int) -> date:
    """Anonymous Gregorian algorithm (Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    line = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * line) // 451
    month = (h + line - 7 * m + 114) // 31
    return date(year, month, (h + line - 7 * m + 114) % 31 + 1)


def _upcoming(build: Callable[[int], date], after: date) -> date:
    this_year = build(after.year)
    return this_year if this_year > after else build(after.year + 1)


# Calendar rules by name; the language files say how each is written.
_RULES: dict[str, tuple[Callable[[date], date], bool]] = {
    "tomorrow": (lambda d: d + timedelta(days=1), False),
    "end_of_week": (_friday_of, False),
    "next_week": (lambda d: _friday_of(d + timedelta(days=7 - d.weekday())), False),
    "end_of_month": (_month_end, False),
    "next_month": (lambda d: _month_end(_next_month(d)), True),
    # Swedish summer holidays are July; "after the summer" means mid-August.
    "after_summer": (lambda d: _upcoming(lambda y: date(y, 8, 15), d), True),
    "autumn": (lambda d: _upcoming(lambda y: date(y, 9, 1), d), True),
    "after_new_year": (lambda d: _upcoming(lambda y: date(y, 1, 7), d), True),
    "after_easter": (lambda d: _upcoming(lambda y: _easter(y) + timedelta(days=2), d), True),
    # Sportlov is week 7-10 depending on the region; by the Monday of week 10 it is over.
    "after_winter_break": (lambda d: _upcoming(lambda y: date.fromisocalendar(y, 10, 1), d), True),
}


@dataclass(frozen=True, slots=True)
class _Words:
    rules: re.Pattern[str]  # every rule's phrases in one alternation; one scan of the text
    last_words: frozenset[str]  # a text with none of these holds no rule phrase
    quarter_words: frozenset[str]
    rule_of: dict[str, str]  # folded phrase -> rule
    relative: re.Pattern[str]
    units: dict[str, int]
    numbers: dict[str, int]
    month_named: re.Pattern[str]
    months: dict[str, int]
    quarter: re.Pattern[str]


@cache
def _words() -> _Words:
    rule_of: dict[str, str] = {}
    units: dict[str, int] = {}
    numbers: dict[str, int] = {}
    prefixes: set[str] = set()
    month_prefixes: set[str] = set()
    quarter_words: set[str] = set()
    more_words: set[str] = set()
    ordinals: set[str] = set()
    months: dict[str, int] = {}
    for lang in languages():
        for rule, said in lang.time_phrases.items():
            if rule in _RULES:
                for phrase in said:
                    rule_of[" ".join(fold(phrase).split())] = rule
        prefixes.update(fold(p) for p in lang.time_phrases.get("in_prefix", ()))
        month_prefixes.update(fold(p) for p in lang.time_phrases.get("month_prefix", ()))
        quarter_words.update(fold(p) for p in lang.time_phrases.get("quarter", ()))
        more_words.update(fold(p) for p in lang.time_phrases.get("more", ()))
        ordinals.update(fold(p) for p in lang.ordinals)
        units.update({fold(k): v for k, v in lang.time_units.items()})
        numbers.update({fold(k): v for k, v in lang.time_numbers.items()})
        months.update({fold(k): v for k, v in lang.months.items() if len(k) >= 3})

    def alternatives(words: Iterable[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"

    return _Words(
        rules=re.compile(rf"\b(?:{alternatives(rule_of).replace(chr(92) + ' ', chr(92) + 's+')})\b"),
        rule_of=rule_of,
        # Last words are the content words ("sommaren", "week"), rare in text that names no time.
        last_words=frozenset(_LETTERS.findall(phrase)[-1] for phrase in rule_of),
        quarter_words=frozenset(quarter_words),
        relative=re.compile(
            rf"\b(?:{alternatives(prefixes)})\s+(?:(\d+)|({alternatives(numbers)}))\s+"
            rf"(?:(?:{alternatives(more_words)})\s+)?({alternatives(units)})\b"
        ),
        units=units,
        numbers=numbers,
        month_named=re.compile(
            rf"\b(?:{alternatives(month_prefixes)})\s+({alternatives(months)})\b(?!\s+\d)"
        ),
        months=months,
        # "Q3", "3:e kvartalet", "3rd quarter", and with the day-number dot of Norwegian, Danish and German.
        quarter=re.compile(rf"\b(?:q([1-4])|([1-4])(?:{alternatives(ordinals)}|\.)?\s+(?:{alternatives(quarter_words)}))\b"),
    )


def find_moments(text: str, *, sent: date, folded: str | None = None) -> list[Moment]:
    """Every time expression in `text` with the day it points to, in order of appearance."""
    words = _words()
    folded = fold(text) if folded is None else folded
    found: list[Moment] = []
    taken = Claimed()

    def add(start: int, end: int, day: date, vague: bool, rule: str) -> None:
        if taken.claim(start, end):
            found.append(Moment(start=start, end=end, day=day, is_vague_period=vague, rule=rule))

    present = set(_LETTERS.findall(folded))
    for match in words.rules.finditer(folded) if not present.isdisjoint(words.last_words) else ():
        rule = words.rule_of[" ".join(match[0].split())]
        resolve, vague = _RULES[rule]
        add(match.start(), match.end(), resolve(sent), vague, rule)
    for match in words.relative.finditer(folded) if not present.isdisjoint(words.units) else ():
        count = int(match[1]) if match[1] else words.numbers[match[2]]
        days = count * words.units[match[3]]
        add(match.start(), match.end(), sent + timedelta(days=days), days >= 28, "relative")
    has_quarter = "q" in folded or not present.isdisjoint(words.quarter_words)
    for match in words.quarter.finditer(folded) if has_quarter else ():
        quarter = int(match[1] or match[2])
        year = sent.year if quarter * 3 >= sent.month else sent.year + 1
        add(match.start(), match.end(), date(year, quarter * 3 - 2, 1), True, "quarter")
    for match in words.month_named.finditer(folded) if not present.isdisjoint(words.months) else ():
        month = words.months[match[1]]
        year = sent.year if month >= sent.month else sent.year + 1
        add(match.start(), match.end(), date(year, month, 1), True, "month")
    for mention in find_dates(text, reference=sent, folded=folded):
        add(mention.start, mention.end, mention.day, False, "date")
    return sorted(found, key=lambda moment: moment.start)
