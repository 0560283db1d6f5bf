"""Composes the stages: read (sources -> parse -> clean -> phrase and time reading), understand
(threads -> deals -> diagnosis) and act (the play and its draft). The only place that knows their
order; reading runs in worker processes in bounded batches, and large mailboxes judge deals in parallel."""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from multiprocessing.pool import AsyncResult
from pathlib import Path

from tystnad.act.playbook import recommend, vary
from tystnad.model import (
    Deal,
    Diagnosis,
    Hit,
    Message,
    Moment,
    PlayKind,
    RawMessage,
    ScanResult,
    Seller,
    Skipped,
    Status,
)
from tystnad.read.clean import clean
from tystnad.read.parse import UnreadableMessage, parse
from tystnad.read.reading import read, trim
from tystnad.read.sources import load, open_sources
from tystnad.read.sources.files import MailFile, mail_files, read_file
from tystnad.store.index import FileState, MessageIndex
from tystnad.understand.decide import DecisionModel, decide, shipped_model
from tystnad.understand.diagnosis import ScanContext, deal_latencies, diagnose, mailbox_language
from tystnad.understand.parties import is_conversation, seller_side
from tystnad.understand.risk import RiskModel, prior_model
from tystnad.understand.threads import build_threads, group_deals
from tystnad.understand.timing import mailbox_norm

__all__ = ["Mailbox", "ScanResult", "index_version", "indexed_messages", "judge", "read_deals", "read_messages",
           "scan", "urgency"]

BATCH = 1000  # messages handed to a worker at once
# Below this many messages a process pool costs more than it saves.
POOL_THRESHOLD = 400

Progress = Callable[[int], None]


def read_one(raw: RawMessage, *, text: bool = True) -> Message | Skipped:
    """Parse and clean one message, and read its text (`text`), or leave that to `read_text` for
    the messages that turn out to belong to a deal. The one broad guard in tystnad: one broken
    message must never stop a mailbox scan, whatever it breaks inside the stdlib."""
    try:
        if raw.location is not None:
            raw = RawMessage(data=load(raw), origin=raw.origin)
        return (read if text else trim)(clean(parse(raw)))
    except UnreadableMessage as error:
        return Skipped(origin=raw.origin, reason=str(error))
    except Exception as error:  # noqa: BLE001
        return Skipped(origin=raw.origin, reason=f"unreadable ({type(error).__name__}: {error})")


def _read_batch(batch: list[RawMessage], text: bool) -> list[Message | Skipped]:
    return [read_one(raw, text=text) for raw in batch]


def _batches(items: Iterable[RawMessage | Skipped]) -> Iterator[list[RawMessage | Skipped]]:
    batch: list[RawMessage | Skipped] = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def read_messages(paths: list[Path], *, workers: int, text: bool = True) -> Iterator[Message | Skipped]:
    """Messages in source order, their text read unless `text` is False."""
    return read_stream(open_sources(paths), workers=workers, text=text)


def read_stream(raws: Iterable[RawMessage | Skipped], *, workers: int, text: bool) -> Iterator[Message | Skipped]:
    """Raw messages read in order. With workers > 1, batches go to a process pool with at most a few
    batches in flight, so memory holds a bounded window of raw mail, not the mailbox."""
    stream = _batches(raws)
    first = next(stream, None)
    if first is None:
        return
    if workers <= 1 or len(first) < BATCH:
        yield from _inline(first, text)
        for batch in stream:
            yield from _inline(batch, text)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        pending: deque[tuple[list[Skipped], AsyncResult[list[Message | Skipped]]]] = deque()

        def submit(batch: list[RawMessage | Skipped]) -> None:
            raws = [item for item in batch if isinstance(item, RawMessage)]
            skips = [item for item in batch if isinstance(item, Skipped)]
            pending.append((skips, pool.apply_async(_read_batch, (raws, text))))

        submit(first)
        for batch in stream:
            submit(batch)
            while len(pending) >= 2 * workers + 1:
                yield from _collect(pending.popleft())
        while pending:
            yield from _collect(pending.popleft())


