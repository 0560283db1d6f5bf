"""Copy an account's Inbox, Sent and chosen folders to local Maildirs, incrementally and read-only.

Read-only by construction: folders are opened with EXAMINE and bodies fetched with BODY.PEEK[],
so the server sets no flag (not even \\Seen) because tystnad read a message. Incremental by
UIDVALIDITY and UID (RFC 3501 2.3.1.1): only UIDs above the highest one copied are fetched, and
a changed UIDVALIDITY means the server renumbered the folder, so its copy is made again.
Memory follows the batch, not the mailbox: bodies are fetched in batches limited by count and by
total size; only the list of new UIDs (a few dozen bytes each) grows with the folder."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from imapclient import IMAPClient

from tystnad.imap.accounts import AskPassword, Credentials, account_mail_root, credentials_for, get_account
from tystnad.imap.connect import CONNECTION_ERRORS, close_quietly, connect, server_errors
from tystnad.imap.errors import ConnectionLost
from tystnad.imap.folders import folders_to_sync
from tystnad.imap.localmail import LocalFolder, local_name
from tystnad.store import open_store
from tystnad.store.accounts import Account, Accounts

__all__ = ["sync_account", "SyncResult", "FolderResult", "SyncProgress", "BATCH_MESSAGES", "BATCH_BYTES"]

log = logging.getLogger(__name__)

BATCH_MESSAGES = 250
BATCH_BYTES = 24 * 1024 * 1024
# Drops within one sync that are retried by reconnecting before giving up.
RECONNECTS = 3

SyncProgress = Callable[[str, int, int], None]  # (folder, copied so far, to copy in all)


@dataclass(frozen=True, slots=True, kw_only=True)
class FolderResult:
    folder: str
    copied: int
    kept: int  # messages in the local copy after the sync
    is_resynced: bool  # UIDVALIDITY changed: the local copy was made again


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncResult:
    account: str
    folders: tuple[FolderResult, ...]
    missing: tuple[str, ...]  # configured folders the server does not have
    reconnects: int

    @property
    def copied(self) -> int:
        return sum(folder.copied for folder in self.folders)


@dataclass
class _FolderCopy:
    """A folder's progress, kept across reconnects so counts survive a drop."""

    folder: str
    copied: int = 0
    is_resynced: bool = False
    local: LocalFolder | None = field(default=None)


def sync_account(home: Path, name: str, *, ask_password: AskPassword | None = None,
                 progress: SyncProgress | None = None) -> SyncResult:
    store = open_store(home)
    try:
        accounts = Accounts(store)
        account = get_account(accounts, name)
        session = _Session(account, credentials_for(account, ask_password))
        root = account_mail_root(home, name)
        try:
            with server_errors(account, "copying mail", again=f"what was copied is kept; run `tystnad sync "
                                                                f"{name}` again to resume"):
                chosen, missing = folders_to_sync(session.client.list_folders(), account.extra_folders)
                copies = [_FolderCopy(folder) for folder in chosen]
                for copy in copies:
                    session.run(partial(_copy_folder, accounts=accounts, account=account, copy=copy, root=root,
                                        progress=progress))
        finally:
            session.close()
        return SyncResult(
            account=name, missing=tuple(missing), reconnects=session.reconnects,
            folders=tuple(FolderResult(folder=c.folder, copied=c.copied, is_resynced=c.is_resynced,
                                       kept=c.local.count() if c.local else 0) for c in copies))
    finally:
        store.close()


class _Session:
    """A connection opened again when it drops, up to RECONNECTS times in one sync; each step resumes
    from the recorded state, so a drop costs at most the batch in flight."""

    def __init__(self, account: Account, credentials: Credentials) -> None:
        self.account = account
        self.credentials = credentials
        self.client = connect(account, credentials)
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
                self.client = connect(self.account, self.credentials)

    def close(self) -> None:
        close_quietly(self.client)


def _copy_folder(client: IMAPClient, *, accounts: Accounts, account: Account, copy: _FolderCopy, root: Path,
                 progress: SyncProgress | None) -> None:
    info = client.select_folder(copy.folder, readonly=True)
    uidvalidity = int(info[b"UIDVALIDITY"])
    state = accounts.folder(account.name, copy.folder)
    local = LocalFolder(root / (state.local_dir if state else local_name(copy.folder)))
    copy.local = local
    # A local copy deleted by hand is copied again too, rather than trusting a state it no longer matches.
    if state is None or state.uidvalidity != uidvalidity or not (local.path / "cur").is_dir():
        # Files first, state second: a crash in between finds the old UIDVALIDITY and clears again.
        removed = local.clear()
        if state is not None and state.uidvalidity != uidvalidity:
            copy.is_resynced = True
            log.info("account %s: %s has a new UIDVALIDITY; %d local copies dropped, copying again",
                     account.name, copy.folder, removed)
        accounts.start_folder(account.name, copy.folder, local_dir=local.path.name, uidvalidity=uidvalidity)
        last_uid = 0
    else:
        last_uid = state.last_uid
    local.create()
    uid_next = int(info.get(b"UIDNEXT", 0))
    pending: list[int] = []
    if int(info.get(b"EXISTS", 0)) and not (uid_next and uid_next <= last_uid + 1):
        # "UID n:*" always matches the highest UID, even one below n (RFC 3501 6.4.8): filter.
        pending = sorted(uid for uid in client.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid)
    done = 0
    for batch in _batches(client, pending):
        fetched = client.fetch(batch, ["BODY.PEEK[]"])
        for uid in batch:
            body = fetched.get(uid, {}).get(b"BODY[]")
            if body is not None:  # None: expunged since the search, nothing to keep
                local.put(uidvalidity, uid, body)
                copy.copied += 1
        local.make_durable()
        accounts.advance(account.name, copy.folder, last_uid=batch[-1], at=datetime.now().astimezone())
        done += len(batch)
        if progress is not None:
            progress(copy.folder, done, len(pending))
    accounts.advance(account.name, copy.folder, last_uid=last_uid, at=datetime.now().astimezone())


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
