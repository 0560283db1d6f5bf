"""Calendar dates written in mail text ("16 mars", "March 16th", "2026-03-16", "måndag"), resolved
against the day the message was sent. Month and weekday names come from the language files."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from tystnad.language import languages
from tystnad.read.phrases import fold
from tystnad.read.spans import Claimed

__all__ = ["DateMention", "find_dates"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DateMention:
    start: int  # character offsets in the text
    end: int
    day: date


@dataclass(frozen=True, slots=True)
class _Names:
    months: dict[str, int]
    weekdays: dict[str, int]
    day_month: re.Pattern[str]
    month_day: re.Pattern[str]
    weekday: re.Pattern[str]
    week: re.Pattern[str]


_LETTERS = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")
_ISO = re.compile(r"\b(20\d\d)-(\d\d?)-(\d\d?)\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?\b(?![/.]\d)")


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(set(words), key=lambda w: (-len(w), w))) or "(?!)"


@cache
def _names() -> _Names:
    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    for lang in languages():
        months.update({fold(name): number for name, number in lang.months.items()})
        weekdays.update({fold(name): number for name, number in lang.weekdays.items()})
    month_words = "|".join(re.escape(name) for name in sorted(months, key=len, reverse=True))
    weekday_words = "|".join(
        re.escape(name) for name in sorted(weekdays, key=len, reverse=True) if len(name) > 3
    )
    langs = languages()
    ordinals = _alternatives(fold(suffix) for lang in langs for suffix in lang.ordinals)
    of = _alternatives(fold(word) for lang in langs for word in lang.day_of_month)
    return _Names(
        months=months,
        weekdays=weekdays,
        # "16 mars", "16:e mars", "16th March", "16. März 2026", "den 16 mars", "16th of March"
        day_month=re.compile(
            rf"\b(\d{{1,2}})(?:{ordinals}|\.)?\s*(?:(?:{of})\s+)?({month_words})\.?(?:\s+(\d{{4}}))?\b",
        ),
        # "March 16", "March 16th, 2026"
        month_day=re.compile(
            rf"\b({month_words})\.?\s+(\d{{1,2}})(?:{ordinals})?\b(?:,?\s+(\d{{4}}))?",
        ),
        weekday=re.compile(rf"\b({weekday_words})\b"),
        # "vecka 12", "v. 12", "week 12", "KW 12": the Monday of that ISO week
        week=re.compile(
            rf"\b(?:{_alternatives(fold(word) for lang in langs for word in lang.week_words)})\s?(\d{{1,2}})\b",
        ),
    )


def find_dates(text: str, *, reference: date, folded: str | None = None) -> list[DateMention]:
    """Every explicit date in `text`, in order. A date without a year is the next one on or
    after a week before `reference` (out-of-office texts may name yesterday's start). Names are
    matched in the folded text (`folded`: fold(text), when the caller has it): a case-blind
    pattern is several times slower, and offsets are the same."""
    names = _names()
    found: list[DateMention] = []
    folded = fold(text) if folded is None else folded
    # Most mail names no date at all: look for the cheap clues before running the patterns.
    words = set(_LETTERS.findall(folded))
    has_digit = _DIGIT.search(text) is not None
    has_month = has_digit and not words.isdisjoint(names.months)
    has_weekday = not words.isdisjoint(names.weekdays)
    taken = Claimed()

    def add(start: int, end: int, day: date | None) -> None:
        if day is not None and taken.claim(start, end):
            found.append(DateMention(start=start, end=end, day=day))

    if not has_digit and not has_weekday:
        return []
    for match in _ISO.finditer(text) if has_digit else ():
        add(match.start(), match.end(), _safe_date(int(match[1]), int(match[2]), int(match[3])))
    for match in names.day_month.finditer(folded) if has_month else ():
        month = names.months[match[2]]
        add(match.start(), match.end(), _resolve(int(match[1]), month, match[3], reference))
    for match in names.month_day.finditer(folded) if has_month else ():
        month = names.months[match[1]]
        add(match.start(), match.end(), _resolve(int(match[2]), month, match[3], reference))
    for match in _NUMERIC.finditer(text) if has_digit else ():
        # Day first, as everywhere in Europe; "3/16" is read month-first only when it must be.
        first, second = int(match[1]), int(match[2])
        day, month = (first, second) if second <= 12 else (second, first)
        add(match.start(), match.end(), _resolve(day, month, match[3], reference))
    for match in names.week.finditer(folded) if has_digit else ():
        add(match.start(), match.end(), _week_monday(int(match[1]), reference))
    explicit_starts = [mention.start for mention in found]
    for match in names.weekday.finditer(folded) if has_weekday else ():
        if any(0 <= start - match.end() <= 8 for start in explicit_starts):
            continue  # "onsdag 7 januari", "Monday, March 2nd": the date decides
        weekday = names.weekdays[match[1]]
        ahead = (weekday - reference.weekday()) % 7 or 7
        add(match.start(), match.end(), reference + timedelta(days=ahead))
    return sorted(found, key=lambda mention: mention.start)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve(day: int, month: int, year_text: str | None, reference: date) -> date | None:
    if year_text:
        year = int(year_text)
        return _safe_date(year + 2000 if year < 100 else year, month, day)
    earliest = reference - timedelta(days=7)
    for year in (reference.year, reference.year + 1):
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate >= earliest:
            return candidate
    return None


def _week_monday(week: int, reference: date) -> date | None:
    for year in (reference.year, reference.year + 1):
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            continue
        if monday >= reference - timedelta(days=7):
            return monday
    return None
