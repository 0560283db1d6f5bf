"""Auto-replies and bounces recognised by subject, and an out-of-office text's return date."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import cache

from tystnad.language import languages
from tystnad.read.dates import find_dates

__all__ = ["is_auto_reply_subject", "is_bounce_subject", "find_return", "find_return_date"]

# How far before a date its marker may stand: "tillbaka på kontoret måndag den 16 mars".
_MARKER_REACH = 45


@cache
def _subject_pattern(kind: str) -> re.Pattern[str]:
    phrases = {
        phrase
        for lang in languages()
        for phrase in (lang.auto_reply_subjects if kind == "auto" else lang.bounce_subjects)
    }
    words = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    replies = "|".join(re.escape(p) for p in sorted({p for lang in languages() for p in lang.reply_prefixes},
                                                    key=len, reverse=True))
    # At the start ("Automatiskt svar: Offert", "AW: Abwesenheitsnotiz") or as a tag
    # ("Re: Offert [Out of Office]").
    return re.compile(rf"^\s*(?:(?:{replies})\s*:\s*)?(?:{words})\b|[\[(](?:{words})[\])]",
                      re.IGNORECASE)


def is_auto_reply_subject(subject: str) -> bool:
    return bool(_subject_pattern("auto").search(subject))


def is_bounce_subject(subject: str) -> bool:
    return bool(_subject_pattern("bounce").search(subject))


@cache
def _marker_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    def pattern(markers: set[str]) -> re.Pattern[str]:
        words = "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))
        return re.compile(rf"(?:^|[\s(,])(?:{words})(?=[\s:,.]|$)", re.IGNORECASE)

    back_on = pattern({marker for lang in languages() for marker in lang.return_on})
    away_until = pattern({marker for lang in languages() for marker in lang.away_until})
    return back_on, away_until


def find_return_date(text: str, *, sent: datetime) -> date | None:
    found = find_return(text, sent=sent)
    return None if found is None else found[0]


def find_return(text: str, *, sent: datetime) -> tuple[date, int] | None:
    """The first day the writer is back, and where in `text` it is said, when it is.

    A date after "tillbaka"/"back on" is the return day itself; a date after
    "till och med"/"until" is the last day away, so the return is the day after;
    a bare date is read as the end of the absence, the usual way such texts end.
    """
    reference = sent.date()
    mentions = [m for m in find_dates(text, reference=reference) if m.day >= reference]
    if not mentions:
        return None
    back_on, away_until = _marker_patterns()
    plain: list[tuple[date, int]] = []
    for mention in mentions:
        before = text[max(0, mention.start - _MARKER_REACH):mention.start]
        back = _last_match_end(back_on, before)
        until = _last_match_end(away_until, before)
        if back is None and until is None:
            plain.append((mention.day, mention.start))
        elif until is None or (back is not None and back > until):
            return mention.day, mention.start
        else:
            return mention.day + timedelta(days=1), mention.start
    last_day, position = max(plain)
    return last_day + timedelta(days=1), position


def _last_match_end(pattern: re.Pattern[str], text: str) -> int | None:
    ends = [match.end() for match in pattern.finditer(text)]
    return ends[-1] if ends else None
