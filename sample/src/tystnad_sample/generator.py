"""Generate a realistic sample mailbox for a B2B seller, streamed to disk.

Deals are planned up front only as far as their first message's time. A deal's
full plan and conversation state exist only while it is active, and messages of
all deals are merged by time, so memory follows the number of open deals, not
the size of the mailbox. Large mailboxes are rendered by worker processes, each
owning a share of the deals; merging their time-ordered streams gives the same
bytes as one process would.
"""

from __future__ import annotations

import heapq
import multiprocessing
import os
import traceback
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from pathlib import Path
from queue import Empty
from random import Random

from tystnad_sample.conversation import DealRun
from tystnad_sample.lexicon import lexicons
from tystnad_sample.output import FORMATS, Rendered, open_sink
from tystnad_sample.plan import DealSeed, World, deal_seeds, plan_deal

_PARALLEL_FROM = 20_000  # below this, starting processes costs more than it saves
_BATCH = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class GeneratedMailbox:
    path: Path
    messages: int  # messages written
    deals: int
    seller_domain: str  # "norrsken.se"


def iter_messages(
    *, deals: int, messages: int, seed: int, now: datetime, workers: int | None = None
) -> Generator[Rendered, None, None]:
    """Every message of the mailbox in date order, produced one at a time.

    workers=None picks one process for small mailboxes and up to four for large ones;
    the messages are the same whatever the number.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if deals < 1 or not 2 * deals <= messages <= 40 * deals:
        raise ValueError("need at least one deal and 2 to 40 messages per deal")
    if workers is None:
        workers = min(4, _cpus()) if messages >= _PARALLEL_FROM else 1
    workers = max(1, min(workers, deals))
    # Workers are forked so they share the loaded language files; without fork, or inside
    # a daemon process (which may not have children), everything runs here.
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if workers == 1 or not forkable or multiprocessing.current_process().daemon:
        return _stream(deals, messages, seed, now, 0, 1)
    return _parallel(deals, messages, seed, now, workers)


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _stream(
    deals: int, messages: int, seed: int, now: datetime, part: int, parts: int
) -> Generator[Rendered, None, None]:
    """The messages of the deals whose index is `part` modulo `parts`, in date order."""
    rng = Random(seed)
    world = World.create(now.astimezone(UTC), rng)
    seeds: list[DealSeed] = deal_seeds(rng, deals, messages)
    heap = [
        (plan_deal(ds, world).steps[0].at.timestamp(), ds.index)
        for ds in seeds
        if ds.index % parts == part
    ]
    heapq.heapify(heap)
    active: dict[int, DealRun] = {}
    while heap:
        _, index = heapq.heappop(heap)
        run = active.get(index)
        if run is None:
            run = active[index] = DealRun(plan_deal(seeds[index], world))
        yield run.render_next()
        upcoming = run.next_time()
        if upcoming is None:
            del active[index]
        else:
            heapq.heappush(heap, (upcoming.timestamp(), index))


def _work(
    queue: Queue[list[Rendered] | str | None],
    deals: int,
    messages: int,
    seed: int,
    now: datetime,
    part: int,
    parts: int,
) -> None:
    try:
        batch: list[Rendered] = []
        for message in _stream(deals, messages, seed, now, part, parts):
            batch.append(message)
            if len(batch) == _BATCH:
                queue.put(batch)
                batch = []
        queue.put(batch)
        queue.put(None)
    except BaseException:  # the parent must hear of any failure, or it waits forever
        queue.put(traceback.format_exc())


def _drain(queue: Queue[list[Rendered] | str | None], proc: BaseProcess) -> Iterator[Rendered]:
    while True:
        try:
            batch = queue.get(timeout=5)
        except Empty:
            if proc.is_alive():
                continue
            # A worker killed from outside (out of memory, a signal) sends nothing more.
            raise RuntimeError(f"sample mailbox worker exited with code {proc.exitcode}") from None
        if batch is None:
            return
        if isinstance(batch, str):
            raise RuntimeError(f"sample mailbox worker failed:\n{batch}")
        yield from batch


def _parallel(
    deals: int, messages: int, seed: int, now: datetime, parts: int
) -> Generator[Rendered, None, None]:
    ctx = multiprocessing.get_context("fork")
    # Bounded queues keep memory flat when the writer is slower than the workers.
    queues: list[Queue[list[Rendered] | str | None]] = [ctx.Queue(maxsize=8) for _ in range(parts)]
    procs = [
        ctx.Process(target=_work, args=(q, deals, messages, seed, now, part, parts), daemon=True)
        for part, q in enumerate(queues)
    ]
    for proc in procs:
        proc.start()
    try:
        # Within a deal times strictly increase and deals never share a partition, so this
        # is the order a single process produces.
        streams = [_drain(q, proc) for q, proc in zip(queues, procs, strict=True)]
        yield from heapq.merge(*streams, key=lambda m: (m.sent.timestamp(), m.deal))
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()
        for q in queues:
            q.close()


def generate_mailbox(
    out: Path,
    *,
    deals: int,
    messages: int,
    seed: int = 1,
    now: datetime,
    fmt: str = "mbox",
) -> GeneratedMailbox:
    """Write a sample mailbox of about `messages` messages over `deals` customer deals.

    fmt is "mbox", "mbox.gz", "maildir" or "eml"; the same seed gives the same bytes.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown mailbox format {fmt!r}; use one of {', '.join(FORMATS)}")
    stream = iter_messages(deals=deals, messages=messages, seed=seed, now=now)
    sink = open_sink(fmt, out, now)
    written = 0
    try:
        for message in stream:
            sink.add(message)
            written += 1
    finally:
        sink.close()
    return GeneratedMailbox(
        path=out, messages=written, deals=deals, seller_domain=lexicons()[0].seller_domain
    )
