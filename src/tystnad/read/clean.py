"""Message -> Message: the writer's new text apart from quoted history and signature; auto-replies known.

Client quoting formats and sign-offs come from the language files; every
language's formats apply to every message, because the attribution is written
in the language of the client's interface, not of the writer.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import cache
from itertools import accumulate

from tystnad.language import languages
from tystnad.model import Message
from tystnad.read.absence import find_return_date, is_auto_reply_subject, is_bounce_subject

__all__ = ["clean", "split_history", "split_signature"]

_PROSE_END = re.compile(r"[.!?]\s*$")
_TIME_OR_DATE = re.compile(r"\d{1,2}[:.]\d{2}|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}")
_RULE = re.compile(r"^\s*[-_=*]{8,}\s*$")
_SLASH_NAME = re.compile(r"^/\s*\w[\w .-]{0,30}$")
_BLANKS = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class _Patterns:
    attribution: re.Pattern[str]
    header_from: re.Pattern[str]
    header_any: re.Pattern[str]
    separator: re.Pattern[str]
    sign_offs: frozenset[str]
    mobile_footers: tuple[str, ...]
    footer: re.Pattern[str]
    markings: frozenset[str]
    inline_separator: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    langs = languages()

    def alternatives(words: set[str]) -> str:
        return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))

    verbs = alternatives({verb for lang in langs for verb in lang.attribution_verbs})
    from_fields = alternatives({field for lang in langs for field in lang.header_from})
    all_fields = alternatives({
        field
        for lang in langs
        for group in (lang.header_from, lang.header_sent, lang.header_to, lang.header_cc,
                      lang.header_subject)
        for field in group
    })
    separators = alternatives({sep for lang in langs for sep in lang.separators})
    return _Patterns(
        # "On Tue, Jan 13, 2026 at 9:05 AM Erik <e@x> wrote:" / "Den 2026-01-13 kl. 09:05, skrev Erik:"
        # Searched only in lines that end with ":", so no pattern here can backtrack badly.
        attribution=re.compile(rf"\b(?:{verbs})\b", re.IGNORECASE),
        header_from=re.compile(rf"^\s*\*?(?:{from_fields})\s*:\*?\s*\S", re.IGNORECASE),
        header_any=re.compile(rf"^\s*\*?(?:{all_fields})\s*:", re.IGNORECASE),
        separator=re.compile(rf"[\s\-_=*>]*(?:{separators})\b", re.IGNORECASE),
        sign_offs=frozenset(
            _sign_off_key(sign_off) for lang in langs for sign_off in lang.sign_offs
        ),
        mobile_footers=tuple(
            footer.casefold() for lang in langs for footer in lang.mobile_footers
        ),
        # Lower-cased phrases searched in lower-cased text: a case-blind alternation of many phrases
        # is several times slower in Python's re, and a long newsletter pays it on every scan.
        footer=re.compile(alternatives({footer.lower() for lang in langs for footer in lang.footers}) or "(?!)"),
        markings=frozenset(_marking_key(marking) for lang in langs for marking in lang.markings),
        # Outlook's rule inside a line, where a client lost the line breaks ("…says!??-----Original
        # Message-----?From: …"): dashes on both sides, or it is prose naming the words.
        inline_separator=re.compile(rf"-{{3,}}[ \t]*(?:{separators})[ \t]*-{{3,}}", re.IGNORECASE),
    )


def _marking_key(line: str) -> str:
    return line.strip().strip("*_[]()<>:.!- ").casefold()


def clean(message: Message) -> Message:
    """Idempotent: everything is derived from the unchanged body and headers."""
    lines = message.body.split("\n")
    new_lines, quoted_lines = split_history(lines)
    text_lines, signature_lines = split_signature(new_lines, sender_name=message.sender.name)
    text_lines, marked = _set_aside_markings(text_lines)
    signature_lines += marked
    new_text = _BLANKS.sub("\n\n", "\n".join(text_lines)).strip()
    is_auto_reply = message.is_auto_reply or is_auto_reply_subject(message.subject)
    is_bounce = message.is_bounce or is_bounce_subject(message.subject)
    return replace(
        message,
        is_cleaned=True,
        new_text=new_text,
        signature="\n".join(signature_lines).strip(),
        quoted="\n".join(quoted_lines).strip(),
        is_auto_reply=is_auto_reply and not is_bounce,
        is_bounce=is_bounce,
        return_date=(
            find_return_date(new_text or message.body, sent=message.date)
            if is_auto_reply and not is_bounce
            else None
        ),
    )


def _set_aside_markings(lines: list[str]) -> tuple[list[str], list[str]]:
    """(the writer's lines, legal markings alone on a line: "Privileged and Confidential")."""
    markings = _patterns().markings
    kept: list[str] = []
    marked: list[str] = []
    for line in lines:
        (marked if line.strip() and _marking_key(line) in markings else kept).append(line)
    return kept, marked


def split_history(lines: list[str]) -> tuple[list[str], list[str]]:
    """(new lines, quoted lines). History under an Outlook block or separator is cut
    whole; `>`-quoted history keeps the writer's interleaved (inline) answers."""
    lines = _split_inline_separator(lines)
    patterns = _patterns()
    cut, quote_style = _find_cut(lines, patterns)
    if cut is None:
        return _drop_quoted(lines)
    if quote_style:
        attribution_end = cut + 1
        while attribution_end < len(lines) and not _is_quoted(lines[attribution_end]):
            if lines[attribution_end].strip() and not lines[attribution_end].rstrip().endswith(":"):
                break
            attribution_end += 1
        head, head_quoted = _drop_quoted(lines[:cut])
        tail, tail_quoted = _drop_quoted(lines[attribution_end:])
        # The rest may still end in an Outlook block below the inline answers.
        tail_new, tail_history = split_history(tail) if tail else ([], [])
        return head + tail_new, head_quoted + lines[cut:attribution_end] + tail_quoted + tail_history
    head, head_quoted = _drop_quoted(lines[:cut])
    return head, head_quoted + lines[cut:]


def _split_inline_separator(lines: list[str]) -> list[str]:
    """The first line holding Outlook's rule after words of its own, split in two at the rule."""
    pattern = _patterns().inline_separator
    for index, line in enumerate(lines):
        if "---" not in line or _is_quoted(line):
            continue  # most lines hold no rule at all: no search
        found = pattern.search(line)
        if found and line[:found.start()].strip():
            at = found.start()
            return [*lines[:index], line[:at].rstrip(), line[at:], *lines[index + 1:]]
    return lines


def _find_cut(lines: list[str], patterns: _Patterns) -> tuple[int | None, bool]:
    """The first line where quoted history begins, and whether `>` quoting follows it."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or _is_quoted(line):
            continue
        if patterns.separator.match(line) and _looks_like_separator(stripped):
            return index, False
        if patterns.header_from.match(line) or patterns.header_any.match(line):
            block_start = _header_block_start(lines, index, patterns)
            if block_start is not None:
                return block_start, False
        attribution_end = _attribution_end(lines, index, patterns)
        if attribution_end is not None:
            following = next((later for later in lines[attribution_end + 1:] if later.strip()), "")
            return index, _is_quoted(following)
    return None, False


def _looks_like_separator(stripped: str) -> bool:
    # "-----Original Message-----", "Begin forwarded message:", "--- Forwarded by X on ... ---"
    return stripped.startswith(("-", "_", "=", "*")) or stripped.endswith(":") or len(stripped) < 40


def _header_block_start(lines: list[str], index: int, patterns: _Patterns) -> int | None:
    """Outlook/Notes history: at least three header fields within five lines, the first
    being From (or To/cc for Lotus Notes). One "Från:" line in prose is not a block."""
    window = lines[index:index + 6]
    fields = sum(1 for line in window if patterns.header_any.match(line))
    has_from = bool(patterns.header_from.match(lines[index]))
    if fields < 3 and not (has_from and fields >= 2 and _has_date_field(window, patterns)):
        return None
    start = index
    # Pull in the Outlook rule or the Notes "Name / 01/05/2001 02:32 PM" lines above the block.
    for _ in range(3):
        previous = start - 1
        if previous < 0:
            break
        above = lines[previous].strip()
        if not above:
            if previous - 1 >= 0 and _RULE.match(lines[previous - 1]):
                start = previous - 1
                continue
            break
        if _RULE.match(above) or (not has_from and _TIME_OR_DATE.search(above) and len(above) < 80):
            start = previous
            continue
        if not has_from and len(above) < 60 and start != index:
            start = previous
            continue
        break
    return start


def _has_date_field(window: list[str], patterns: _Patterns) -> bool:
    return any(patterns.header_any.match(line) and _TIME_OR_DATE.search(line) for line in window)


def _attribution_end(lines: list[str], index: int, patterns: _Patterns) -> int | None:
    """Index of the attribution's last line: one line, or two when a client wrapped it."""
    line = lines[index].rstrip()
    if len(line) > 400:
        return None
    if line.endswith(":"):
        if patterns.attribution.search(line) and _names_someone(line):
            return index
        return None
    if index + 1 < len(lines):
        following = lines[index + 1].strip()
        joined = line + " " + following
        if (
            following.endswith(":")
            and len(following) < 120
            and patterns.attribution.search(joined)
            and _names_someone(joined)
        ):
            return index + 1
    return None


def _names_someone(line: str) -> bool:
    # A real attribution carries a date/time or an address; prose ending in "wrote:" does not.
    return "@" in line or bool(re.search(r"\d", line))


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _drop_quoted(lines: list[str]) -> tuple[list[str], list[str]]:
    kept: list[str] = []
    quoted: list[str] = []
    for line in lines:
        (quoted if _is_quoted(line) else kept).append(line)
    return kept, quoted


def split_signature(lines: list[str], *, sender_name: str = "") -> tuple[list[str], list[str]]:
    """(text lines, signature lines): the signature starts at a sign-off, a `-- ` line, a
    phone footer or the sender's own name, when what follows is not more prose."""
    patterns = _patterns()
    names = _own_names(sender_name)
    end = len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    # A disclaimer or a list's footer goes first, so the sign-off above it is found as usual.
    last = _footer_start(lines, end, patterns)
    if last < end and _looks_like_rule(lines[last - 1].strip()):
        last -= 1
    footer = lines[last:end]
    while last > 0 and not lines[last - 1].strip():
        last -= 1
    for index in range(last):
        stripped = lines[index].strip()
        if not stripped:
            continue
        folded = stripped.casefold()
        if stripped in ("--", "-- ") or lines[index] == "-- ":
            return lines[:index], [*lines[index:last], *footer]
        if folded.startswith(patterns.mobile_footers):
            return lines[:index], [*lines[index:last], *footer]
        is_own_name = _sign_off_key(stripped).lstrip("/ ") in names
        if (is_own_name or _is_sign_off(stripped, patterns)) and _signature_follows(
            lines[index + 1:last]
        ):
            return lines[:index], [*lines[index:last], *footer]
    return lines[:last], footer


def _looks_like_rule(stripped: str) -> bool:
    """"____________" or "-----": the line a list or a disclaimer draws above itself."""
    return len(stripped) >= 5 and set(stripped) <= set("_-=*~")


_QUESTION = re.compile(r"\?(?:\s|$)")


def _footer_start(lines: list[str], end: int, patterns: _Patterns) -> int:
    """Where a disclaimer, list or marketing footer starts (`end` if none): the first line after the
    first that holds a footer phrase, with no question in what follows (a customer asking about
    "this mailing list" still asks). One search over the text, not one per line: the phrases never
    cross a line."""
    text = _lower("\n".join(lines[:end]))
    first = patterns.footer.search(text)
    if first is None:
        return end
    last_question = max((i for i, line in enumerate(lines) if _asks(line, patterns)), default=-1)
    starts = list(accumulate((len(line) + 1 for line in lines[:end - 1]), initial=0))
    for match in patterns.footer.finditer(text, first.start()):
        index = bisect_right(starts, match.start()) - 1
        if index >= 1 and index > last_question:
            return index
    return end


def _asks(line: str, patterns: _Patterns) -> bool:
    """A question of the writer's: not a link's query string, nor a footer line that is all footer
    ("Do You Yahoo!?"); "Is this mailing list the right place to ask?" still asks."""
    if not _QUESTION.search(line):
        return False
    found = patterns.footer.search(_lower(line))
    return found is None or len(found.group(0)) < 0.6 * len(line.strip())


def _lower(text: str) -> str:
    """Lower case with every offset kept: the rare letter whose lower case is longer ("İ") is
    left as it is."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _own_names(sender_name: str) -> frozenset[str]:
    """The sender's full name and first name, as they sign a mail ("Lotte", "Lotte Jansen")."""
    name = sender_name.strip().strip('"')
    if "," in name:  # "Jansen, Lotte" as directories write it
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}"
    words = name.split()
    if not words:
        return frozenset()
    return frozenset({name.casefold(), words[0].casefold()})


