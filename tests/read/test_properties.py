"""Properties that must hold for any input: reading never crashes, threading loses nothing."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import SELLER, eml
from tystnad.model import Message, RawMessage, Skipped
from tystnad.pipeline import read_one
from tystnad.read.clean import clean
from tystnad.read.parse import parse
from tystnad.understand.threads import build_threads

HEADER_LINES = st.sampled_from([
    b"From: Anna <anna@kvarnbyn.se>", b"Date: Mon, 2 Mar 2026 09:30:00 +0100",
    b"Subject: =?utf-8?q?Offert_f=C3=B6r?=", b"Content-Type: multipart/alternative; boundary=b",
    b"Content-Transfer-Encoding: base64", b"Content-Type: text/html; charset=x-unknown",
    b"Message-ID: <a@b>", b"References: <a@b> <c@d>", b"--b", b"Date: garbage", b"",
])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_crash_the_reader(data: bytes) -> None:
    result = read_one(RawMessage(data=data, origin="fuzz"))
    assert isinstance(result, Message | Skipped)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HEADER_LINES, max_size=12), st.binary(max_size=2000))
def test_mail_shaped_garbage_never_crashes_the_reader(lines: list[bytes], tail: bytes) -> None:
    data = b"\r\n".join(lines) + b"\r\n\r\n" + tail
    result = read_one(RawMessage(data=data, origin="fuzz"))
    assert isinstance(result, Message | Skipped)


@settings(max_examples=200)
@given(st.text(max_size=2000))
def test_clean_never_crashes_and_is_idempotent(body: str) -> None:
    message = parse(RawMessage(data=eml(body="x"), origin="t"))
    from dataclasses import replace

    message = replace(message, body=body.replace("\r", "\n"))
    once = clean(message)
    assert clean(once) == once
    # Nothing the writer wrote disappears: new text, signature and quote come from the body.
    for part in (once.new_text, once.signature):
        for line in part.splitlines():
            assert line.strip() in message.body


def _mailbox(seed: int) -> list[Message]:
    rng = random.Random(seed)
    messages: list[Message] = []
    ids: list[str] = []
    subjects = ["Offert", "Pilot", "Avtal", "Mote"]
    for index in range(rng.randint(1, 25)):
        message_id = f"<m{seed}-{index}@x>"
        parent = rng.choice(ids) if ids and rng.random() < 0.7 else None
        drop_header = rng.random() < 0.2
        side = rng.choice(["anna@kvarnbyn.se", "erik@saljare.se", "bo@lagerhuset.se"])
        data = eml(sender=side, to="erik@saljare.se", message_id=message_id,
                   subject=("SV: " if parent else "") + rng.choice(subjects),
                   date=f"2026-03-{rng.randint(1, 28):02d} {rng.randint(8, 17):02d}:00",
                   in_reply_to=None if drop_header else parent,
                   references=() if drop_header or parent is None else (parent,))
        messages.append(clean(parse(RawMessage(data=data, origin=str(index)))))
        ids.append(message_id)
    return messages


@settings(max_examples=100)
@given(st.integers(min_value=0, max_value=10_000), st.randoms())
def test_every_message_lands_in_exactly_one_thread_whatever_the_order(
    seed: int, shuffler: random.Random
) -> None:
    messages = _mailbox(seed)
    threads = build_threads(messages, seller=SELLER)
    placed = [m.message_id for thread in threads for m in thread.messages]
    assert sorted(placed) == sorted(m.message_id for m in messages)
    shuffled = list(messages)
    shuffler.shuffle(shuffled)
    again = build_threads(shuffled, seller=SELLER)
    def shape(found: list) -> set[frozenset[str]]:  # type: ignore[type-arg]
        return {frozenset(m.message_id for m in t.messages) for t in found}
    assert shape(again) == shape(threads)
