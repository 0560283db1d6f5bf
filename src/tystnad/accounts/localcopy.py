"""The local copy every kind of account keeps: Maildirs under TYSTNAD_HOME/accounts/NAME/mail that the
ordinary Maildir reader scans unchanged, the store's record of how far each folder has got, and what a
sync did to them.

Each message is written to a file of its own in tmp/ (named by process and counter, created
exclusively), fsynced and renamed into cur/ (the Maildir delivery protocol), so a reader never sees
half a message and a crash never leaves one; a message's file is named by a key its kind chooses
(IMAP: UIDVALIDITY and UID), so fetching it again replaces the file instead of adding a second copy.
One sync at a time writes an account's copy: sync_lock() holds an exclusive lock on
accounts/NAME/.lock for the whole sync."""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tystnad.accounts.errors import NotSynced, SyncRunning
from tystnad.errors import StoreError
from tystnad.store import open_store
from tystnad.store.accounts import Accounts

__all__ = ["LocalFolder", "local_name", "sync_lock", "account_root", "account_mail_root", "synced_mail_folders",
           "copy_status", "CopyStatus", "SyncResult", "FolderResult", "SyncProgress"]

SyncProgress = Callable[[str, int, int], None]  # (folder, copied so far, to copy in all)


@dataclass(frozen=True, slots=True, kw_only=True)
class FolderResult:
    folder: str
    copied: int
    kept: int  # messages in the local copy after the sync
    is_resynced: bool  # the server renumbered the folder (IMAP: a new UIDVALIDITY): the local copy was made again
    # Messages the server still has but did not send; the folder stopped before them, the next sync fetches them.
    not_copied: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncResult:
    account: str
    folders: tuple[FolderResult, ...]
    missing: tuple[str, ...]  # configured folders the server does not have
    reconnects: int

    @property
    def copied(self) -> int:
        return sum(folder.copied for folder in self.folders)

    @property
    def not_copied(self) -> int:
        return sum(folder.not_copied for folder in self.folders)


@dataclass(frozen=True, slots=True, kw_only=True)
class CopyStatus:
    synced_at: datetime | None  # the latest folder sync; None: never synced
    messages: int  # in the local copy


def account_root(home: Path, name: str) -> Path:
    return home / "accounts" / name


def account_mail_root(home: Path, name: str) -> Path:
    return account_root(home, name) / "mail"


def synced_mail_folders(home: Path, name: str) -> list[Path]:
    """The local Maildirs a synced account's mail was copied to, for scanning offline."""
    with open_store(home) as store:
        synced = [folder for folder in Accounts(store).folders(name) if folder.synced_at is not None]
    if not synced:
        raise NotSynced(f"account {name} has not been synced yet; run `tystnad sync {name}` first")
    root = account_mail_root(home, name)
    return [root / folder.local_dir for folder in synced]


def copy_status(home: Path, name: str) -> CopyStatus:
    with open_store(home) as store:
        folders = Accounts(store).folders(name)
    root = account_mail_root(home, name)
    return CopyStatus(synced_at=max((f.synced_at for f in folders if f.synced_at), default=None),
                      messages=sum(LocalFolder(root / folder.local_dir).count() for folder in folders))


_temporary_names = itertools.count(1)


@contextmanager
def sync_lock(account_root: Path, name: str) -> Iterator[None]:
    """Hold accounts/NAME/.lock for the whole sync, or fail at once when another sync holds it.

    flock, not a file that exists: the kernel drops the lock when its holder dies, so a killed sync
    never blocks the next one."""
    try:
        account_root.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(account_root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise StoreError(f"account {name}: cannot create {account_root / '.lock'} ({error.strerror})") from error
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise SyncRunning(f"account {name}: another sync of {name} is running; wait for it to finish "
                              f"(it copies the same mail)") from error
        yield
    finally:
        # Closing the descriptor releases the lock.
        os.close(descriptor)


def local_name(folder: str) -> str:
    """A directory name for a server folder: readable, safe on every filesystem, distinct per folder."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", folder).strip("-") or "folder"
    if slug == folder:
        return slug
    return f"{slug}-{hashlib.sha256(folder.encode('utf-8')).hexdigest()[:8]}"


class LocalFolder:
    """The local copy of one server folder: a Maildir."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pending: list[tuple[str, str]] = []  # (file in tmp/, name in cur/)

    def create(self) -> None:
        try:
            for sub in ("tmp", "new", "cur"):
                (self.path / sub).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"{self.path}: cannot create the local mail folder ({error.strerror})") from error

    def clear(self) -> int:
        """Remove every copied message (the server renumbered the folder); returns how many."""
        removed = 0
        try:
            for sub in ("tmp", "new", "cur"):
                directory = self.path / sub
                if not directory.is_dir():
                    continue
                for entry in os.scandir(directory):
                    os.unlink(entry.path)
                    removed += 1
        except OSError as error:
            raise StoreError(f"{self.path}: cannot clear the local mail folder ({error.strerror})") from error
        return removed

    def put(self, key: str, data: bytes) -> None:
        """Write to tmp/; the message appears in cur/ at the next make_durable(). `key` names it in the folder."""
        name = f"{key}.tystnad"
        temporary = f"{name}.{os.getpid()}.{next(_temporary_names)}"
        try:
            # O_EXCL: a file of the same name is someone else's half-written message, never ours to reuse.
            descriptor = os.open(self.path / "tmp" / temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(descriptor, "wb") as handle:
                handle.write(data)
        except OSError as error:
            raise StoreError(f"{self.path}: cannot write a message ({error.strerror}); "
                             f"free some disk space and sync again") from error
        self._pending.append((temporary, name))

    def make_durable(self) -> None:
        """fsync every written message, move it into cur/ and fsync cur/: after this the sync state
        may say they are copied. One flush per batch lets the filesystem commit them together."""
        try:
            for temporary, _ in self._pending:
                descriptor = os.open(self.path / "tmp" / temporary, os.O_RDONLY)
                try:
                    os.fsync(descriptor)
                finally:
                    os.close(descriptor)
            for temporary, name in self._pending:
                # ":2," is Maildir's info part with no flags: tystnad is not a client that reads mail.
                os.replace(self.path / "tmp" / temporary, self.path / "cur" / f"{name}:2,")
            descriptor = os.open(self.path / "cur", os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        except OSError as error:
            raise StoreError(f"{self.path}: cannot flush the local mail folder ({error.strerror})") from error
        self._pending.clear()

    def count(self) -> int:
        return sum(1 for sub in ("new", "cur") if (self.path / sub).is_dir()
                   for entry in os.scandir(self.path / sub) if not entry.name.startswith("."))