def _inline(batch: list[RawMessage | Skipped], text: bool) -> Iterator[Message | Skipped]:
    for item in batch:
        yield item if isinstance(item, Skipped) else read_one(item, text=text)


# The messages whose text is to be read, for forked workers (inherited, never pickled): only the
# phrase hits and moments travel back.
_UNREAD: list[Message] = []


def _read_slice(bounds: tuple[int, int]) -> list[tuple[tuple[Hit, ...], tuple[Moment, ...]]]:
    return [(m.phrases, m.moments) for m in map(read, _UNREAD[bounds[0]:bounds[1]])]


def read_text(deals: list[Deal], *, workers: int, index: MessageIndex | None = None) -> list[Deal]:
    """The deals with their messages' text read: phrases and time words only where judgement
    needs them, not in the colleagues' mail, newsletters and notifications that join no deal.
    With an `index`, what an earlier scan read is taken from it, and what is read here is kept."""
    global _UNREAD
    messages = list({id(m): m for deal in deals for thread in deal.threads for m in thread.messages}.values())
    known = index.readings(m.content_hash for m in messages) if index is not None else {}
    unread = [m for m in messages if m.content_hash not in known]
    if workers <= 1 or len(unread) < POOL_THRESHOLD:
        done = {id(m): read(m) for m in unread}
    else:
        size = max(BATCH // 4, -(-len(unread) // (workers * 8)))
        slices = [(start, min(start + size, len(unread))) for start in range(0, len(unread), size)]
        _UNREAD = unread
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                found = [hit for part in pool.imap(_read_slice, slices) for hit in part]
        finally:
            _UNREAD = []
        done = {id(m): replace(m, phrases=phrases, moments=moments)
                for m, (phrases, moments) in zip(unread, found, strict=True)}
    if index is not None:
        index.save_readings({m.content_hash: (done[id(m)].phrases, done[id(m)].moments) for m in unread})
        done.update({id(m): replace(m, phrases=known[m.content_hash][0], moments=known[m.content_hash][1])
                     for m in messages if m.content_hash in known})
    return [replace(deal, threads=tuple(replace(thread, messages=tuple(done[id(m)] for m in thread.messages))
                                        for thread in deal.threads)) for deal in deals]


def _collect(
    entry: tuple[list[Skipped], AsyncResult[list[Message | Skipped]]],
) -> Iterator[Message | Skipped]:
    skips, result = entry
    yield from skips
    yield from result.get()


def index_version() -> str:
    """What the index's rows depend on: the reading code, the language data and the model. Any
    change to them makes the index start over rather than serve another version's reading."""
    return _tree_digest(("read", "language"), ("model.py",))


# The bytes at a file's end kept in the index, to tell an mbox that only grew from a rewritten one.
_TAIL = 256
Item = Message | Skipped


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _state(path: Path, size: int, mtime_ns: int) -> FileState | None:
    """What the index keeps of a file it has just read: the size and time seen before reading, and
    the bytes that ended it then. Only read for files that changed: an unchanged one needs a stat."""
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, size - _TAIL))
            tail = handle.read(min(_TAIL, size))
    except OSError:
        return None
    return FileState(size=size, mtime_ns=mtime_ns, messages=0, tail=tail)


def _only_grew(file: MailFile, old: FileState, size: int) -> bool:
    """A plain mbox whose old bytes end where they ended, and a "From " line follows: appended to."""
    if size <= old.size or not old.tail or file.path.suffix == ".gz" or file.role == "maildir":
        return False
    try:
        with open(file.path, "rb") as handle:
            if handle.read(5) != b"From ":
                return False
            handle.seek(old.size - len(old.tail))
            found = handle.read(len(old.tail) + 7)
    except OSError:
        return False
    # A client may begin what it appends with the empty line the old end lacked.
    return found.startswith(old.tail) and found[len(old.tail):].lstrip(b"\r\n").startswith(b"From ")


