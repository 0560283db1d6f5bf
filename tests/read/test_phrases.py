"""Phrase families and time expressions: robust to inflection, word order, typos and negation."""

from __future__ import annotations

from datetime import date

import pytest

from tystnad.read.phrases import find_phrases
from tystnad.read.timewords import find_moments


def families(text: str, *, negated: bool = False) -> set[str]:
    return {hit.family for hit in find_phrases(text) if hit.negated == negated}


@pytest.mark.parametrize("text", [
    "Jag återkommer.", "Vi återkommer när vi vet mer.", "Jag hör av mig.", "Då hör jag av mig.",
    "Vi återkopplar så snart vi kan.", "Aterkommer!", "Jag återkomer", "Will revert.",
    "Leave it with me.", "I'll get back to you.", "We will be in touch.",
])
def test_vague_deferrals_in_many_shapes(text: str) -> None:
    assert "vague_deferral" in families(text)


@pytest.mark.parametrize("text", ["Budgeten är inte fryst.", "We have no budget freeze at all."])
def test_negated_concerns_are_marked(text: str) -> None:
    assert "budget_pressure" not in families(text)


def test_a_pattern_that_contains_its_own_negation_is_not_negated() -> None:
    assert "needs_approval" in families("Sorry, Peter has not answered yet.")


def test_exception_families_remove_false_readings() -> None:
    assert "hesitation" not in families("I am not sure how the process normally works.")
    assert "hesitation" in families("We are not sure this is the right decision for us.")


def test_hits_point_at_the_words_in_the_original_text() -> None:
    text = "Hej!\n\nVi har tyvärr fått en ny VD och allt är osäkert."
    for hit in find_phrases(text):
        assert text[hit.start:hit.end].strip()
        assert text[hit.sentence_start:hit.sentence_end] in text
    assert {"internal_change", "hesitation"} <= families(text)


WEDNESDAY = date(2026, 2, 18)


@pytest.mark.parametrize(("text", "day"), [
    ("Jag återkommer på fredag.", date(2026, 2, 20)),
    ("I'll get back to you on Friday.", date(2026, 2, 20)),
    ("Vi hörs nästa vecka.", date(2026, 2, 27)),
    ("Let's speak next week.", date(2026, 2, 27)),
    ("Jag återkommer i slutet av månaden.", date(2026, 2, 28)),
    ("Hör av dig efter sommaren.", date(2026, 8, 15)),
    ("Vi tar det efter semestern.", date(2026, 8, 15)),
    ("Kan vi ta det i maj?", date(2026, 5, 1)),
    ("Let's revisit in Q3.", date(2026, 7, 1)),
    ("Vi tar det efter sportlovet.", date(2026, 3, 2)),
    ("We can pick this up after Easter.", date(2026, 4, 7)),
    ("Kontakta mig om tre månader.", date(2026, 5, 19)),
    ("Please come back in two weeks.", date(2026, 3, 4)),
    ("Vi ses den 16 mars kl 10.", date(2026, 3, 16)),
])
def test_time_expressions_resolve_against_the_message_date(text: str, day: date) -> None:
    moments = find_moments(text, sent=WEDNESDAY)
    assert moments and moments[0].day == day
    assert text[moments[0].start:moments[0].end].strip()


def test_an_event_without_a_date_is_no_moment() -> None:
    text = "We will decide after the board meets."
    assert find_moments(text, sent=WEDNESDAY) == []
    assert "event_deferral" in families(text)
