"""Spans of a text already claimed by an earlier match, so a later pattern cannot claim them again.

A long mail (a price list, a newsletter of dates) has hundreds of matches: checking each new one
against every earlier one was quadratic and the costliest step of reading such mail."""

from __future__ import annotations

from bisect import bisect_left, insort

__all__ = ["Claimed"]


class Claimed:
    """Non-overlapping (start, end) spans, kept sorted: a claim is a binary search, not a scan."""

    __slots__ = ("_starts", "_ends")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def claim(self, start: int, end: int) -> bool:
        """Claim [start, end) when it overlaps no earlier claim; True when it did."""
        # Spans never overlap, so their ends rise with their starts: of those starting before `end`,
        # the last one reaches furthest.
        index = bisect_left(self._starts, end)
        if index and self._ends[index - 1] > start:
            return False
        insort(self._starts, start)
        self._ends.insert(index, end)
        return True