def indexed_messages(paths: list[Path], *, index: MessageIndex, workers: int) -> Iterator[Message | Skipped]:
    """The messages of `paths` as read_messages gives them (text not read), each file read only
    when it is new or changed since the index last saw it; a file that vanished leaves the index."""
    files = mail_files(paths)
    known = index.files()
    plan: list[tuple[MailFile, str, FileState | None, FileState | None]] = []
    for file in files:
        old = known.get(str(file.path))
        seen = _stat(file.path)
        if old is not None and seen == (old.size, old.mtime_ns):
            plan.append((file, "reuse", old, old))
            continue
        now = _state(file.path, *seen) if seen is not None else None
        if old is not None and now is not None and _only_grew(file, old, now.size):
            plan.append((file, "resume", old, now))
        else:
            plan.append((file, "read", None, now))
    single = len(paths) == 1 and len(files) == 1

    def changed() -> Iterator[RawMessage | Skipped]:
        for file, action, old, _ in plan:
            if action != "reuse":
                resume = (old.size, old.messages) if action == "resume" and old is not None else None
                yield from read_file(file, single=single, resume=resume)

    keys = {str(file.path) for file in files}
    fresh: dict[str, list[Item]] = {}
    for item in read_stream(changed(), workers=workers, text=False):
        key = item.origin if item.origin in keys else item.origin.rsplit("#", 1)[0]
        fresh.setdefault(key, []).append(item)
    for file, action, old, now in plan:
        key = str(file.path)
        if action != "reuse" and now is not None:
            first = old.messages if action == "resume" and old is not None else 0
            items = fresh.get(key, [])
            index.save(key, replace(now, messages=first + len(items)), items, first=first)
    index.forget(path for path in known if path not in keys and not Path(path).exists())
    for file, action, _, now in plan:
        key = str(file.path)
        yield from (fresh.get(key, []) if action == "read" or now is None else index.items(key))


# Deals and context for diagnosing in forked workers: set in each child by the pool's
# initializer (inherited through fork, never pickled), so only results travel back.
_FORKED: tuple[list[Deal], ScanContext] | None = None
# Below this many deals, forking costs more than it saves.
DIAGNOSE_POOL_THRESHOLD = 500


def _hold(deals: list[Deal], context: ScanContext) -> None:
    global _FORKED
    _FORKED = (deals, context)


def judge(deal: Deal, *, context: ScanContext) -> Diagnosis:
    """One deal through understand and act: what the detectors and rules read, what the learned heads
    decide from that, then what to do about it."""
    understood = diagnose(deal, context=context)
    model = context.decision_model
    tried = context.tried.get(deal.organization, frozenset())
    if model is None:
        return recommend(understood.diagnosis, view=understood.view, tried=tried)
    understood = decide(understood, model)
    return recommend(understood.diagnosis, view=understood.view, play_head=model.play,
                     features=understood.features, tried=tried)


def _bare(diagnosis: Diagnosis) -> Diagnosis:
    """The diagnosis without its deal's mail, to travel between processes or into the index: the
    deal carries all its messages, and whoever has the deal puts them back (`_restored`)."""
    return replace(diagnosis, deal=Deal(organization=diagnosis.deal.organization, contacts=()), threads=tuple(
        replace(report, thread=replace(report.thread, messages=(), asides=())) for report in diagnosis.threads))


def _restored(diagnosis: Diagnosis, deal: Deal) -> Diagnosis:
    threads = {thread.id: thread for thread in deal.threads}
    return replace(diagnosis, deal=deal, threads=tuple(
        replace(report, thread=threads[report.thread.id]) for report in diagnosis.threads))


def _diagnose_slice(bounds: tuple[int, int]) -> list[Diagnosis]:
    assert _FORKED is not None
    deals, context = _FORKED
    return [_bare(judge(deal, context=context)) for deal in deals[bounds[0] : bounds[1]]]


def diagnose_all(deals: list[Deal], *, context: ScanContext, workers: int) -> list[Diagnosis]:
    """Deals are independent once the mailbox norm is known, so large mailboxes diagnose in
    parallel; the deals (and their messages) are put back in place in this process."""
    if workers <= 1 or len(deals) < DIAGNOSE_POOL_THRESHOLD:
        return [judge(deal, context=context) for deal in deals]
    size = -(-len(deals) // (workers * 4))
    slices = [(start, min(start + size, len(deals))) for start in range(0, len(deals), size)]
    # Frozen objects are left alone by the children's garbage collector, so fewer of the
    # parent's pages are copied into them.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_hold,
                                                      initargs=(deals, context)) as pool:
            parts = pool.map(_diagnose_slice, slices)
    finally:
        gc.unfreeze()
    return [_restored(diagnosis, deal) for (start, _), part in zip(slices, parts, strict=True)
            for deal, diagnosis in zip(deals[start:], part, strict=False)]


