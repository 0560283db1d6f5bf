"""Business time in the customer's country and zone, and the customer's own rhythm."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tystnad.understand.timing import DEFAULT_RHYTHM_DAYS, calendar_for, learn_rhythm

SE = calendar_for("SE", "Europe/Stockholm")
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(text: str, zone: ZoneInfo = STOCKHOLM) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


@pytest.mark.parametrize("day", ["2026-06-19", "2026-12-24", "2026-12-31", "2026-04-03",
                                 "2026-05-01", "2026-01-06"])
def test_swedish_holidays_and_eves_are_not_business_days(day: str) -> None:
    # midsommarafton, julafton, nyårsafton, långfredag, första maj, trettondagen
    assert not SE.is_business_day(date.fromisoformat(day))


def test_friday_afternoon_to_monday_morning_is_under_a_business_day() -> None:
    assert SE.business_days_between(at("2026-03-06 16:00"), at("2026-03-09 10:00")) == (
        pytest.approx(8 / 24 + 10 / 24))


def test_midsummer_week_counts_only_working_days() -> None:
    # Thursday 18 June to Tuesday 23 June 2026: Friday is midsommarafton.
    days = SE.business_days_between(at("2026-06-18 09:00"), at("2026-06-23 09:00"))
    assert days == pytest.approx(2.0)


def test_latency_is_measured_in_the_customers_zone() -> None:
    london = calendar_for("GB", "Europe/London")
    # 23:30 Friday in Stockholm is still Friday in London; 00:30 Saturday in Stockholm is not.
    start = at("2026-03-06 22:00")
    assert london.business_days_between(start, at("2026-03-06 23:30")) > 0
    assert SE.business_days_between(at("2026-03-07 00:30"), at("2026-03-08 12:00")) == 0


def test_week_long_spans_match_day_by_day_counting() -> None:
    start, end = at("2025-12-01 09:00"), at("2026-02-02 09:00")
    day, expected = start.date(), 0
    while day < end.date():
        expected += SE.is_business_day(day)
        day = date.fromordinal(day.toordinal() + 1)
    assert SE.business_days_between(start, end) == pytest.approx(expected)


def test_rhythm_prefers_the_customers_own_replies() -> None:
    rhythm = learn_rhythm([0.5, 1.0, 1.5], [3.0] * 50)
    assert rhythm.source == "customer" and rhythm.median == pytest.approx(1.0)


def test_a_fading_customers_latest_slow_reply_does_not_become_their_norm() -> None:
    rhythm = learn_rhythm([0.2, 0.5, 0.8, 9.0, 11.0], [])
    assert rhythm.median == pytest.approx(0.65)


def test_rhythm_falls_back_to_the_mailbox_then_to_the_default() -> None:
    assert learn_rhythm([0.5], [3.0] * 50).source == "mailbox"
    default = learn_rhythm([], [])
    assert default.source == "default" and default.median == DEFAULT_RHYTHM_DAYS


def test_silence_threshold_never_calls_a_normal_week_silent() -> None:
    assert learn_rhythm([0.1, 0.1, 0.1], []).silence_threshold >= 3.0
