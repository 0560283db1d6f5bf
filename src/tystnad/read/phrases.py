"""Phrase families found in text: inflection-, order- and typo-tolerant patterns from the language
files, with the verbatim span of each hit and whether a negation governs it."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache

from tystnad.language import languages
from tystnad.model import Hit
from tystnad.read.quotes import sentences

__all__ = ["Hit", "find_phrases", "fold"]

# Folding keeps one character for one character, so offsets in folded text are offsets in the original.
_FOLD = str.maketrans("åäöæøéèêëüáàíóúçÅÄÖÆØÉÈÊËÜÁÀÍÓÚÇ’", "aaoaoeeeeuaaioucaaoaoeeeeuaaiouc'")
_TOKEN = re.compile(r"[\w][\w'-]*")
_GAP = 3  # "~" in a pattern: up to this many words between
_NEGATION_REACH = 3  # a negation this many words before a hit (or inside it) governs it


def fold(text: str) -> str:
    return text.translate(_FOLD).lower()


@dataclass(frozen=True, slots=True)
class _Pattern:
    family: str
    words: tuple[str, ...]  # folded; "x*" a prefix, "~" a gap
    together: tuple[str, ...] = ()  # "budget* & cut*": these words anywhere in the same sentence
    # Whole words after the first that the sentence must hold: a cheap test before matching.
    required: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Book:
    by_word: dict[str, tuple[_Pattern, ...]]
    by_prefix: dict[str, tuple[_Pattern, ...]]  # keyed by the prefix's first (up to) three letters
    negations: frozenset[str]
    together_by_word: dict[str, tuple[_Pattern, ...]]  # co-occurrence patterns, by their first word
    together_by_prefix: dict[str, tuple[_Pattern, ...]]


@cache
def _book() -> _Book:
    by_word: dict[str, list[_Pattern]] = defaultdict(list)
    by_prefix: dict[str, list[_Pattern]] = defaultdict(list)
    negations: set[str] = set()
    known: set[_Pattern] = set()
    together_by_word: dict[str, list[_Pattern]] = defaultdict(list)
    together_by_prefix: dict[str, list[_Pattern]] = defaultdict(list)
    for lang in languages():
        for family, patterns in lang.phrases.items():
            if family == "negations":
                negations.update(fold(word) for word in patterns)
                continue
            for pattern in patterns:
                if "&" in pattern:
                    parts = tuple(fold(part).strip() for part in pattern.split("&"))
                    anchor = parts[0]
                    is_prefix = anchor.endswith("*")
                    target = together_by_prefix[anchor[:-1][:3]] if is_prefix else together_by_word[anchor]
                    target.append(_Pattern(family=family, words=(), together=parts))
                    continue
                words = tuple(fold(pattern).split())
                required = frozenset(w for w in words[1:] if w != "~" and not w.endswith("*"))
                compiled = _Pattern(family=family, words=words, required=required)
                if compiled in known:
                    continue  # "återkomm*" and "aterkomm*" fold to one pattern
                known.add(compiled)
                first = words[0]
                if first.endswith("*"):
                    by_prefix[first[:-1][:3]].append(compiled)
                else:
                    by_word[first].append(compiled)
    return _Book(
        by_word={key: tuple(value) for key, value in by_word.items()},
        by_prefix={key: tuple(value) for key, value in by_prefix.items()},
        negations=frozenset(negations),
        together_by_word={key: tuple(value) for key, value in together_by_word.items()},
        together_by_prefix={key: tuple(value) for key, value in together_by_prefix.items()},
    )


@lru_cache(maxsize=1 << 16)
def _candidates(token: str) -> tuple[tuple[_Pattern, ...], tuple[_Pattern, ...]]:
    """Patterns whose first word matches `token`, and co-occurrence patterns it anchors.
    Memoised: a mailbox uses a few thousand distinct words over and over."""
    book = _book()
    # Prefixes are indexed by up to three letters; "ny*" by two.
    starting = (*book.by_word.get(token, ()), *book.by_prefix.get(token[:3], ()),
                *book.by_prefix.get(token[:2], ()))
    anchoring = (*book.together_by_word.get(token, ()), *book.together_by_prefix.get(token[:3], ()),
                 *book.together_by_prefix.get(token[:2], ()))
    return (tuple(p for p in starting if _word_matches(p.words[0], token)),
            tuple(p for p in anchoring if _word_matches(p.together[0], token)))


def _word_matches(pattern_word: str, token: str) -> bool:
    if pattern_word.endswith("*"):
        return token.startswith(pattern_word[:-1])
    return token == pattern_word


def _match(words: tuple[str, ...], tokens: list[str], at: int) -> list[int] | None:
    """Indexes of the tokens the pattern's words matched, or None. `~` tries the shortest gap first."""
    matched: list[int] = []
    index, position = 0, at
    while index < len(words):
        word = words[index]
        if word == "~":
            following = words[index + 1]
            for skip in range(_GAP + 1):
                candidate = position + skip
                if candidate < len(tokens) and _word_matches(following, tokens[candidate]):
                    rest = _match(words[index + 1 :], tokens, candidate)
                    if rest is not None:
                        return matched + rest
            return None
        if position >= len(tokens) or not _word_matches(word, tokens[position]):
            return None
        matched.append(position)
        index += 1
        position += 1
    return matched