def judgement_version() -> str:
    """What a deal's judgement depends on besides its mail: the code and data of every stage."""
    return _tree_digest(("read", "language", "understand", "act"), ("model.py", "pipeline.py"))


def _tree_digest(folders: Sequence[str], files: Sequence[str]) -> str:
    digest = hashlib.sha1()
    root = Path(__file__).parent
    found = [path for folder in folders for path in (root / folder).rglob("*")
             if path.is_file() and path.suffix in (".py", ".toml", ".json")]
    for path in sorted([*found, *(root / name for name in files)]):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _judgement_keys(deals: list[Deal], context: ScanContext) -> list[str]:
    """For each deal, a key of everything its judgement reads: its mail as grouped (every message's
    identity, content, recipients and flags), the moment, the seller, the mailbox's norm and
    language, the models, what was tried, and the code. The same key, the same judgement."""
    shared = hashlib.sha1(judgement_version().encode())
    shared.update(repr((context.seller, context.now.isoformat(), context.home_country, context.home_zone,
                        mailbox_norm(context.mailbox_latencies), context.mailbox_language)).encode())
    shared.update(pickle.dumps((context.risk_model, context.decision_model), pickle.HIGHEST_PROTOCOL))
    keys = []
    for deal in deals:
        digest = shared.copy()
        digest.update(repr((deal.organization, deal.contacts, deal.others,
                            sorted(context.tried.get(deal.organization, ())))).encode())
        for thread in deal.threads:
            digest.update(repr((thread.id, thread.subject)).encode())
            for message in (*thread.messages, None, *thread.asides):
                digest.update(b"-" if message is None else repr(_identity(message)).encode())
        keys.append(digest.hexdigest())
    return keys


def _identity(m: Message) -> tuple[object, ...]:
    # The content hash stands for the text and what reading it finds (sender, date, subject and body
    # decide them, through code the judgement version covers), so the text is not read to key a deal.
    return (m.message_id, m.content_hash, m.date.isoformat(), m.sender, m.to, m.cc, m.in_reply_to, m.references,
            m.attachments, m.is_auto_reply, m.is_bounce, m.mailing_list, m.is_bulk, m.labels, m.return_date,
            m.quoted_lines)


def judge_all(deals: list[Deal], *, context: ScanContext, workers: int,
              index: MessageIndex | None = None) -> list[Diagnosis]:
    """Every deal judged; with an `index`, a deal whose mail and circumstances are what they were
    when it was last judged keeps that judgement, and only the others are judged again."""
    if index is None:
        return diagnose_all(read_text(deals, workers=workers), context=context, workers=workers)
    keys = _judgement_keys(deals, context)
    known = index.judgements(keys)
    # Text is read only for the deals judged here: a kept judgement already holds what it found.
    todo = read_text([deal for deal, key in zip(deals, keys, strict=True) if key not in known], workers=workers,
                     index=index)
    fresh = iter(diagnose_all(todo, context=context, workers=workers))
    judged = [_restored(known[key], deal) if key in known else next(fresh)
              for deal, key in zip(deals, keys, strict=True)]
    index.keep_judgements({key: _bare(d) for key, d in zip(keys, judged, strict=True) if key not in known}, keys)
    return judged


_ORDER = {Status.YOUR_MOVE: 0, Status.SILENT: 1, Status.GHOSTED: 2, Status.WAITING: 3,
          Status.PAUSED: 4, Status.CLOSED: 5}


def urgency(diagnosis: Diagnosis) -> tuple[int, float, str]:
    """Most urgent first: the seller's own debts, then silences still worth a mail, then the rest."""
    timeline = diagnosis.timeline
    rank = _ORDER[timeline.status]
    if timeline.status is Status.YOUR_MOVE and timeline.last_inbound is not None:
        weight = -timeline.last_inbound.timestamp() / 1e10  # the oldest unanswered first
    else:
        weight = -timeline.risk
    return rank, weight, diagnosis.deal.organization