def _sign_off_key(text: str) -> str:
    return text.strip().rstrip(",.!:;-– ").casefold()


def _is_sign_off(stripped: str, patterns: _Patterns) -> bool:
    key = _sign_off_key(stripped)
    if key in patterns.sign_offs:
        return True
    # Bilingual sign-offs: "Groet / Kind regards", "Mvh / Best regards".
    if "/" in key and any(_sign_off_key(part) in patterns.sign_offs for part in key.split("/")):
        return True
    if _SLASH_NAME.match(stripped):
        return True  # Swedish "/Anna"
    # "Mvh Anna", "Best, John", "Thanks, Anna": a sign-off and a name on one line.
    words = key.replace(",", " ").split()
    for size in (3, 2, 1):
        fits = len(words) > size and len(words) - size <= 2
        if fits and " ".join(words[:size]) in patterns.sign_offs and stripped[0].isupper():
            return not _PROSE_END.search(stripped)
    return False


def _signature_follows(rest: list[str]) -> bool:
    """Names, titles, companies and phone numbers; not sentences of a message."""
    lines = [line.strip() for line in rest if line.strip()]
    if len(lines) > 40:
        return False
    return not any(_is_prose(line) for line in lines[:4])


def _is_prose(line: str) -> bool:
    # A sentence has many lower-case words; "COO | Van der Linde Transport B.V." has few.
    if line.endswith("?"):
        return True
    words = line.split()
    lower = sum(1 for word in words if word.isalpha() and word.islower())
    return len(words) >= 7 and lower >= 4 and bool(_PROSE_END.search(line))
