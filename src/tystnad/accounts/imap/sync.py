"""Copy an account's Inbox, Sent and chosen folders to local Maildirs, incrementally and read-only.

Read-only by construction: folders are opened with EXAMINE and bodies fetched with BODY.PEEK[],
so the server sets no flag (not even \\Seen) because tystnad read a message. Incremental by
UIDVALIDITY and UID (RFC 3501 2.3.1.1): only UIDs above the highest one copied are fetched, and
a changed UIDVALIDITY means the server renumbered the folder, so its copy is made again.
Memory follows the batch, not the mailbox: bodies are fetched in batches limited by count and by
total size; only the list of new UIDs (a few dozen bytes each) grows with the folder. New UIDs are
searched in windows of UID_WINDOW UIDs up to UIDNEXT, because one SEARCH reply is one line and
imaplib refuses lines over 1,000,000 bytes (about 125,000 seven-digit UIDs).
The recorded state never passes a UID the server still has but did not send: the folder stops
there, the result says how many were not copied, and the next sync fetches them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from imapclient import IMAPClient

from tystnad.accounts.credentials import AskPassword, Credentials
from tystnad.accounts.errors import ConnectionLost
from tystnad.accounts.imap.connect import CONNECTION_ERRORS, close_quietly, connect, server_errors
from tystnad.accounts.imap.folders import folders_to_sync
from tystnad.accounts.localcopy import (
    FolderResult,
    LocalFolder,
    SyncProgress,
    SyncResult,
    account_mail_root,
    local_name,
)
from tystnad.store import open_store
from tystnad.store.accounts import Accounts, JsonObject

if TYPE_CHECKING:
    from tystnad.accounts.imap.account import ImapAccount

__all__ = ["copy_new_mail", "BATCH_MESSAGES", "BATCH_BYTES", "UID_WINDOW", "uid_windows"]

log = logging.getLogger(__name__)

BATCH_MESSAGES = 250
BATCH_BYTES = 24 * 1024 * 1024
# UIDs per SEARCH: even at ten digits a full window's reply is about 220 kB, far below imaplib's line limit.
UID_WINDOW = 20_000
# Drops within one sync that are retried by reconnecting before giving up.
RECONNECTS = 3


@dataclass
class _FolderCopy:
    """A folder's progress, kept across reconnects so counts survive a drop."""

    folder: str
    copied: int = 0
    is_resynced: bool = False
    not_copied: int = 0
    local: LocalFolder | None = field(default=None)


def copy_new_mail(account: ImapAccount, home: Path, *, ask_password: AskPassword | None = None,
                  progress: SyncProgress | None = None, timeout: float | None = None) -> SyncResult:
    """Called with the account's sync lock held. `timeout` bounds each wait for the server."""
    store = open_store(home)
    try:
        accounts = Accounts(store)
        root = account_mail_root(home, account.name)
        session = _Session(account, ask_password, timeout)
        try:
            with server_errors(account, "copying mail", again=f"what was copied is kept; run `tystnad sync "
                                                                f"{account.name}` again to resume"):
                chosen, missing = folders_to_sync(session.client.list_folders(), account.extra_folders)
                copies = [_FolderCopy(folder) for folder in chosen]
                for copy in copies:
                    session.run(partial(_copy_folder, accounts=accounts, account=account, copy=copy,
                                        root=root, progress=progress))
        finally:
            session.close()
        return SyncResult(
            account=account.name, missing=tuple(missing), reconnects=session.reconnects,
            folders=tuple(FolderResult(folder=c.folder, copied=c.copied, is_resynced=c.is_resynced,
                                       not_copied=c.not_copied, kept=c.local.count() if c.local else 0)
                          for c in copies))
    finally:
        store.close()


def _position(uidvalidity: int, last_uid: int) -> JsonObject:
    return {"uidvalidity": uidvalidity, "last_uid": last_uid}


class _Session:
    """A connection opened again when it drops, up to RECONNECTS times in one sync; each step resumes
    from the recorded state, so a drop costs at most the batch in flight."""

    def __init__(self, account: ImapAccount, ask_password: AskPassword | None, timeout: float | None) -> None:
        self.account = account
        self.timeout = timeout
        self.credentials: Credentials = account.credentials(ask_password)
        self.client = connect(account, self.credentials, timeout=timeout)
        self.reconnects = 0

    def run(self, step: Callable[[IMAPClient], None]) -> None:
        while True:
            try:
                step(self.client)
                return
            except CONNECTION_ERRORS as error:
                self.reconnects += 1
                name = self.account.name
                if self.reconnects > RECONNECTS:
                    raise ConnectionLost(
                        f"account {name}: the connection to {self.account.host} kept dropping ({error}); "
                        f"what was copied is kept, run `tystnad sync {name}` again to resume") from error
                log.warning("account %s: connection dropped (%s); reconnecting", name, error)
                close_quietly(self.client)
                if self.account.secret == "oauth_command":
                    # An access token lives about an hour and a long sync can outlast it: ask for a
                    # current one. A password stays the same, and the seller is not asked again.
                    self.credentials = self.account.credentials(None)
                self.client = connect(self.account, self.credentials, timeout=self.timeout)

    def close(self) -> None:
        close_quietly(self.client)