def find_phrases(text: str, families: frozenset[str] | None = None, *, folded: str | None = None) -> list[Hit]:
    """Every phrase-family hit in `text`, sentence by sentence, in order (`folded`: fold(text),
    when the caller has it already)."""
    book = _book()
    folded = fold(text) if folded is None else folded
    hits: list[Hit] = []
    seen: set[tuple[str, int]] = set()
    for sentence_start, sentence_end in sentences(text):
        spans = [(m.start(), m.end()) for m in _TOKEN.finditer(folded[sentence_start:sentence_end])]
        tokens = [folded[sentence_start + a : sentence_start + b] for a, b in spans]
        anchored: dict[_Pattern, None] = {}  # ordered, so the same text always gives the same hits
        present = set(tokens)
        for at, token in enumerate(tokens):
            starting, anchoring = _candidates(token)
            if anchoring:
                anchored.update(dict.fromkeys(anchoring))
            for pattern in starting:
                if families is not None and pattern.family not in families:
                    continue
                # Single words are most patterns, and their word already matched.
                if len(pattern.words) == 1:
                    matched: list[int] | None = [at]
                elif pattern.required <= present:
                    matched = _match(pattern.words, tokens, at)
                else:
                    continue
                if matched is None or (pattern.family, at + sentence_start) in seen:
                    continue
                seen.add((pattern.family, at + sentence_start))
                end = matched[-1] + 1
                # Negation words before the hit or in its gaps govern it; the pattern's own do not
                # ("has not answered" is a hit, "budgeten är inte fryst" a negated one).
                reach = [tokens[i] for i in range(max(0, at - _NEGATION_REACH), end) if i not in matched]
                hits.append(Hit(
                    family=pattern.family,
                    start=sentence_start + spans[at][0],
                    end=sentence_start + spans[end - 1][1],
                    sentence_start=sentence_start,
                    sentence_end=sentence_end,
                    negated=any(word in book.negations for word in reach),
                ))
        for pattern in anchored:
            if families is not None and pattern.family not in families:
                continue
            hit = _together(pattern, tokens, spans, sentence_start, sentence_end, book)
            if hit is not None and (pattern.family, hit.start) not in seen:
                seen.add((pattern.family, hit.start))
                hits.append(hit)
    return _without_exceptions(hits)


def _together(pattern: _Pattern, tokens: list[str], spans: list[tuple[int, int]], sentence_start: int,
              sentence_end: int, book: _Book) -> Hit | None:
    """All of the pattern's words somewhere in the sentence ("budgeten för i år har vi fått
    skära ned" and "we've had to cut the budget" alike); the hit spans first to last."""
    positions = []
    for word in pattern.together:
        found = next((i for i, token in enumerate(tokens) if _word_matches(word, token)), None)
        if found is None:
            return None
        positions.append(found)
    first, last = min(positions), max(positions)
    reach = [tokens[i] for i in range(max(0, first - _NEGATION_REACH), last + 1) if i not in positions]
    return Hit(family=pattern.family, start=sentence_start + spans[first][0],
               end=sentence_start + spans[last][1], sentence_start=sentence_start,
               sentence_end=sentence_end, negated=any(word in book.negations for word in reach))


def _without_exceptions(hits: list[Hit]) -> list[Hit]:
    """A family "x_except" names readings of x that are not x ("not sure how the process works"
    is not hesitation); its hits remove the x hits they overlap, and are not returned."""
    exceptions = [hit for hit in hits if hit.family.endswith("_except")]
    if not exceptions:
        return hits
    kept = []
    for hit in hits:
        if hit.family.endswith("_except"):
            continue
        if any(e.family == hit.family + "_except" and e.start < hit.end and hit.start < e.end
               for e in exceptions):
            continue
        kept.append(hit)
    return kept