@dataclass(frozen=True, slots=True, kw_only=True)
class Mailbox:
    """The mail read and grouped into deals, with the mailbox's norm, before any deal is judged."""

    deals: list[Deal]
    context: ScanContext  # no risk or decision model chosen yet
    skipped: tuple[Skipped, ...]
    messages: int
    duplicates: int
    left_out: int = 0  # threads only lists, newsletters or notifications wrote


def read_deals(
    paths: list[Path],
    *,
    seller: Seller,
    now: datetime,
    home_country: str,
    home_zone: str,
    workers: int = 1,
    on_skip: Callable[[Skipped], None] | None = None,
    progress: Progress | None = None,
    index: MessageIndex | None = None,
    text: bool = True,
) -> Mailbox:
    """The mail read and grouped into deals. With an `index`, only new or changed files are read;
    `text`: False leaves the deals' phrases and time words unread (judge_all reads them as needed)."""
    messages: dict[str, Message] = {}
    # Some exports give each folder's copy its own Message-ID; the content tells them apart.
    contents: set[str] = set()
    skipped: list[Skipped] = []
    duplicates = 0
    items = (read_messages(paths, workers=workers, text=False) if index is None
             else indexed_messages(paths, index=index, workers=workers))
    for count, item in enumerate(items, start=1):
        if progress is not None and count % 1000 == 0:
            progress(count)
        if isinstance(item, Skipped):
            skipped.append(item)
            if on_skip is not None:
                on_skip(item)
            continue
        if item.date > now:
            continue  # written after the analysis moment: not known yet
        if item.message_id in messages or item.content_hash in contents:
            duplicates += 1
            continue
        messages[item.message_id] = item
        contents.add(item.content_hash)
    seller = seller_side(seller, messages.values())
    threads = build_threads(messages.values(), seller=seller)
    left_out = sum(1 for thread in threads if not is_conversation(thread, seller))
    deals = group_deals(threads, seller=seller)
    if text:
        deals = read_text(deals, workers=workers, index=index)
    context = ScanContext(seller=seller, now=now, home_country=home_country, home_zone=home_zone,
                          # Customers' own words only: not newsletters, lists or partners.
                          mailbox_language=mailbox_language(
                              (m for deal in deals for thread in deal.threads for m in thread.messages), seller))
    latencies = tuple(latency for deal in deals for latency in deal_latencies(deal, context))
    return Mailbox(deals=deals, context=replace(context, mailbox_latencies=latencies), skipped=tuple(skipped),
                   messages=len(messages), duplicates=duplicates, left_out=left_out)


def scan(
    paths: list[Path],
    *,
    seller: Seller,
    now: datetime,
    home_country: str,
    home_zone: str,
    workers: int = 1,
    on_skip: Callable[[Skipped], None] | None = None,
    progress: Progress | None = None,
    risk_model: RiskModel | None = None,
    decision_model: DecisionModel | None = None,
    tried: Mapping[str, frozenset[PlayKind]] | None = None,
    index: MessageIndex | None = None,
) -> ScanResult:
    """`risk_model` and `decision_model` default to the shipped ones (the prior, decide/model.json);
    `tried`: the plays the seller already sent a mail for, by organisation; `index`: the message
    index, so that only new or changed mail files are read."""
    mailbox = read_deals(paths, seller=seller, now=now, home_country=home_country, home_zone=home_zone,
                         workers=workers, on_skip=on_skip, progress=progress, index=index, text=False)
    context = replace(mailbox.context, risk_model=risk_model or prior_model(),
                      decision_model=decision_model or shipped_model(), tried=dict(tried or {}))
    diagnoses = vary(sorted(judge_all(mailbox.deals, context=context, workers=workers, index=index), key=urgency))
    return ScanResult(now=now, diagnoses=tuple(diagnoses), skipped=mailbox.skipped,
                      messages=mailbox.messages, duplicates=mailbox.duplicates, left_out=mailbox.left_out)