def _copy_folder(client: IMAPClient, *, accounts: Accounts, account: ImapAccount, copy: _FolderCopy, root: Path,
                 progress: SyncProgress | None) -> None:
    info = client.select_folder(copy.folder, readonly=True)
    uidvalidity = int(info[b"UIDVALIDITY"])
    state = accounts.folder(account.name, copy.folder)
    local = LocalFolder(root / (state.local_dir if state else local_name(copy.folder)))
    copy.local = local
    known_validity = None if state is None else int(state.position["uidvalidity"])
    # A local copy deleted by hand is copied again too, rather than trusting a state it no longer matches.
    if state is None or known_validity != uidvalidity or not (local.path / "cur").is_dir():
        # Files first, state second: a crash in between finds the old UIDVALIDITY and clears again.
        removed = local.clear()
        if state is not None and known_validity != uidvalidity:
            copy.is_resynced = True
            log.info("account %s: %s has a new UIDVALIDITY; %d local copies dropped, copying again",
                     account.name, copy.folder, removed)
        accounts.start_folder(account.name, copy.folder, local_dir=local.path.name,
                              position=_position(uidvalidity, 0))
        last_uid = 0
    else:
        last_uid = int(state.position["last_uid"])
    local.create()
    uid_next = int(info.get(b"UIDNEXT", 0))
    pending = _new_uids(client, last_uid, uid_next) if int(info.get(b"EXISTS", 0)) else []
    done, copied_to = 0, last_uid
    for batch in _batches(client, pending):
        fetched = client.fetch(batch, ["BODY.PEEK[]"])
        unsent = [uid for uid in batch if fetched.get(uid, {}).get(b"BODY[]") is None]
        # No body is usually a message expunged since the search, nothing to keep; one the server
        # still has must not be passed over, so the folder stops before it.
        still_there = sorted(client.search(["UID", ",".join(map(str, unsent))])) if unsent else []
        stop = still_there[0] if still_there else None
        for uid in batch:
            if stop is not None and uid >= stop:
                break
            body = fetched.get(uid, {}).get(b"BODY[]")
            if body is not None:
                local.put(f"{uidvalidity}.{uid}", body)
                copy.copied += 1
        local.make_durable()
        if stop is not None:
            accounts.advance(account.name, copy.folder, position=_position(uidvalidity, stop - 1),
                             at=datetime.now().astimezone())
            copy.not_copied = sum(1 for uid in pending if uid >= stop)
            log.warning("account %s: %s: the server sent no body for UID %d, which it still has; %d messages "
                        "left for the next sync", account.name, copy.folder, stop, copy.not_copied)
            return
        # New UIDs come in ascending order: the batch's last is the highest copied so far.
        copied_to = batch[-1]
        accounts.advance(account.name, copy.folder, position=_position(uidvalidity, copied_to),
                         at=datetime.now().astimezone())
        done += len(batch)
        if progress is not None:
            progress(copy.folder, done, len(pending))
    accounts.advance(account.name, copy.folder, position=_position(uidvalidity, copied_to),
                     at=datetime.now().astimezone())


def uid_windows(last_uid: int, uid_next: int, size: int = UID_WINDOW) -> list[tuple[int, int]]:
    """Inclusive UID ranges covering last_uid+1 up to uid_next-1, each at most `size` UIDs."""
    return [(start, min(start + size - 1, uid_next - 1)) for start in range(last_uid + 1, uid_next, size)]


def _new_uids(client: IMAPClient, last_uid: int, uid_next: int) -> list[int]:
    if uid_next:
        found: list[int] = []
        for low, high in uid_windows(last_uid, uid_next, UID_WINDOW):
            found += client.search(["UID", f"{low}:{high}"])
        return sorted(uid for uid in set(found) if uid > last_uid)
    # No UIDNEXT in the EXAMINE reply (RFC 3501 requires it, a few servers omit it): one search.
    # "UID n:*" always matches the highest UID, even one below n (RFC 3501 6.4.8): filter.
    return sorted(uid for uid in client.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid)


def _batches(client: IMAPClient, uids: Sequence[int]) -> Iterator[list[int]]:
    """Groups of at most BATCH_MESSAGES UIDs and, by RFC822.SIZE, about BATCH_BYTES of mail."""
    for start in range(0, len(uids), BATCH_MESSAGES):
        chunk = list(uids[start:start + BATCH_MESSAGES])
        sizes = client.fetch(chunk, ["RFC822.SIZE"])
        batch: list[int] = []
        batch_bytes = 0
        for uid in chunk:
            size = int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0))
            if batch and batch_bytes + size > BATCH_BYTES:
                yield batch
                batch, batch_bytes = [], 0
            batch.append(uid)
            batch_bytes += size
        if batch:
            yield batch
